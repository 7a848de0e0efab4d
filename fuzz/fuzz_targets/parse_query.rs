//! The query parser on any bytes: a syntax tree or an error with a
//! position that renders, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match kg::query::parse_script(text) {
        Ok(script) => {
            let _ = script.to_string();
        }
        Err(e) => {
            let _ = e.render(text);
            let _ = e.to_string();
        }
    }
    if let Err(e) = kg::query::parse_statement(text) {
        let _ = e.render(text);
    }
});
