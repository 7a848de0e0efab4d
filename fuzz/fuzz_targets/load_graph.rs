//! The graph loader on any bytes (as a file read from disk): a graph or
//! an error, never a panic; a graph that loads saves and loads again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = match kg::graph::load::text_from_bytes("fuzz.json".into(), data.to_vec()) {
        Ok(t) => t,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    match kg::graph::load_str("fuzz.json", &text) {
        Ok(graph) => kg_fuzz::check_saves_and_reloads(&graph),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
