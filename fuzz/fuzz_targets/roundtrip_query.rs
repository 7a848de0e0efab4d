//! Whatever parses prints as text that parses to the same tree, and
//! printing that tree gives the same text again.
#![no_main]

use kg::query::parse_script;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(script) = parse_script(text) else {
        return;
    };
    let printed = script.to_string();
    let again = match parse_script(&printed) {
        Ok(s) => s,
        Err(e) => panic!(
            "printed text does not parse\n--- input:\n{text}\n--- printed:\n{printed}\n{}",
            e.render(&printed)
        ),
    };
    assert_eq!(
        script, again,
        "the tree changed in print -> parse\n--- input:\n{text}\n--- printed:\n{printed}"
    );
    assert_eq!(printed, again.to_string(), "printing is not stable");
});
