//! Checks the seed graph `graphs/rare-earths-2025.json` against its source
//! article and against the canonical file layout.
//!
//! The graph is read as plain `serde_json::Value`, not through the kg
//! loader, so that these checks stand on their own.
//!
//! Checks that need the article run only when `../shared/seed` exists next
//! to the crate; otherwise they print a message and pass.

// Test helpers fail by panicking; that is how a test reports failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::{Map, Value};

const GRAPH: &str = "graphs/rare-earths-2025.json";
const ARTICLE: &str = "000_e49c6ca6d34a2019.txt";

const TOP_KEYS: &[&str] = &["kg", "name", "sources", "entities", "relations"];
const SOURCE_KEYS: &[&str] = &["id", "url", "title", "published"];
const ENTITY_KEYS: &[&str] = &["id", "labels", "name", "aliases", "props"];
const RELATION_KEYS: &[&str] = &[
    "from", "type", "to", "props", "since", "until", "source", "locator", "note", "quote",
];

/// Names the user and the brief require, each matched exactly (ignoring
/// case) against some entity's name or alias.
const REQUIRED_NAMES: &[&str] = &[
    "Vladimir Putin",
    "Putin",
    "Donald Trump",
    "Trump",
    "Russia",
    "Russian Federation",
    "United States",
    "US",
    "USA",
    "United States of America",
    "China",
    "Ukraine",
    "Rosnedra",
    "Rostec",
    "PROMISING MINING PROJECTS JSC",
    "Rosatom",
    "Rosatom Nedra",
    "Atomredmedzoloto",
    "First Mining Company",
    "EAST Group",
    "Alexander Nesis",
    "Intergeo",
    "Mikhail Prokhorov",
    "NFC",
    "Pauerite Limited",
    "Tomtorskoye",
    "Tomtor",
    "Ak-Sugsky",
    "Pavlovsky",
    "Yakutia",
    "Tuva",
    "Novaya Zemlya",
    "Krasnoyarsk Territory",
    "rare earth metals",
    "aluminium",
    "aluminum",
    "niobium",
    "molybdenum",
    "rhenium",
    "lead",
    "zinc",
    "Kommersant",
    "Verified Market Research",
    "Research and Markets",
];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn graph_text() -> String {
    let path = crate_dir().join(GRAPH);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn graph() -> Value {
    serde_json::from_str(&graph_text()).unwrap_or_else(|e| panic!("{GRAPH}: invalid JSON: {e}"))
}

fn records<'a>(g: &'a Value, key: &str) -> &'a [Value] {
    g[key]
        .as_array()
        .unwrap_or_else(|| panic!("{GRAPH}: \"{key}\" is not an array"))
}

fn obj(v: &Value) -> &Map<String, Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("{GRAPH}: expected an object, got {v}"))
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{GRAPH}: {v} has no string \"{key}\""))
}

/// The article's paragraphs: runs of non-blank lines; paragraph 1 is the
/// date line. `None` when the shared seed folder is absent.
fn article_paragraphs() -> Option<Vec<String>> {
    let dir = crate_dir().join("../shared/seed");
    if !dir.is_dir() {
        eprintln!(
            "{} not found: skipping the checks against the article",
            dir.display()
        );
        return None;
    }
    let path = dir.join(ARTICLE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    Some(split_paragraphs(&text))
}

fn split_paragraphs(text: &str) -> Vec<String> {
    let mut paras = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paras.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paras.push(current.join("\n"));
    }
    paras
}

/// The entity's name and aliases.
fn names(entity: &Value) -> Vec<&str> {
    let mut out = vec![str_field(entity, "name")];
    if let Some(aliases) = entity.get("aliases").and_then(Value::as_array) {
        out.extend(aliases.iter().filter_map(Value::as_str));
    }
    out
}

/// Whether `text` contains `needle` ignoring case, as a whole word or
/// phrase: the characters on either side may not be letters or digits.
/// (Stricter than a bare substring test, so that "US" is not found inside
/// "Russia" nor "EAST" inside "least".)
fn mentions(text: &str, needle: &str) -> bool {
    let hay: Vec<char> = text.to_lowercase().chars().collect();
    let pat: Vec<char> = needle.to_lowercase().chars().collect();
    if pat.is_empty() || pat.len() > hay.len() {
        return false;
    }
    (0..=hay.len() - pat.len()).any(|i| {
        hay[i..i + pat.len()] == pat[..]
            && (i == 0 || !hay[i - 1].is_alphanumeric())
            && hay.get(i + pat.len()).is_none_or(|c| !c.is_alphanumeric())
    })
}

fn entities_by_id(g: &Value) -> BTreeMap<&str, &Value> {
    records(g, "entities")
        .iter()
        .map(|e| (str_field(e, "id"), e))
        .collect()
}

fn paragraph_number(locator: &str) -> Option<usize> {
    locator.strip_prefix("para ")?.parse().ok()
}

// ---------------------------------------------------------------------------
// Canonical layout: one record per line, keys in the documented order.

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(item, out);
            }
            out.push(']');
        }
        // Maps nested in records (props) are written with sorted keys
        // (serde_json keeps insertion order: the crate enables
        // `preserve_order`).
        Value::Object(map) => {
            let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
            keys.sort_unstable();
            write_object(map, &keys, out);
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn write_object(map: &Map<String, Value>, order: &[&str], out: &mut String) {
    out.push('{');
    let mut first = true;
    for key in order {
        if let Some(v) = map.get(*key) {
            if !first {
                out.push_str(", ");
            }
            first = false;
            out.push_str(&Value::from(*key).to_string());
            out.push_str(": ");
            write_value(v, out);
        }
    }
    out.push('}');
}

fn assert_known_keys(record: &Value, known: &[&str]) {
    for key in obj(record).keys() {
        assert!(
            known.contains(&key.as_str()),
            "{GRAPH}: unknown key {key:?} in {record}"
        );
    }
}

fn canonical(g: &Value) -> String {
    assert_known_keys(g, TOP_KEYS);
    let mut out = String::from("{\n");
    out.push_str(&format!("  \"kg\": {},\n", g["kg"]));
    out.push_str(&format!("  \"name\": {},\n", g["name"]));
    let sections = [
        ("sources", SOURCE_KEYS),
        ("entities", ENTITY_KEYS),
        ("relations", RELATION_KEYS),
    ];
    for (n, (section, order)) in sections.iter().enumerate() {
        out.push_str(&format!("  \"{section}\": [\n"));
        let items = records(g, section);
        for (i, item) in items.iter().enumerate() {
            assert_known_keys(item, order);
            out.push_str("    ");
            write_object(obj(item), order, &mut out);
            out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
        }
        out.push_str(if n + 1 < sections.len() {
            "  ],\n"
        } else {
            "  ]\n"
        });
    }
    out.push_str("}\n");
    out
}

#[test]
fn graph_file_is_in_canonical_layout() {
    let text = graph_text();
    let expected = canonical(&graph());
    if text != expected {
        let (line, (got, want)) = text
            .lines()
            .zip(expected.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, pair)| (i + 1, pair))
            .unwrap_or((0, ("(length differs)", "")));
        panic!("{GRAPH}:{line} is not in canonical layout\n  found:    {got}\n  expected: {want}");
    }
}

#[test]
fn graph_has_version_name_and_one_source() {
    let g = graph();
    assert_eq!(g["kg"], 1);
    assert_eq!(g["name"], "rare-earths-2025");
    let sources = records(&g, "sources");
    assert_eq!(sources.len(), 1);
    assert_eq!(str_field(&sources[0], "id"), "kommersant-7534002");
    assert_eq!(
        str_field(&sources[0], "url"),
        "https://www.kommersant.ru/doc/7534002"
    );
    assert_eq!(str_field(&sources[0], "published"), "2025-02-26");
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_kebab_id(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.chars().all(|c| c.is_ascii_digit());
    let in_range = |p: &str, hi: u32| p.parse::<u32>().is_ok_and(|v| (1..=hi).contains(&v));
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => {
            digits(y, 4) && digits(m, 2) && in_range(m, 12) && digits(d, 2) && in_range(d, 31)
        }
        _ => false,
    }
}

/// Props: a non-empty map of strings, numbers, booleans or flat lists.
fn check_props(owner: &Value) {
    let Some(props) = owner.get("props") else {
        return;
    };
    let props = obj(props);
    assert!(!props.is_empty(), "{GRAPH}: empty props in {owner}");
    for (key, v) in props {
        let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
        let ok = scalar(v) || v.as_array().is_some_and(|items| items.iter().all(scalar));
        assert!(
            ok,
            "{GRAPH}: prop {key:?} = {v} is not a scalar or flat list in {owner}"
        );
    }
}

#[test]
fn entities_are_well_formed() {
    let g = graph();
    let mut seen = BTreeSet::new();
    for e in records(&g, "entities") {
        let id = str_field(e, "id");
        assert!(
            is_kebab_id(id),
            "{GRAPH}: id {id:?} is not lowercase kebab-case"
        );
        assert!(seen.insert(id), "{GRAPH}: duplicate id {id:?}");
        let labels = e["labels"].as_array().expect("labels is an array");
        assert!(!labels.is_empty(), "{GRAPH}: {id} has no labels");
        for label in labels {
            let label = label.as_str().expect("a label is a string");
            assert!(is_identifier(label), "{GRAPH}: {id}: bad label {label:?}");
        }
        assert!(
            !str_field(e, "name").trim().is_empty(),
            "{GRAPH}: {id} has no name"
        );
        if let Some(aliases) = e.get("aliases") {
            let aliases = aliases.as_array().expect("aliases is an array");
            assert!(!aliases.is_empty(), "{GRAPH}: {id} has empty aliases");
            assert!(
                aliases.iter().all(Value::is_string),
                "{GRAPH}: {id}: alias not a string"
            );
        }
        check_props(e);
    }
}

#[test]
fn names_and_aliases_are_unambiguous() {
    let g = graph();
    let mut owner: BTreeMap<String, &str> = BTreeMap::new();
    for e in records(&g, "entities") {
        let id = str_field(e, "id");
        let own: BTreeSet<String> = names(e).iter().map(|n| n.to_lowercase()).collect();
        for name in own {
            if let Some(other) = owner.insert(name.clone(), id) {
                panic!("{GRAPH}: {name:?} names both {other} and {id}");
            }
        }
    }
}

#[test]
fn relations_are_well_formed_and_refer_to_known_ids() {
    let g = graph();
    let ids = entities_by_id(&g);
    for r in records(&g, "relations") {
        for end in ["from", "to"] {
            let id = str_field(r, end);
            assert!(
                ids.contains_key(id),
                "{GRAPH}: {end} {id:?} is not an entity id in {r}"
            );
        }
        let ty = str_field(r, "type");
        assert!(is_identifier(ty), "{GRAPH}: bad relation type {ty:?}");
        for bound in ["since", "until"] {
            if let Some(d) = r.get(bound) {
                let d = d
                    .as_str()
                    .unwrap_or_else(|| panic!("{GRAPH}: {bound} not a string in {r}"));
                assert!(
                    is_date(d),
                    "{GRAPH}: {bound} {d:?} is not YYYY, YYYY-MM or YYYY-MM-DD in {r}"
                );
            }
        }
        if let (Some(since), Some(until)) = (r.get("since"), r.get("until")) {
            assert!(
                since.as_str() <= until.as_str(),
                "{GRAPH}: since after until in {r}"
            );
        }
        check_props(r);
        if let Some(share) = r.get("props").and_then(|p| p.get("share")) {
            let share = share.as_f64().expect("share is a number");
            assert!(
                (0.0..=100.0).contains(&share),
                "{GRAPH}: share out of range in {r}"
            );
        }
    }
}

#[test]
fn every_relation_has_source_locator_and_note_but_no_quote() {
    let g = graph();
    let sources: BTreeSet<&str> = records(&g, "sources")
        .iter()
        .map(|s| str_field(s, "id"))
        .collect();
    for r in records(&g, "relations") {
        let source = str_field(r, "source");
        assert!(
            sources.contains(source),
            "{GRAPH}: unknown source {source:?} in {r}"
        );
        let locator = str_field(r, "locator");
        assert!(
            paragraph_number(locator).is_some_and(|n| n >= 1),
            "{GRAPH}: locator {locator:?} is not \"para N\" in {r}"
        );
        assert!(
            !str_field(r, "note").trim().is_empty(),
            "{GRAPH}: empty note in {r}"
        );
        assert!(
            r.get("quote").is_none(),
            "{GRAPH}: the seed graph carries no quotes: {r}"
        );
    }
}

#[test]
fn relation_locators_point_at_paragraphs_that_name_both_entities() {
    let Some(paras) = article_paragraphs() else {
        return;
    };
    let g = graph();
    let ids = entities_by_id(&g);
    let mut problems = Vec::new();
    for r in records(&g, "relations") {
        let locator = str_field(r, "locator");
        let Some(para) = paragraph_number(locator)
            .filter(|n| (1..=paras.len()).contains(n))
            .map(|n| &paras[n - 1])
        else {
            problems.push(format!(
                "{locator:?} is not a paragraph of the article (1..={}): {r}",
                paras.len()
            ));
            continue;
        };
        for end in ["from", "to"] {
            let id = str_field(r, end);
            let Some(entity) = ids.get(id) else {
                problems.push(format!("unknown {end} id {id:?}"));
                continue;
            };
            if !names(entity).iter().any(|n| mentions(para, n)) {
                problems.push(format!(
                    "{locator} does not mention {end} {id} ({:?}): {r}",
                    names(entity)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{GRAPH}:\n{}", problems.join("\n"));
}

#[test]
fn required_entities_are_present_by_name_or_alias() {
    let g = graph();
    let known: BTreeSet<String> = records(&g, "entities")
        .iter()
        .flat_map(names)
        .map(str::to_lowercase)
        .collect();
    let missing: Vec<&&str> = REQUIRED_NAMES
        .iter()
        .filter(|n| !known.contains(&n.to_lowercase()))
        .collect();
    assert!(missing.is_empty(), "{GRAPH}: no entity named {missing:?}");
}

#[test]
fn every_entity_takes_part_in_a_relation() {
    let g = graph();
    let used: BTreeSet<&str> = records(&g, "relations")
        .iter()
        .flat_map(|r| [str_field(r, "from"), str_field(r, "to")])
        .collect();
    let idle: Vec<&str> = records(&g, "entities")
        .iter()
        .map(|e| str_field(e, "id"))
        .filter(|id| !used.contains(id))
        .collect();
    assert!(
        idle.is_empty(),
        "{GRAPH}: entities in no relation: {idle:?}"
    );
}

/// The relations that later ownership queries depend on, with their dates.
#[test]
fn ownership_and_licence_facts_carry_their_dates() {
    let g = graph();
    let rels = records(&g, "relations");
    let find = |from: &str, types: &[&str], to: &str| -> &Value {
        rels.iter()
            .find(|r| {
                str_field(r, "from") == from
                    && str_field(r, "to") == to
                    && types.contains(&str_field(r, "type"))
            })
            .unwrap_or_else(|| panic!("{GRAPH}: no {types:?} relation {from} -> {to}"))
    };
    let date = |r: &Value, key: &str| r.get(key).and_then(Value::as_str).map(str::to_owned);
    let ownership = &["OWNS", "CONTROLS"];

    let intergeo = find("intergeo", ownership, "ak-sugsky");
    assert_eq!(date(intergeo, "until").as_deref(), Some("2024"));
    let pmp = find("promising-mining-projects", ownership, "ak-sugsky");
    assert_eq!(date(pmp, "since").as_deref(), Some("2024-12"));
    let revoked = find("rosnedra", &["REVOKED"], "intergeo");
    assert_eq!(date(revoked, "since").as_deref(), Some("2024"));
    find("mikhail-prokhorov", ownership, "intergeo");
    find("rostec", ownership, "promising-mining-projects");
    find("east-group", ownership, "tomtorskoye");
    find("alexander-nesis", ownership, "east-group");
    find("first-mining-company", &["PART_OF"], "rosatom-nedra");
    find("rosatom-nedra", &["PART_OF"], "rosatom");
    for partner in ["nfc", "pauerite-limited"] {
        let memo = find("first-mining-company", &["SIGNED_MEMORANDUM"], partner);
        assert_eq!(date(memo, "since").as_deref(), Some("2024-03"));
    }
}

#[test]
fn paragraphs_split_on_blank_lines_with_the_date_line_first() {
    let paras = split_paragraphs("February 26, 2025\n\nOne.\n\n\nTwo\nlines.\n  \nThree.\n");
    assert_eq!(
        paras,
        ["February 26, 2025", "One.", "Two\nlines.", "Three."]
    );
    let Some(article) = article_paragraphs() else {
        return;
    };
    assert_eq!(article[0], "February 26, 2025");
    assert!(article[8].starts_with("Most of the major rare earth projects"));
}

#[test]
fn mentions_matches_whole_words_ignoring_case() {
    assert!(mentions("Mr. Putin noted", "putin"));
    assert!(mentions("Rostec's structure", "Rostec"));
    assert!(mentions("www.kommersant.ru/doc/1", "kommersant.ru"));
    assert!(!mentions("Russia has", "US"));
    assert!(!mentions("at least", "EAST"));
}

#[test]
fn canonical_writer_follows_the_documented_key_order() {
    let record: Value = serde_json::from_str(
        r#"{"note": "n", "to": "b", "props": {"z": [1, 2.5], "a": "é"}, "from": "a", "type": "OWNS"}"#,
    )
    .unwrap();
    let mut out = String::new();
    write_object(obj(&record), RELATION_KEYS, &mut out);
    assert_eq!(
        out,
        r#"{"from": "a", "type": "OWNS", "to": "b", "props": {"a": "é", "z": [1, 2.5]}, "note": "n"}"#
    );
}
