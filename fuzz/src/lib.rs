//! Checks shared by the fuzz targets.

use kg::graph::{load_str, to_file_text, Graph};

/// A graph that was built (loaded, imported or changed by a query) must
/// write to a file that loads again, and writing that graph must give the
/// same text: whatever kg accepts, it can save and read back.
///
/// A graph that cannot be written at all (an entity without id or label,
/// which only queries can make) is not checked.
pub fn check_saves_and_reloads(graph: &Graph) {
    let Ok(text) = to_file_text(graph) else {
        return;
    };
    let again = match load_str("saved.json", &text) {
        Ok(g) => g,
        Err(e) => panic!("a written graph does not load again: {e}\n--- written:\n{text}"),
    };
    let text2 = match to_file_text(&again) {
        Ok(t) => t,
        Err(e) => panic!("a reloaded graph cannot be written: {e}\n--- first written:\n{text}"),
    };
    assert_eq!(
        text, text2,
        "writing, loading and writing again changed the file"
    );
}
