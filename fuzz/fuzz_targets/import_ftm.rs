//! The FollowTheMoney importer (entities, one JSON object a line) on
//! any text: a graph and a list of invalid records, never a panic; the
//! graph it builds saves and loads again.
#![no_main]

use kg::import::{ftm, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::new("fuzz.json", String::from_utf8_lossy(data));
    let result = ftm::import(&[input], &mut |_| {});
    for invalid in &result.invalid {
        let _ = invalid.to_string();
    }
    kg_fuzz::check_saves_and_reloads(&result.graph);
});
