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

/// A graph changed by queries may hold what a file refuses (a share over
/// 100, a relation citing an unknown source): saving it then stops with
/// the loader's error instead of writing the file (`kg query --write`
/// checks the same way). Writing and loading must still end in a graph or
/// an error, and a graph that loads again writes the same text.
pub fn check_save_is_checked(graph: &Graph) {
    let Ok(text) = to_file_text(graph) else {
        return;
    };
    if let Ok(again) = load_str("saved.json", &text) {
        let text2 = match to_file_text(&again) {
            Ok(t) => t,
            Err(e) => panic!("a reloaded graph cannot be written: {e}\n--- first written:\n{text}"),
        };
        assert_eq!(text, text2, "writing, loading and writing again changed the file");
    }
}
