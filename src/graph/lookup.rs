//! Finding the entity a person means by what they type: an id, a name or
//! an alias, in any case, with or without diacritics, in Cyrillic or Latin
//! letters, whole or in part.
//!
//! [`resolve`] tries these rules in order and stops at the first that
//! finds anything:
//!
//! 1. **Id.** An entity whose id is the text exactly, or with the spaces
//!    around it trimmed.
//! 2. **Name.** Entities with a name or alias whose look-up key
//!    ([`super::fold::name_key`]) is the text's key, and entities whose id
//!    is the text in another case. Several are ambiguous, unless exactly
//!    one of them has a name or alias spelled as typed (case and
//!    diacritics aside, Cyrillic in Latin letters: [`super::fold::spell`])
//!    or the id typed.
//! 3. **Part of a name**, when the text has at least [`MIN_PARTIAL`]
//!    letters and digits: entities with a name or alias whose key, spaces
//!    aside, begins with the text's key ([`super::fold::prefix_keys`]:
//!    "Krasnoyarsk" finds Krasnoyarsk Krai), or that has every word of the
//!    text's key among its words ("Nedra" finds Rosatom Nedra). Several
//!    are ambiguous.
//! 4. **A name and more words**, again for [`MIN_PARTIAL`] letters and
//!    digits or more: entities with a name or alias whose key has at least
//!    [`MIN_PARTIAL`] letters and digits and whose words all appear among
//!    the words of the text's key and are at least half of them, each
//!    word counted once ("Tomtorskoye deposit" finds Tomtorskoye; "East
//!    Siberian Metals" does not find EAST). Several are ambiguous.
//! 5. Nothing: an error with up to [`MAX_SUGGESTIONS`] entities whose
//!    name, alias or id is closest to the text ([`suggestions`]).
//!
//! Ambiguity errors list up to [`MAX_CANDIDATES`] entities, as
//! `id (Name, Label)`; suggestions give each entity's main name and id,
//! never an alias.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use super::fold::{key_of_spelled, prefix_keys_of, spell};
use super::model::Graph;
use super::NodeIndex;

/// The fewest letters and digits a text needs to match part of a name.
pub const MIN_PARTIAL: usize = 3;
/// The most entities a "did you mean" names.
pub const MAX_SUGGESTIONS: usize = 5;
/// The most candidates an ambiguity error lists (it counts the rest).
pub const MAX_CANDIDATES: usize = 10;
/// The most edit distances one look-up computes for its suggestions.
pub const MAX_COMPARED: usize = 20_000;
/// Texts whose key is longer than this get no suggestions: nobody
/// mistypes a name that long.
pub const MAX_SUGGESTED_LEN: usize = 100;
/// Texts longer than this are cut short in messages.
const SHOWN_CHARS: usize = 80;

/// The rule that found several entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Their name, alias or id is the text (rule 2).
    Name,
    /// Part of their name or alias matches the text (rule 3).
    Partial,
    /// The text holds their name or alias and more words (rule 4).
    Within,
}

/// An entity a "did you mean" offers: its main name and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The entity's name, if it has one.
    pub name: Option<String>,
    /// The entity's id, if it has one.
    pub id: Option<String>,
}

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.name, &self.id) {
            (Some(name), Some(id)) => write!(f, "{} ({id})", quoted(name)),
            (Some(name), None) => f.write_str(&quoted(name)),
            (None, Some(id)) => f.write_str(&quoted(id)),
            (None, None) => f.write_str("an entity without name or id"),
        }
    }
}

/// Why a text did not lead to exactly one entity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// No rule found anything.
    #[error("no entity is called {}{}", quoted(.name), suggest(.suggestions))]
    Unknown {
        /// What was asked for.
        name: String,
        /// The closest entities, best first.
        suggestions: Vec<Suggestion>,
    },
    /// A rule found several entities.
    #[error("{} is ambiguous: {}", quoted(.name), ambiguity(*.rule, .candidates, *.more))]
    Ambiguous {
        /// What was asked for.
        name: String,
        /// The rule that found them.
        rule: Rule,
        /// The first [`MAX_CANDIDATES`] of them as `id (Name, Label)`:
        /// by id for rule 2, those with the shortest matching name first
        /// for rules 3 and 4.
        candidates: Vec<String>,
        /// How many more there are.
        more: usize,
    },
}

/// A text as messages show it: at most [`SHOWN_CHARS`] characters.
fn shown(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        None => text.to_string(),
        Some((at, _)) => format!(
            "{}… ({} characters)",
            text.get(..at).unwrap_or_default(),
            text.chars().count()
        ),
    }
}

/// A text in quotes (control characters escaped), cut short after
/// [`SHOWN_CHARS`] characters.
fn quoted(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        None => format!("{text:?}"),
        Some((at, _)) => format!(
            "{:?} ({} characters)",
            format!("{}…", text.get(..at).unwrap_or_default()),
            text.chars().count()
        ),
    }
}

fn suggest(s: &[Suggestion]) -> String {
    if s.is_empty() {
        return String::new();
    }
    let list: Vec<String> = s.iter().map(ToString::to_string).collect();
    format!("; did you mean {}?", list.join(", "))
}

fn ambiguity(rule: Rule, candidates: &[String], more: usize) -> String {
    let mut list = candidates.join(", or ");
    if more > 0 {
        list.push_str(&format!(", or {more} more"));
    }
    match rule {
        Rule::Name => format!("it could be {list}; use the id instead"),
        Rule::Partial => {
            format!("it is part of the names of {list}; type more of the name, or use the id")
        }
        Rule::Within => format!("it holds the names of {list}; use the id instead"),
    }
}

/// The distinct words of a key.
type Words<'a> = HashSet<&'a str, foldhash::fast::RandomState>;

/// A text as typed and the forms the rules compare.
struct Typed<'a> {
    /// The text, spaces around it trimmed.
    text: &'a str,
    /// Its spelling ([`spell`]).
    spelled: String,
    /// Its look-up key.
    key: String,
    /// The text in lower case.
    lower: String,
}

/// Finds the one entity `text` refers to, by the rules of the module
/// documentation.
pub fn resolve(graph: &Graph, text: &str) -> Result<NodeIndex, LookupError> {
    if let Some(n) = graph.by_id(text) {
        return Ok(n);
    }
    let trimmed = text.trim();
    if let Some(n) = graph.by_id(trimmed) {
        return Ok(n);
    }
    let spelled = spell(trimmed);
    let typed = Typed {
        text: trimmed,
        key: key_of_spelled(&spelled, trimmed),
        spelled,
        lower: trimmed.to_lowercase(),
    };
    let mut found: Vec<NodeIndex> = graph.by_name_key(&typed.key).into_owned();
    for n in ids_in_any_case(graph, &typed) {
        if !found.contains(&n) {
            found.push(n);
        }
    }
    if found.len() > 1 {
        let same: Vec<NodeIndex> = found
            .iter()
            .copied()
            .filter(|&n| spelled_as(graph, n, &typed))
            .collect();
        if let [one] = same.as_slice() {
            return Ok(*one);
        }
    }
    match found.as_slice() {
        [one] => return Ok(*one),
        [] => {}
        _ => return Err(ambiguous(graph, text, Rule::Name, found)),
    }
    let words: Words<'_> = typed.key.split(' ').collect();
    for rule in [Rule::Partial, Rule::Within] {
        let found = partial(graph, &typed, &words, rule);
        match found.as_slice() {
            [one] => return Ok(*one),
            [] => {}
            _ => return Err(ambiguous(graph, text, rule, found)),
        }
    }
    Err(LookupError::Unknown {
        name: text.to_string(),
        suggestions: suggestions(graph, typed.text, &typed.key),
    })
}

/// Entities whose id is the text in another case: the id index answers
/// for an id in lower case, a scan of the ids for others.
fn ids_in_any_case(graph: &Graph, typed: &Typed<'_>) -> Vec<NodeIndex> {
    if let Some(n) = graph.by_id(&typed.lower) {
        return vec![n];
    }
    let text = typed.text;
    let ascii = text.is_ascii();
    // Lower case changes the length of a few letters, never by half.
    let near = |id: &str| id.len() <= 2 * text.len() && text.len() <= 2 * id.len();
    let same = |id: &str| {
        if ascii && id.len() == text.len() && id.eq_ignore_ascii_case(text) {
            return true;
        }
        near(id) && !(ascii && id.is_ascii()) && id.to_lowercase() == typed.lower
    };
    graph
        .ids()
        .filter(|(id, _)| same(id))
        .map(|(_, n)| n)
        .collect()
}

/// Whether entity `n` has a name or alias spelled as typed, or the id
/// typed in any case.
fn spelled_as(graph: &Graph, n: NodeIndex, typed: &Typed<'_>) -> bool {
    graph.entity(n).is_some_and(|e| {
        e.id.as_deref()
            .is_some_and(|id| id.to_lowercase() == typed.lower)
            || e.name
                .iter()
                .chain(&e.aliases)
                .any(|x| spell(x) == typed.spelled)
    })
}

/// The error for several entities, `found` closest first.
fn ambiguous(graph: &Graph, text: &str, rule: Rule, found: Vec<NodeIndex>) -> LookupError {
    let more = found.len().saturating_sub(MAX_CANDIDATES);
    let mut candidates: Vec<String> = found.into_iter().map(|n| describe(graph, n)).collect();
    if rule == Rule::Name {
        // Listed by id: sorted before the list is cut, so that the first
        // ids are the ones shown.
        candidates.sort();
    }
    candidates.truncate(MAX_CANDIDATES);
    LookupError::Ambiguous {
        name: text.to_string(),
        rule,
        candidates,
        more,
    }
}

/// `id (Name, Label)` for messages.
pub fn describe(graph: &Graph, n: NodeIndex) -> String {
    let Some(e) = graph.entity(n) else {
        return format!("#{}", n.index());
    };
    let labels: Vec<&str> = e.labels.iter().map(|l| graph.resolve(*l)).collect();
    let id = e.id.as_deref().unwrap_or("(no id)");
    match &e.name {
        Some(name) => format!("{id} ({}, {})", shown(name), labels.join(":")),
        None => format!("{id} ({})", labels.join(":")),
    }
}

/// Whether `name` with its spaces left out begins with `prefix`.
fn begins_with(name: &str, prefix: &str) -> bool {
    if name.len() < prefix.len() {
        return false;
    }
    let mut letters = name.chars().filter(|&c| c != ' ');
    prefix.chars().all(|p| letters.next() == Some(p))
}

/// Entities that rule 3 ([`Rule::Partial`]) or 4 ([`Rule::Within`])
/// finds for `typed`, those with the shortest matching name first, then
/// in index order.
fn partial(graph: &Graph, typed: &Typed<'_>, words: &Words<'_>, rule: Rule) -> Vec<NodeIndex> {
    let letters = |s: &str| s.chars().filter(|&c| c != ' ').count();
    let mut spelled = typed.spelled.chars().filter(|&c| c != ' ');
    if spelled.nth(MIN_PARTIAL - 1).is_none() {
        return Vec::new();
    }
    let key = typed.key.as_str();
    let prefixes = match rule {
        Rule::Partial => prefix_keys_of(&typed.spelled, key),
        _ => Vec::new(),
    };
    let mut found: Vec<(usize, NodeIndex)> = Vec::new();
    for (name, nodes) in graph.names() {
        let name_words = || name.split(' ');
        let hit = match rule {
            Rule::Partial => {
                prefixes.iter().any(|p| begins_with(name, p))
                    || (words.len() <= name_words().count()
                        && words.iter().all(|w| name_words().any(|x| x == *w)))
            }
            Rule::Within => {
                name.len() <= key.len()
                    && name_words().all(|x| words.contains(x))
                    && 2 * name_words().collect::<Words<'_>>().len() >= words.len()
                    && letters(name) >= MIN_PARTIAL
            }
            Rule::Name => false,
        };
        if hit {
            found.extend(nodes.iter().map(|&n| (name.len(), n)));
        }
    }
    found.sort_by_key(|&(len, n)| (len, n.index()));
    let mut seen = HashSet::new();
    found
        .into_iter()
        .filter(|&(_, n)| seen.insert(n))
        .map(|(_, n)| n)
        .collect()
}

/// How far a text of `len` letters may be from a name suggested for it.
fn allowed(len: usize) -> usize {
    match len {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    }
}

/// Counts of each letter and digit, and of other characters.
fn histogram(s: &[char]) -> [u16; 37] {
    let mut h = [0u16; 37];
    for &c in s {
        let i = match c {
            'a'..='z' => c as usize - 'a' as usize,
            '0'..='9' => 26 + c as usize - '0' as usize,
            _ => 36,
        };
        if let Some(x) = h.get_mut(i) {
            *x = x.saturating_add(1);
        }
    }
    h
}

/// The edit distance between `a` and `b` (insertions, deletions,
/// substitutions and swaps of neighbours), if it is at most `k`: only the
/// cells within `k` of the diagonal are computed.
fn distance_within(a: &[char], b: &[char], k: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > k {
        return None;
    }
    let big = k + 1;
    let w = b.len() + 1;
    // Rows i - 2, i - 1 and i of the table, `big` outside the band.
    let mut before: Vec<usize> = vec![big; w];
    let mut last: Vec<usize> = (0..w).map(|j| j.min(big)).collect();
    let mut row: Vec<usize> = vec![big; w];
    for i in 1..=a.len() {
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(b.len());
        if let Some(x) = row.get_mut(lo - 1) {
            *x = if lo == 1 { i.min(big) } else { big };
        }
        let mut best = row.get(lo - 1).copied().unwrap_or(big);
        for j in lo..=hi {
            let (ca, cb) = (a[i - 1], b[j - 1]);
            let cost = usize::from(ca != cb);
            let mut d = (last[j - 1] + cost).min(last[j] + 1).min(row[j - 1] + 1);
            if i > 1 && j > 1 && ca == b[j - 2] && a[i - 2] == cb {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d.min(big);
            best = best.min(row[j]);
        }
        if let Some(x) = row.get_mut(hi + 1) {
            *x = big;
        }
        if best > k {
            return None;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    last.get(b.len()).copied().filter(|&d| d <= k)
}

/// Up to [`MAX_SUGGESTIONS`] entities close to `typed` (key `key`), best
/// first.
///
/// Names and aliases are compared by their keys, spaces left out; ids as
/// written, in lower case. One-letter names, aliases and ids are never
/// compared. A candidate is considered when
/// - its length is within `allowed` of the text's (1 for up to 4
///   letters, 2 for up to 8, 3 beyond), the counts of each letter differ
///   by at most twice that in all, and the edit distance is at most that;
///   at most [`MAX_COMPARED`] distances are computed;
/// - or, for a text of 4 letters or more, the name contains it; its
///   distance is then the number of letters the name has besides;
/// - or the name and the text share a word of [`MIN_PARTIAL`] letters or
///   more ("Krasnoyarsk region" and Krasnoyarsk Territory); the distance
///   is then the number of letters in the words they do not share.
///
/// They are ranked by distance, then by how much their length differs
/// from the text's, then by the name, alias or id compared (as its
/// look-up key) and the entity's place in the graph; only the suggested
/// entities are read. A text whose key is longer than
/// [`MAX_SUGGESTED_LEN`] gets none.
pub fn suggestions<'g>(graph: &'g Graph, typed: &str, key: &str) -> Vec<Suggestion> {
    // A character is at most four bytes.
    if key.len() > 4 * MAX_SUGGESTED_LEN {
        return Vec::new();
    }
    let t: Vec<char> = key.chars().filter(|&c| c != ' ').collect();
    if t.is_empty() || t.len() > MAX_SUGGESTED_LEN {
        return Vec::new();
    }
    let k = allowed(t.len());
    let th = histogram(&t);
    let words: Words<'_> = key.split(' ').collect();
    // Per entity its best (distance, length difference, key compared):
    // ranking on these needs no entity read, so only the few suggested
    // are read.
    let mut best: HashMap<NodeIndex, (usize, usize, Cow<'g, str>)> = HashMap::new();
    let mut compared = 0;
    let mut buf: Vec<char> = Vec::new();
    let mut note = |n: NodeIndex, score: (usize, usize), key: Cow<'g, str>| {
        let e = best.entry(n).or_insert((score.0, score.1, key.clone()));
        if (score.0, score.1, &key) < (e.0, e.1, &e.2) {
            *e = (score.0, score.1, key);
        }
    };
    let close = |candidate: &str, compared: &mut usize, buf: &mut Vec<char>| {
        buf.clear();
        buf.extend(candidate.chars().filter(|&c| c != ' '));
        if buf.len() < 2 {
            return None;
        }
        let diff = buf.len().abs_diff(t.len());
        if diff <= k && *compared < MAX_COMPARED {
            let h = histogram(buf);
            let apart: usize = h
                .iter()
                .zip(&th)
                .map(|(a, b)| a.abs_diff(*b) as usize)
                .sum();
            if apart <= 2 * k {
                *compared += 1;
                if let Some(d) = distance_within(&t, buf, k) {
                    return Some((d, diff));
                }
            }
        }
        if t.len() >= 4 && buf.len() > t.len() && candidate.contains(key) {
            return Some((diff, diff));
        }
        // Each shared word once; they are among the text's words, so few.
        let mut shared: Vec<&str> = Vec::new();
        for w in candidate.split(' ') {
            if w.len() >= MIN_PARTIAL
                && w.chars().nth(MIN_PARTIAL - 1).is_some()
                && words.contains(w)
                && !shared.contains(&w)
            {
                shared.push(w);
            }
        }
        let shared: usize = shared.iter().map(|w| w.chars().count()).sum();
        (shared > 0).then(|| ((t.len() + buf.len()).saturating_sub(2 * shared), diff))
    };
    for (name, nodes) in graph.names() {
        if let Some(score) = close(name, &mut compared, &mut buf) {
            for &n in nodes.iter() {
                note(n, score, Cow::Borrowed(name));
            }
        }
    }
    let lower = typed.to_lowercase();
    let lt: Vec<char> = lower.chars().collect();
    let lk = allowed(lt.len());
    for (id, n) in graph.ids() {
        if compared >= MAX_COMPARED {
            break;
        }
        if id.len() + lk < lt.len() {
            continue;
        }
        buf.clear();
        buf.extend(id.chars().flat_map(char::to_lowercase));
        if buf.len() < 2 || buf.len().abs_diff(lt.len()) > lk {
            continue;
        }
        compared += 1;
        if let Some(d) = distance_within(&lt, &buf, lk) {
            let id: String = buf.iter().collect();
            note(n, (d, buf.len().abs_diff(lt.len())), Cow::Owned(id));
        }
    }
    let mut ranked: Vec<(usize, usize, Cow<'g, str>, NodeIndex)> = best
        .into_iter()
        .map(|(n, (d, diff, key))| (d, diff, key, n))
        .collect();
    if ranked.len() > MAX_SUGGESTIONS {
        ranked.select_nth_unstable(MAX_SUGGESTIONS - 1);
        ranked.truncate(MAX_SUGGESTIONS);
    }
    ranked.sort_unstable();
    ranked
        .into_iter()
        .map(|(_, _, _, n)| {
            let e = graph.entity(n);
            Suggestion {
                name: e.and_then(|e| e.name.as_deref()).map(str::to_string),
                id: e.and_then(|e| e.id.as_deref()).map(str::to_string),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::load_str;

    fn graph() -> Graph {
        let text = r#"{"kg": 1, "entities": [
            {"id": "rosatom-nedra", "labels": ["Company"], "name": "Rosatom Nedra", "aliases": ["Atomredmedzoloto", "ARMZ"]},
            {"id": "rosatom", "labels": ["Company"], "name": "Rosatom"},
            {"id": "rosnedra", "labels": ["Agency"], "name": "Роснедра"},
            {"id": "krasnoyarsk", "labels": ["Region"], "name": "Krasnoyarsk Territory", "aliases": ["Krasnoyarsk Krai"]},
            {"id": "tomtor", "labels": ["Deposit"], "name": "Tomtorskoye", "aliases": ["Tomtor"]},
            {"id": "yttrium", "labels": ["Commodity"], "name": "Yttrium", "aliases": ["Y"]},
            {"id": "tsar", "labels": ["Company"], "name": "Tsar"},
            {"id": "car", "labels": ["Company"], "name": "Car"},
            {"id": "nfc-china", "labels": ["Company"], "name": "NFC"},
            {"id": "nfc-bank", "labels": ["Company"], "name": "NFC"}
        ], "relations": []}"#;
        load_str("t.json", text).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn found(g: &Graph, text: &str) -> Option<String> {
        resolve(g, text)
            .ok()
            .and_then(|n| g.entity(n))
            .and_then(|e| e.id.as_deref().map(str::to_string))
    }

    #[test]
    fn finds_by_id_name_and_alias_in_any_case_and_spelling() {
        let g = graph();
        for (text, id) in [
            ("rosatom-nedra", "rosatom-nedra"),
            ("ROSATOM-NEDRA", "rosatom-nedra"),
            ("rosatom nedra", "rosatom-nedra"),
            ("atomredmedzoloto", "rosatom-nedra"),
            ("  Armz ", "rosatom-nedra"),
            ("Rosnedra", "rosnedra"),
            ("РОСНЕДРА", "rosnedra"),
            ("Tomtorskoe", "tomtor"),
            ("Томтор", "tomtor"),
            ("y", "yttrium"),
        ] {
            assert_eq!(found(&g, text).as_deref(), Some(id), "{text}");
        }
    }

    #[test]
    fn a_shared_key_prefers_the_spelling_typed() {
        let g = graph();
        assert_eq!(found(&g, "car").as_deref(), Some("car"));
        assert_eq!(found(&g, "TSAR").as_deref(), Some("tsar"));
        match resolve(&g, "czar") {
            Err(LookupError::Ambiguous {
                rule, candidates, ..
            }) => {
                assert_eq!(rule, Rule::Name);
                assert_eq!(candidates, ["car (Car, Company)", "tsar (Tsar, Company)"]);
            }
            other => unreachable!("{other:?}"),
        }
    }

    #[test]
    fn finds_by_a_unique_prefix_or_whole_words() {
        let g = graph();
        for (text, id) in [
            ("Krasnoyarsk", "krasnoyarsk"),
            ("krasnoy", "krasnoyarsk"),
            ("Красноярск", "krasnoyarsk"),
            ("Atomredmed", "rosatom-nedra"),
            ("Nedra Rosatom", "rosatom-nedra"),
            ("Tomtorskoye deposit", "tomtor"),
            ("Tomtor deposit", "tomtor"),
            ("Ytt", "yttrium"),
        ] {
            assert_eq!(found(&g, text).as_deref(), Some(id), "{text}");
        }
        // Too short, or too little of the text is the name.
        assert_eq!(found(&g, "Kr"), None);
        assert_eq!(found(&g, "the Tomtor deposit"), None);
        assert_eq!(found(&g, "Y deposit"), None);
    }

    #[test]
    fn an_ambiguous_name_or_prefix_lists_the_candidates() {
        let g = graph();
        let err = resolve(&g, "nfc").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("\"nfc\" is ambiguous: it could be nfc-bank (NFC, Company), or nfc-china (NFC, Company); use the id instead")
        );
        assert_eq!(found(&g, "nfc-bank").as_deref(), Some("nfc-bank"));
        let err = resolve(&g, "Ros").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("\"Ros\" is ambiguous: it is part of the names of rosatom (Rosatom, Company), or rosnedra (Роснедра, Agency), or rosatom-nedra (Rosatom Nedra, Company); type more of the name, or use the id")
        );
    }

    #[test]
    fn an_unknown_name_suggests_main_names_with_ids() {
        let g = graph();
        let suggested = |text: &str| match resolve(&g, text) {
            Err(LookupError::Unknown { suggestions, .. }) => suggestions
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            other => unreachable!("{text}: {other:?}"),
        };
        assert_eq!(suggested("Rosatm"), ["\"Rosatom\" (rosatom)"]);
        assert_eq!(suggested("Роснедар"), ["\"Роснедра\" (rosnedra)"]);
        // Through an alias, the main name is shown.
        assert_eq!(suggested("Tomtr"), ["\"Tomtorskoye\" (tomtor)"]);
        assert_eq!(
            suggested("Krasnoyarsk region"),
            ["\"Krasnoyarsk Territory\" (krasnoyarsk)"]
        );
        assert_eq!(
            suggested("Rosatom Nedra mining holdings group"),
            ["\"Rosatom Nedra\" (rosatom-nedra)", "\"Rosatom\" (rosatom)"]
        );
        assert_eq!(suggested("zzzzzzzz"), Vec::<String>::new());
        assert_eq!(
            resolve(&g, "zzzzzzzz")
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("no entity is called \"zzzzzzzz\"")
        );
    }

    #[test]
    fn long_texts_are_cut_short_in_messages() {
        let g = graph();
        let text = "q".repeat(1000);
        let message = resolve(&g, &text).err().map(|e| e.to_string());
        assert_eq!(
            message,
            Some(format!(
                "no entity is called \"{}…\" (1000 characters)",
                "q".repeat(80)
            ))
        );
    }

    #[test]
    fn the_distance_is_bounded() {
        let d = |a: &str, b: &str, k| {
            let a: Vec<char> = a.chars().collect();
            let b: Vec<char> = b.chars().collect();
            distance_within(&a, &b, k)
        };
        assert_eq!(d("rosnedra", "rosnedra", 2), Some(0));
        assert_eq!(d("rosnedar", "rosnedra", 2), Some(1));
        assert_eq!(d("rosatm", "rosatom", 1), Some(1));
        assert_eq!(d("kitten", "sitting", 3), Some(3));
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(d("abc", "abcdef", 2), None);
        assert_eq!(d("", "ab", 2), Some(2));
        assert_eq!(d("ab", "", 2), Some(2));
        for (a, b) in [
            ("rosatom", "rostec"),
            ("krai", "kray"),
            ("abcdef", "badcfe"),
        ] {
            let full = strsim::osa_distance(a, b);
            assert_eq!(d(a, b, 3), (full <= 3).then_some(full), "{a} {b}");
        }
    }
}
