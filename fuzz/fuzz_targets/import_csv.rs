//! The CSV importer on up to four files (the input split at 0xFF bytes):
//! a graph and a list of invalid rows, never a panic; the graph it builds
//! saves and loads again.
#![no_main]

use kg::import::{csv, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let inputs: Vec<Input> = data
        .split(|b| *b == 0xFF)
        .take(4)
        .enumerate()
        .map(|(i, part)| Input::new(format!("f{i}.csv"), String::from_utf8_lossy(part)))
        .collect();
    let result = csv::import(&inputs, &mut |_| {});
    for invalid in &result.invalid {
        let _ = invalid.to_string();
    }
    kg_fuzz::check_saves_and_reloads(&result.graph);
});
