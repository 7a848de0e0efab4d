//! Graph files built from structured input: well-formed JSON whose keys
//! and values are mostly what the format expects (ids from a small pool,
//! so that relations often find their ends; dates, shares, labels and
//! props near the valid ones). Each must load or give an error; a graph
//! that loads saves and loads again.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

#[derive(Arbitrary, Debug)]
struct File {
    version: Version,
    name: Option<Text>,
    sources: Option<Vec<SourceRec>>,
    entities: Option<Vec<EntityRec>>,
    relations: Option<Vec<RelationRec>>,
    extra: Option<(Text, Val)>,
}

#[derive(Arbitrary, Debug)]
enum Version {
    One,
    Int(i64),
    Float(f64),
    Str(Text),
}

#[derive(Arbitrary, Debug)]
enum Text {
    Word(u8),
    Any(String),
    Empty,
}

impl Text {
    fn value(&self) -> String {
        const WORDS: [&str; 12] = [
            "Acme",
            "acme",
            "ACME Ltd",
            "Ann Smith",
            "Ruß",
            "İstanbul",
            "x y",
            " ",
            "é",
            "\u{202e}evil",
            "a\"b",
            "line\nbreak",
        ];
        match self {
            Text::Word(n) => WORDS[*n as usize % WORDS.len()].to_string(),
            Text::Any(s) => s.clone(),
            Text::Empty => String::new(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Id {
    Pool(u8),
    Source(u8),
    Text(Text),
    Other(Val),
}

impl Id {
    fn value(&self) -> Value {
        match self {
            Id::Pool(n) => Value::String(format!("e{}", n % 6)),
            Id::Source(n) => Value::String(format!("s{}", n % 3)),
            Id::Text(t) => Value::String(t.value()),
            Id::Other(v) => v.value(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Word {
    Company,
    Person,
    Owns,
    PartOf,
    Any(Text),
}

impl Word {
    fn value(&self) -> Value {
        Value::String(match self {
            Word::Company => "Company".into(),
            Word::Person => "Person".into(),
            Word::Owns => "OWNS".into(),
            Word::PartOf => "PART_OF".into(),
            Word::Any(t) => t.value(),
        })
    }
}

#[derive(Arbitrary, Debug)]
enum DateText {
    Year(u16),
    Month(u16, u8),
    Day(u16, u8, u8),
    Text(Text),
    Other(Val),
}

impl DateText {
    fn value(&self) -> Value {
        match self {
            DateText::Year(y) => json!(format!("{y:04}")),
            DateText::Month(y, m) => json!(format!("{y:04}-{:02}", m % 14)),
            DateText::Day(y, m, d) => json!(format!("{y:04}-{:02}-{:02}", m % 14, d % 33)),
            DateText::Text(t) => json!(t.value()),
            DateText::Other(v) => v.value(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Small(i8),
    Float(f64),
    Str(Text),
}

impl Scalar {
    fn value(&self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => json!(b),
            Scalar::Int(i) => json!(i),
            Scalar::Small(i) => json!(i),
            Scalar::Float(f) => json!(f),
            Scalar::Str(t) => json!(t.value()),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Val {
    Scalar(Scalar),
    List(Vec<Scalar>),
    Nested(Vec<Vec<Scalar>>),
    Map(Vec<(Text, Scalar)>),
}

impl Val {
    fn value(&self) -> Value {
        match self {
            Val::Scalar(s) => s.value(),
            Val::List(l) => Value::Array(l.iter().map(Scalar::value).collect()),
            Val::Nested(l) => Value::Array(
                l.iter()
                    .map(|i| Value::Array(i.iter().map(Scalar::value).collect()))
                    .collect(),
            ),
            Val::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.value(), v.value())).collect()),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum PropKey {
    Share,
    Id,
    Name,
    Position,
    Text(Text),
}

#[derive(Arbitrary, Debug)]
struct Props(Vec<(PropKey, Val)>);

impl Props {
    fn value(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.0 {
            let k = match k {
                PropKey::Share => "share".to_string(),
                PropKey::Id => "id".to_string(),
                PropKey::Name => "name".to_string(),
                PropKey::Position => "position".to_string(),
                PropKey::Text(t) => t.value(),
            };
            m.insert(k, v.value());
        }
        Value::Object(m)
    }
}

#[derive(Arbitrary, Debug)]
struct SourceRec {
    id: Option<Id>,
    url: Option<Text>,
    title: Option<Val>,
    published: Option<DateText>,
    extra: Option<(Text, Val)>,
}

#[derive(Arbitrary, Debug)]
struct EntityRec {
    id: Option<Id>,
    labels: Option<Vec<Word>>,
    labels_other: Option<Val>,
    name: Option<Text>,
    aliases: Option<Vec<Text>>,
    props: Option<Props>,
    extra: Option<(Text, Val)>,
}

#[derive(Arbitrary, Debug)]
struct RelationRec {
    from: Option<Id>,
    ty: Option<Word>,
    to: Option<Id>,
    props: Option<Props>,
    since: Option<DateText>,
    until: Option<DateText>,
    source: Option<Id>,
    locator: Option<Text>,
    note: Option<Val>,
    quote: Option<Text>,
    extra: Option<(Text, Val)>,
}

fn put(m: &mut Map<String, Value>, k: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(k.to_string(), v);
    }
}

fn extra(m: &mut Map<String, Value>, e: &Option<(Text, Val)>) {
    if let Some((k, v)) = e {
        m.insert(k.value(), v.value());
    }
}

impl File {
    fn value(&self) -> Value {
        let mut top = Map::new();
        top.insert(
            "kg".into(),
            match &self.version {
                Version::One => json!(1),
                Version::Int(i) => json!(i),
                Version::Float(f) => json!(f),
                Version::Str(t) => json!(t.value()),
            },
        );
        put(
            &mut top,
            "name",
            self.name.as_ref().map(|t| json!(t.value())),
        );
        put(
            &mut top,
            "sources",
            self.sources.as_ref().map(|v| {
                v.iter()
                    .map(|s| {
                        let mut m = Map::new();
                        put(&mut m, "id", s.id.as_ref().map(Id::value));
                        put(&mut m, "url", s.url.as_ref().map(|t| json!(t.value())));
                        put(&mut m, "title", s.title.as_ref().map(Val::value));
                        put(
                            &mut m,
                            "published",
                            s.published.as_ref().map(DateText::value),
                        );
                        extra(&mut m, &s.extra);
                        Value::Object(m)
                    })
                    .collect()
            }),
        );
        put(
            &mut top,
            "entities",
            self.entities.as_ref().map(|v| {
                v.iter()
                    .map(|e| {
                        let mut m = Map::new();
                        put(&mut m, "id", e.id.as_ref().map(Id::value));
                        put(
                            &mut m,
                            "labels",
                            e.labels
                                .as_ref()
                                .map(|l| Value::Array(l.iter().map(Word::value).collect())),
                        );
                        if e.labels.is_none() {
                            put(&mut m, "labels", e.labels_other.as_ref().map(Val::value));
                        }
                        put(&mut m, "name", e.name.as_ref().map(|t| json!(t.value())));
                        put(
                            &mut m,
                            "aliases",
                            e.aliases
                                .as_ref()
                                .map(|a| a.iter().map(|t| json!(t.value())).collect()),
                        );
                        put(&mut m, "props", e.props.as_ref().map(Props::value));
                        extra(&mut m, &e.extra);
                        Value::Object(m)
                    })
                    .collect()
            }),
        );
        put(
            &mut top,
            "relations",
            self.relations.as_ref().map(|v| {
                v.iter()
                    .map(|r| {
                        let mut m = Map::new();
                        put(&mut m, "from", r.from.as_ref().map(Id::value));
                        put(&mut m, "type", r.ty.as_ref().map(Word::value));
                        put(&mut m, "to", r.to.as_ref().map(Id::value));
                        put(&mut m, "props", r.props.as_ref().map(Props::value));
                        put(&mut m, "since", r.since.as_ref().map(DateText::value));
                        put(&mut m, "until", r.until.as_ref().map(DateText::value));
                        put(&mut m, "source", r.source.as_ref().map(Id::value));
                        put(
                            &mut m,
                            "locator",
                            r.locator.as_ref().map(|t| json!(t.value())),
                        );
                        put(&mut m, "note", r.note.as_ref().map(Val::value));
                        put(&mut m, "quote", r.quote.as_ref().map(|t| json!(t.value())));
                        extra(&mut m, &r.extra);
                        Value::Object(m)
                    })
                    .collect()
            }),
        );
        extra(&mut top, &self.extra);
        Value::Object(top)
    }
}

fuzz_target!(|file: File| {
    let text = serde_json::to_string_pretty(&file.value()).unwrap_or_default();
    match kg::graph::load_str("structured.json", &text) {
        Ok(graph) => kg_fuzz::check_saves_and_reloads(&graph),
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty(), "an empty error message for:\n{text}");
        }
    }
});
