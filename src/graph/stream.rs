//! The fast way to load one graph file: one thread parses and checks the
//! records while the calling thread adds them to the graph, batch by batch,
//! so that the two cores share the work and no list of every record is
//! ever held.
//!
//! It loads files without problems. At the first problem, or a layout it
//! does not follow (relations before entities, sources after relations),
//! it gives up and [`load_one`] returns `None`: the caller then loads the
//! file the thorough way ([`super::load::parse_file`] and
//! [`super::load::build`]), which reports every problem with its place.
//! Both ways check each record with the same functions and add the
//! records in the same order, so they build the same graph.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::json::{Json, Key};
use super::load::{
    offset_in, read_entity_fields, read_relation_fields, read_source_fields, Progress, RawEntity,
    RawRelation, Record, Text, FORMAT_VERSION,
};
use super::model::{Graph, Source};
use super::{FastMap, NodeIndex};

/// Records per batch handed from the parsing thread to the building one.
const BATCH: usize = 4096;

/// Batches parsed ahead of the builder at most (bounds the memory held).
const AHEAD: usize = 8;

/// What the parsing thread hands over, in file order.
enum Batch<'a> {
    /// The graph's name.
    Name(String),
    /// Every source.
    Sources(Vec<Source>),
    /// Entities, and how far into the text the last one ends.
    Entities(Vec<RawEntity<'a>>, Option<usize>),
    /// Relations, and how far into the text the last one ends.
    Relations(Vec<RawRelation<'a>>, Option<usize>),
}

/// Loads one graph file's `text` on two threads, or returns `None` when
/// the file has a problem (or a layout this way does not handle), for the
/// thorough load to report. Progress is reported as bytes of the text
/// loaded ([`Progress::Parsing`]), then the records added
/// ([`Progress::Building`], once).
pub fn load_one(text: &str, progress: &mut dyn FnMut(Progress)) -> Option<Graph> {
    let (tx, rx) = sync_channel::<Batch>(AHEAD);
    std::thread::scope(|s| {
        let parser = s.spawn(move || parse(text, tx));
        let graph = build(text, rx, progress);
        // The receiver is gone: a parser still running stops at its next
        // batch.
        let parsed = parser.join().ok()?;
        if parsed && graph.is_some() {
            graph
        } else {
            None
        }
    })
}

// ----- parsing ---------------------------------------------------------------

/// Parses `text`, sending its records to `tx`; whether the whole text was
/// read without a problem.
fn parse<'a>(text: &'a str, tx: SyncSender<Batch<'a>>) -> bool {
    let mut de = serde_json::Deserializer::from_str(text);
    FileSeed { tx: &tx, text }
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .is_ok()
}

/// Gives up on the fast way (the message is never shown).
fn give_up<E: de::Error>() -> E {
    E::custom("not for the fast load")
}

struct FileSeed<'a, 'de> {
    tx: &'a SyncSender<Batch<'de>>,
    text: &'de str,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a graph file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: Vec<String> = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if seen.iter().any(|k| *k == key) {
                return Err(give_up());
            }
            let has = |k: &str| seen.iter().any(|s| s == k);
            let kind = match &*key {
                "kg" => match map.next_value::<Json>()? {
                    Json::Int(FORMAT_VERSION) => None,
                    _ => return Err(give_up()),
                },
                "name" => match map.next_value::<Json>()? {
                    Json::Str(s) => {
                        send(self.tx, Batch::Name(s.into_owned()))?;
                        None
                    }
                    _ => return Err(give_up()),
                },
                // Relations need every entity and source before them.
                "sources" | "entities" if has("relations") => return Err(give_up()),
                "relations" if !has("entities") => return Err(give_up()),
                "sources" => Some(Kind::Sources),
                "entities" => Some(Kind::Entities),
                "relations" => Some(Kind::Relations),
                _ => return Err(give_up()),
            };
            if let Some(kind) = kind {
                map.next_value_seed(RecordsSeed {
                    tx: self.tx,
                    text: self.text,
                    kind,
                })?;
            }
            seen.push(key.into_owned());
        }
        if ["entities", "relations"]
            .iter()
            .all(|k| seen.iter().any(|s| s == k))
        {
            Ok(())
        } else {
            Err(give_up())
        }
    }
}

fn send<'de, E: de::Error>(tx: &SyncSender<Batch<'de>>, batch: Batch<'de>) -> Result<(), E> {
    // Fails when the builder has given up.
    tx.send(batch).map_err(|_| give_up())
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Sources,
    Entities,
    Relations,
}

struct RecordsSeed<'a, 'de> {
    tx: &'a SyncSender<Batch<'de>>,
    text: &'de str,
    kind: Kind,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

/// Whether a record was read without a problem.
fn clean(r: &Record) -> bool {
    r.messages.is_empty() && r.long_floats.is_empty()
}

impl<'de> Visitor<'de> for RecordsSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut sources = Vec::new();
        let mut entities = Vec::new();
        let mut relations = Vec::new();
        let mut index = 0;
        while let Some(json) = seq.next_element::<Json>()? {
            let mut r = Record::default();
            let full = index % BATCH == BATCH - 1;
            let offset = if full {
                offset_in(self.text, &json)
            } else {
                None
            };
            match self.kind {
                Kind::Sources => match read_source_fields(&mut r, json) {
                    Some(s) if clean(&r) => sources.push(s),
                    _ => return Err(give_up()),
                },
                Kind::Entities => match read_entity_fields(&mut r, index, json) {
                    Some(e) if clean(&r) => entities.push(e),
                    _ => return Err(give_up()),
                },
                Kind::Relations => match read_relation_fields(&mut r, index, json) {
                    Some(rel) if clean(&r) => relations.push(rel),
                    _ => return Err(give_up()),
                },
            }
            index += 1;
            if full {
                match self.kind {
                    Kind::Sources => {}
                    Kind::Entities => send(
                        self.tx,
                        Batch::Entities(std::mem::take(&mut entities), offset),
                    )?,
                    Kind::Relations => send(
                        self.tx,
                        Batch::Relations(std::mem::take(&mut relations), offset),
                    )?,
                }
            }
        }
        match self.kind {
            Kind::Sources => send(self.tx, Batch::Sources(sources)),
            Kind::Entities => send(self.tx, Batch::Entities(entities, None)),
            Kind::Relations => send(self.tx, Batch::Relations(relations, None)),
        }
    }
}

// ----- building --------------------------------------------------------------

/// Room to reserve for the records of `text`: one a line, as kg and most
/// tools write graph files (a guess; more is only address space, as pages
/// never touched take no memory).
fn room(text: &str) -> usize {
    text.bytes()
        .filter(|&b| b == b'\n')
        .count()
        .min(text.len() / 16)
}

/// Adds the batches from `rx` to a new graph; `None` at the first problem
/// (which drops `rx`, so that the parser stops).
fn build<'a>(
    text: &'a str,
    rx: Receiver<Batch<'a>>,
    progress: &mut dyn FnMut(Progress),
) -> Option<Graph> {
    let room = room(text);
    let mut graph = Graph::with_list_room(room, room);
    let mut source_ids: FastMap<String, ()> = FastMap::default();
    let total = text.len() as u64;
    let mut records = 0u64;
    let mut last_to = None;
    for batch in rx {
        let offset = match batch {
            Batch::Name(name) => {
                graph.name = Some(name);
                None
            }
            Batch::Sources(sources) => {
                for s in sources {
                    if source_ids.insert(s.id.clone(), ()).is_some() {
                        return None;
                    }
                    graph.add_source(s);
                }
                None
            }
            Batch::Entities(entities, offset) => {
                records += entities.len() as u64;
                for e in entities {
                    add_entity(&mut graph, e)?;
                }
                offset
            }
            Batch::Relations(relations, offset) => {
                records += relations.len() as u64;
                // The ends of the whole batch first: look-ups in a row
                // overlap their waits for memory. Then each relation is
                // added while the nodes of later ones are fetched.
                let mut ends = Vec::with_capacity(relations.len());
                for r in &relations {
                    ends.push(ends_of(&graph, &mut last_to, r)?);
                }
                let nodes = graph.node_prefetch();
                for (i, (r, &(from, to))) in relations.into_iter().zip(&ends).enumerate() {
                    if let Some(&(f, t)) = ends.get(i + AHEAD_NODES) {
                        nodes.fetch(f.index());
                        nodes.fetch(t.index());
                    }
                    add_relation(&mut graph, &source_ids, (from, to), r)?;
                }
                offset
            }
        };
        if let Some(done) = offset {
            progress(Progress::Parsing {
                done: done as u64,
                total,
            });
        }
    }
    progress(Progress::Parsing { done: total, total });
    progress(Progress::Building {
        done: records,
        total: records,
    });
    Some(graph)
}

/// Adds an entity as [`super::load::build`] does; `None` for a repeated id.
fn add_entity(graph: &mut Graph, mut e: RawEntity) -> Option<()> {
    let entity = e.take_entity(graph);
    graph.add_entity(entity).ok().map(|_| ())
}

/// How many relations ahead of the one being added their nodes are
/// fetched.
const AHEAD_NODES: usize = 16;

/// The nodes of a relation's ends; `None` when one is not an entity's id.
/// `last_to` is the previous relation's target and its node: files often
/// list the relations into one entity together.
fn ends_of<'a>(
    graph: &Graph,
    last_to: &mut Option<(Text<'a>, NodeIndex)>,
    r: &RawRelation<'a>,
) -> Option<(NodeIndex, NodeIndex)> {
    let from = graph.by_id(&r.from)?;
    let to = match last_to {
        Some((id, n)) if *id == r.to => *n,
        _ => {
            let n = graph.by_id(&r.to)?;
            *last_to = Some((r.to.clone(), n));
            n
        }
    };
    Some((from, to))
}

/// Adds a relation between the nodes `ends` as [`super::load::build`]
/// does; `None` when its source is unknown.
fn add_relation(
    graph: &mut Graph,
    sources: &FastMap<String, ()>,
    (from, to): (NodeIndex, NodeIndex),
    mut r: RawRelation,
) -> Option<()> {
    if let Some([Some(src), ..]) = r.provenance.as_deref() {
        if !sources.contains_key(&**src) {
            return None;
        }
    }
    let relation = r.take_relation(graph);
    graph.add_relation(from, to, relation).ok().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::load::{build, parse_file};
    use crate::graph::write::to_file_text;

    /// The graph of `text` the thorough way.
    fn thorough(text: &str) -> Result<Graph, crate::graph::LoadError> {
        build(vec![parse_file("g.json", text)?])
    }

    /// Everything a graph holds, in index order, as comparable text.
    fn dump(g: &Graph) -> String {
        let mut s = to_file_text(g).unwrap_or_else(|e| unreachable!("{e}"));
        s.push_str(&format!(
            "{:?}\n{:?}\n",
            g.interner().iter().collect::<Vec<_>>(),
            g.changes()
        ));
        for n in g.entity_indices() {
            s.push_str(&format!("{n:?} {:?}\n", g.entity(n)));
            for dir in [petgraph::Direction::Outgoing, petgraph::Direction::Incoming] {
                let rels: Vec<_> = g.relations_of(n, dir).map(|(e, m, _)| (e, m)).collect();
                s.push_str(&format!("  {rels:?}\n"));
            }
        }
        for e in g.relation_indices() {
            s.push_str(&format!("{e:?} {:?} {:?}\n", g.endpoints(e), g.relation(e)));
        }
        let mut names: Vec<_> = g.names().map(|(k, v)| format!("{k}={v:?}")).collect();
        names.sort();
        let mut ids: Vec<_> = g.ids().map(|(k, v)| format!("{k}={v:?}")).collect();
        ids.sort();
        s.push_str(&format!(
            "{names:?}\n{ids:?}\n{:?}\n{:?}\n",
            g.label_counts(),
            g.type_counts()
        ));
        s
    }

    /// A file with every kind of field, and enough records for several
    /// batches.
    fn rich(n: usize) -> String {
        let mut text = String::from(
            r#"{"name": "rich", "kg": 1, "sources": [{"id": "s1", "url": "https://example.org", "title": "T", "published": "2024-03"}, {"id": "s2"}],
"entities": [
{"id": "a", "labels": ["Person", "Sanctioned"], "name": "Ann \"A\" \u00e9", "aliases": ["Анна", "ann"], "props": {"s": "x", "i": -9223372036854775808, "f": -2.5e-3, "t": true, "l": [1, "two", 3.5, false], "empty": []}},
{"id": "b", "labels": ["Company"]}"#,
        );
        for i in 0..n {
            text.push_str(&format!(
                ",\n{{\"id\": \"e{i}\", \"labels\": [\"Company\"], \"name\": \"E {}\", \"props\": {{\"country\": \"C{}\"}}}}",
                i % 7,
                i % 3
            ));
        }
        text.push_str(
            r#"],
"relations": [
{"from": "a", "type": "OWNS", "to": "b", "props": {"share": 50.5}, "since": "2019", "until": "2024-02-29", "source": "s1", "locator": "p. 3", "note": "n", "quote": "q"},
{"from": "a", "type": "OWNS", "to": "b", "until": null, "source": "s2"},
{"from": "b", "type": "PART_OF", "to": "b", "note": "self"}"#,
        );
        for i in 0..n {
            text.push_str(&format!(
                ",\n{{\"from\": \"e{i}\", \"type\": \"{}\", \"to\": \"e{}\", \"props\": {{\"share\": {}}}}}",
                ["OWNS", "SIGNED", "PART_OF"][i % 3],
                (i * 7 + 1) % n,
                i % 101
            ));
        }
        text.push_str("]}\n");
        text
    }

    #[test]
    fn both_ways_build_the_same_graph() {
        let builtin = include_str!("../../graphs/rare-earths-2025.json");
        for text in [rich(0), rich(3), rich(3 * BATCH + 17), builtin.to_string()] {
            let slow = thorough(&text).unwrap_or_else(|e| unreachable!("{e}"));
            let fast = load_one(&text, &mut |_| {}).unwrap_or_else(|| unreachable!());
            assert_eq!(dump(&fast), dump(&slow));
        }
    }

    #[test]
    fn layouts_it_does_not_follow_are_left_to_the_thorough_load() {
        let text = rich(10);
        let (head, relations) = text
            .split_once(",\n\"relations\"")
            .unwrap_or_else(|| unreachable!());
        let (top, entities) = head
            .split_once(",\n\"entities\"")
            .unwrap_or_else(|| unreachable!());
        let relations = relations.trim_end().trim_end_matches('}');
        let top = top.trim_start_matches('{');
        let (kg_name, sources) = top
            .split_once(", \"sources\"")
            .unwrap_or_else(|| unreachable!());
        let others = [
            // Relations before entities.
            format!("{{\"relations\"{relations}, \"entities\"{entities}, {top}}}"),
            // Sources after relations.
            format!("{{{kg_name}, \"entities\"{entities}, \"relations\"{relations}, \"sources\"{sources}}}"),
        ];
        for other in others {
            let slow = thorough(&other).unwrap_or_else(|e| unreachable!("{e}"));
            assert!(load_one(&other, &mut |_| {}).is_none(), "{other}");
            assert_eq!(slow.relation_count(), 13);
        }
        // A whole float past 2^63 might have been an integer too long for
        // 64 bits, which only the thorough load can tell (by finding how
        // it was written).
        let big = text.replacen("-2.5e-3", "1.5e300", 1);
        assert!(load_one(&big, &mut |_| {}).is_none());
        assert!(thorough(&big).is_ok());
    }

    #[test]
    fn every_bad_file_is_left_to_the_thorough_load() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| unreachable!("{e}")) {
            let path = entry.unwrap_or_else(|e| unreachable!("{e}")).path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if path.extension().is_some_and(|x| x == "json") && thorough(&text).is_err() {
                assert!(load_one(&text, &mut |_| {}).is_none(), "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked >= 30, "only {checked} bad files");
    }

    #[test]
    fn a_problem_late_in_a_large_file_is_found() {
        // Past many batches: the builder or the parser stops the other.
        let good = rich(5 * BATCH);
        let cases = [
            // A relation to an unknown entity (found by the builder).
            good.replacen("\"to\": \"e1\"", "\"to\": \"nobody\"", 1),
            // A bad date late in the relations (found by the parser).
            good.replacen(
                "\"props\": {\"share\": 100}}",
                "\"props\": {\"share\": 100}, \"since\": \"2024-13\"}",
                1,
            ),
            // A repeated entity id late in the entities.
            good.replacen("\"id\": \"e20000\"", "\"id\": \"e3\"", 1),
        ];
        for text in cases {
            assert_ne!(text, good);
            assert!(thorough(&text).is_err());
            assert!(load_one(&text, &mut |_| {}).is_none());
        }
    }

    #[test]
    fn progress_grows_to_the_whole_text_then_counts_the_records() {
        let text = rich(3 * BATCH);
        let mut seen = Vec::new();
        assert!(load_one(&text, &mut |p| seen.push(p)).is_some());
        let (last, parsing) = seen.split_last().unwrap_or_else(|| unreachable!());
        let records = (2 + 3 * BATCH + 3 + 3 * BATCH) as u64;
        assert_eq!(
            *last,
            Progress::Building {
                done: records,
                total: records
            }
        );
        let done: Vec<u64> = parsing
            .iter()
            .map(|p| match p {
                Progress::Parsing { done, total } => {
                    assert_eq!(*total, text.len() as u64);
                    *done
                }
                other => unreachable!("{other:?}"),
            })
            .collect();
        assert!(done.len() >= 6, "{done:?}");
        assert!(done.windows(2).all(|w| w[0] < w[1]), "{done:?}");
        assert_eq!(done.last(), Some(&(text.len() as u64)));
    }
}
