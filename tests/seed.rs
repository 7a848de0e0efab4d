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

/// The words of `text`: runs of letters and digits, lowercased. Hyphens,
/// apostrophes, `$` and other punctuation separate words, so
/// "Rare-earth" is "rare earth" and "$10.78" is "10 78".
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Words that say nothing about which entity a name means ("s" is what is
/// left of a possessive "'s").
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "s", "the", "to", "with",
];

/// Whether `paragraph` names an entity called `name`: every word of the
/// name but the stop words is a word of the paragraph, in any order and
/// case. "Rare-earth metals" is named by "the rare earth metals industry",
/// "EAST Group managers" by "the managers of the Alexander Nesis EAST
/// Group"; "US" is not named by "Russia" nor "Putin's interview" by a
/// paragraph about Putin that never speaks of an interview.
fn names_entity(paragraph: &str, name: &str) -> bool {
    let have: BTreeSet<String> = words(paragraph).into_iter().collect();
    let need: Vec<String> = words(name)
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect();
    !need.is_empty() && need.iter().all(|w| have.contains(w))
}

fn entities_by_id(g: &Value) -> BTreeMap<&str, &Value> {
    records(g, "entities")
        .iter()
        .map(|e| (str_field(e, "id"), e))
        .collect()
}

/// The paragraphs a seed locator cites: `"para N"`, or several joined by
/// `", "` in increasing order (`"para 2, para 3"`) when a fact takes its
/// details or its date from more than one paragraph. `None` when the
/// locator is not of that form.
fn paragraph_numbers(locator: &str) -> Option<Vec<usize>> {
    let numbers = locator
        .split(", ")
        .map(|part| part.strip_prefix("para ")?.parse::<usize>().ok())
        .collect::<Option<Vec<usize>>>()?;
    let increasing = numbers.windows(2).all(|w| w[0] < w[1]);
    (increasing && numbers.first().is_some_and(|&n| n >= 1)).then_some(numbers)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Dates the article gives in words rather than as a date. It is dated 26
/// February 2025 (paragraph 1), so "the end of last year" is late 2024,
/// recorded to the month as December 2024.
const DATES_IN_OTHER_WORDS: &[(&str, &str)] = &[("2024-12", "end of last year")];

/// Whether `paragraph` states the date `date` (`YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD`) as the article writes dates: "2024", "March 2024",
/// "February 24" (or "24 February"), or in the words of
/// [`DATES_IN_OTHER_WORDS`].
fn states_date(paragraph: &str, date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let month = |m: &str| {
        m.parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
    };
    let plain = match parts.as_slice() {
        [y] => mentions(paragraph, y),
        [y, m] => month(m).is_some_and(|m| mentions(paragraph, &format!("{m} {y}"))),
        [_, m, d] => month(m).is_some_and(|m| {
            let d = d.trim_start_matches('0');
            mentions(paragraph, &format!("{m} {d}")) || mentions(paragraph, &format!("{d} {m}"))
        }),
        _ => false,
    };
    plain
        || DATES_IN_OTHER_WORDS
            .iter()
            .any(|&(d, words)| d == date && mentions(paragraph, words))
}

/// The relation's `since` and `until`, where present.
fn dates(r: &Value) -> Vec<&str> {
    ["since", "until"]
        .iter()
        .filter_map(|k| r.get(*k).and_then(Value::as_str))
        .collect()
}

// ---------------------------------------------------------------------------
// Canonical layout: the file is exactly what kg itself writes for it.

#[test]
fn graph_file_is_in_canonical_layout() {
    let text = graph_text();
    let graph = kg::graph::load_str(GRAPH, &text).unwrap_or_else(|e| panic!("{e}"));
    let expected = kg::graph::to_file_text(&graph).unwrap();
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
            paragraph_numbers(locator).is_some(),
            "{GRAPH}: locator {locator:?} is not \"para N\" or \"para N, para M\" (increasing) in {r}"
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

/// Every relation's cited paragraphs name both of its ends (by name or
/// alias, see [`names_entity`]), and each cited paragraph is there for a
/// reason: it names one of the ends or states one of the relation's dates.
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
        let Some(cited) = paragraph_numbers(locator)
            .filter(|ns| ns.iter().all(|n| (1..=paras.len()).contains(n)))
            .map(|ns| ns.iter().map(|n| &paras[n - 1]).collect::<Vec<_>>())
        else {
            problems.push(format!(
                "{locator:?} is not a list of paragraphs of the article (1..={}): {r}",
                paras.len()
            ));
            continue;
        };
        let mut ends = Vec::new();
        for end in ["from", "to"] {
            let id = str_field(r, end);
            let Some(entity) = ids.get(id) else {
                problems.push(format!("unknown {end} id {id:?}"));
                continue;
            };
            ends.push(*entity);
            if !cited
                .iter()
                .any(|p| names(entity).iter().any(|n| names_entity(p, n)))
            {
                problems.push(format!(
                    "{locator} does not name {end} {id} ({:?}): {r}",
                    names(entity)
                ));
            }
        }
        for (n, p) in paragraph_numbers(locator).unwrap().iter().zip(&cited) {
            let names_an_end = ends
                .iter()
                .any(|e| names(e).iter().any(|name| names_entity(p, name)));
            let states_a_date = dates(r).iter().any(|d| states_date(p, d));
            if !names_an_end && !states_a_date {
                problems.push(format!(
                    "para {n} names neither end and states none of the dates of {r}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{GRAPH}:\n{}", problems.join("\n"));
}

/// A dated relation cites the paragraph that gives its date: a fact told
/// in one paragraph and dated in another cites both.
#[test]
fn dated_relations_cite_the_paragraph_that_gives_the_date() {
    let Some(paras) = article_paragraphs() else {
        return;
    };
    let g = graph();
    let mut problems = Vec::new();
    for r in records(&g, "relations") {
        let locator = str_field(r, "locator");
        let cited: Vec<&String> = paragraph_numbers(locator)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| paras.get(n.wrapping_sub(1)))
            .collect();
        for date in dates(r) {
            if !cited.iter().any(|p| states_date(p, date)) {
                problems.push(format!("{locator} does not give the date {date}: {r}"));
            }
        }
    }
    assert!(problems.is_empty(), "{GRAPH}:\n{}", problems.join("\n"));
}

/// The strings of a props map: its string values and the strings in its
/// lists, each with its key.
fn prop_strings(owner: &Value) -> Vec<(String, &str)> {
    let Some(props) = owner.get("props").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, v) in props {
        match v {
            Value::String(s) => out.push((format!("props.{key}"), s.as_str())),
            Value::Array(items) => out.extend(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|s| (format!("props.{key}"), s)),
            ),
            _ => {}
        }
    }
    out
}

/// How many consecutive words a text may share with the article: notes
/// are in the graph's own words, not the article's sentences.
const LONGEST_SHARED_RUN: usize = 7;

/// The longest run of words, at least [`LONGEST_SHARED_RUN`] + 1 long,
/// that `text` shares with `grams` (the article's word runs of that
/// length), or `None`.
fn shared_run(text: &str, grams: &BTreeSet<Vec<String>>) -> Option<String> {
    let w = words(text);
    w.windows(LONGEST_SHARED_RUN + 1)
        .find(|run| grams.contains(*run))
        .map(|run| run.join(" "))
}

#[test]
fn no_note_name_or_property_copies_eight_words_of_the_article() {
    let Some(paras) = article_paragraphs() else {
        return;
    };
    let grams: BTreeSet<Vec<String>> = paras
        .iter()
        .flat_map(|p| {
            words(p)
                .windows(LONGEST_SHARED_RUN + 1)
                .map(<[String]>::to_vec)
                .collect::<Vec<_>>()
        })
        .collect();
    let g = graph();
    let mut texts: Vec<(String, &str)> = Vec::new();
    for e in records(&g, "entities") {
        let id = str_field(e, "id");
        texts.extend(names(e).into_iter().map(|n| (format!("{id}: name"), n)));
        texts.extend(
            prop_strings(e)
                .into_iter()
                .map(|(k, s)| (format!("{id}: {k}"), s)),
        );
    }
    for r in records(&g, "relations") {
        let at = format!(
            "{} -{}-> {}",
            str_field(r, "from"),
            str_field(r, "type"),
            str_field(r, "to")
        );
        texts.push((format!("{at}: note"), str_field(r, "note")));
        texts.extend(
            prop_strings(r)
                .into_iter()
                .map(|(k, s)| (format!("{at}: {k}"), s)),
        );
    }
    let copies: Vec<String> = texts
        .iter()
        .filter_map(|(at, text)| shared_run(text, &grams).map(|run| format!("{at}: {run:?}")))
        .collect();
    assert!(
        copies.is_empty(),
        "{GRAPH}: words copied from the article:\n{}",
        copies.join("\n")
    );
}

/// An alias the article does not use (a Russian name, a transliteration,
/// a short form of our own) is listed in the entity's
/// `props.aliases_not_in_article`, and `props.alias_source` says where
/// such aliases come from; a listed alias is an alias of the entity and
/// really absent from the article.
#[test]
fn aliases_absent_from_the_article_are_marked_so() {
    let Some(paras) = article_paragraphs() else {
        return;
    };
    let article = paras.join("\n\n");
    let g = graph();
    let mut problems = Vec::new();
    for e in records(&g, "entities") {
        let id = str_field(e, "id");
        let aliases: Vec<&str> = names(e)[1..].to_vec();
        let props = e.get("props");
        let listed: Vec<&str> = props
            .and_then(|p| p.get("aliases_not_in_article"))
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let source = props
            .and_then(|p| p.get("alias_source"))
            .and_then(Value::as_str);
        for alias in &aliases {
            let in_article = mentions(&article, alias);
            if in_article == listed.contains(alias) {
                problems.push(format!(
                    "{id}: alias {alias:?} is {} the article but {} in aliases_not_in_article",
                    if in_article { "in" } else { "not in" },
                    if in_article { "listed" } else { "not listed" },
                ));
            }
        }
        for item in &listed {
            if !aliases.contains(item) {
                problems.push(format!("{id}: {item:?} is listed but is not an alias"));
            }
        }
        if listed.is_empty() != source.is_none() {
            problems.push(format!(
                "{id}: alias_source must be given exactly when aliases_not_in_article is"
            ));
        }
        if source.is_some_and(|s| !s.contains("not stated in the article")) {
            problems.push(format!(
                "{id}: alias_source does not say the aliases are not stated in the article"
            ));
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
    find("east-group-managers", ownership, "tomtorskoye");
    find("east-group-managers", &["MANAGES"], "east-group");
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
    assert!(!mentions("the Tomtorskoye deposit", "Tomtor"));
}

#[test]
fn an_entity_is_named_when_every_word_of_a_name_is_there() {
    assert!(names_entity(
        "owned by the managers of the Alexander Nesis EAST Group",
        "EAST Group managers"
    ));
    assert!(names_entity(
        "a meeting on the development of the rare earth metals industry",
        "Rare-earth metals"
    ));
    assert!(names_entity(
        "Mr. Putin noted. A transcript of his interview",
        "Putin's interview"
    ));
    assert!(!names_entity(
        "Vladimir Putin has invited",
        "Putin's interview"
    ));
    assert!(!names_entity("the EAST Group", "EAST Group managers"));
    assert!(!names_entity("Russia has", "US"));
    assert!(!names_entity("at least", "EAST"));
    assert!(!names_entity("of the", "The Of"));
}

#[test]
fn locators_cite_one_or_more_paragraphs_in_order() {
    assert_eq!(paragraph_numbers("para 9"), Some(vec![9]));
    assert_eq!(paragraph_numbers("para 2, para 3"), Some(vec![2, 3]));
    assert_eq!(
        paragraph_numbers("para 2, para 3, para 12"),
        Some(vec![2, 3, 12])
    );
    for bad in [
        "para 3, para 2",
        "para 2, para 2",
        "para 0",
        "para 2,para 3",
        "paras 2, 3",
        "p. 2",
        "",
    ] {
        assert_eq!(paragraph_numbers(bad), None, "{bad:?}");
    }
}

#[test]
fn dates_are_found_as_the_article_writes_them() {
    assert!(states_date("on the evening of February 24.", "2025-02-24"));
    assert!(states_date("February 26, 2025", "2025-02-26"));
    assert!(!states_date("February 26, 2025", "2025-02-24"));
    assert!(!states_date("February 240", "2025-02-24"));
    assert!(states_date("signed in March 2024, but", "2024-03"));
    assert!(!states_date("signed in March 2025", "2024-03"));
    assert!(states_date("but in 2024 Rosnedra decided", "2024"));
    assert!(!states_date("from $7.62 billion in 20245", "2024"));
    assert!(states_date(
        "At the end of last year, X received",
        "2024-12"
    ));
    assert!(!states_date(
        "At the end of last year, X received",
        "2024-11"
    ));
}

#[test]
fn a_run_of_eight_shared_words_is_found_and_seven_are_not() {
    let article = "Most of the major rare earth projects are currently frozen today.";
    let grams: BTreeSet<Vec<String>> = words(article)
        .windows(LONGEST_SHARED_RUN + 1)
        .map(<[String]>::to_vec)
        .collect();
    assert_eq!(
        shared_run(
            "Note: most of the MAJOR rare-earth projects are frozen.",
            &grams
        ),
        Some("most of the major rare earth projects are".to_owned())
    );
    assert_eq!(
        shared_run("Of the major rare earth projects, most are frozen.", &grams),
        None
    );
}
