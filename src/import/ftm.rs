//! FollowTheMoney entities as JSON lines, as OpenSanctions and Aleph
//! publish them: `{"id": ..., "schema": ..., "properties": {key: [values]}}`
//! one a line.
//!
//! Entities (the FtM id is the entity id):
//!
//! | schema | label |
//! |---|---|
//! | `Person` | `Person` |
//! | `Company` | `Company` |
//! | `Organization` | `Organization` |
//! | `LegalEntity` | `LegalEntity` |
//! | `PublicBody` | `Agency` |
//!
//! FtM property values are lists. The first `name` is the name; the
//! other names, `alias`, `previousName` and `weakAlias` are aliases. An
//! `addressEntity` that points at an `Address` in the input becomes the
//! prop `address` (the address's `full` text). Every other property keeps
//! its FtM key; one value is kept as text, several as a list of text.
//!
//! Links (the FtM id of the link is the relation's `locator`):
//!
//! | schema | relation | from -> to | dates |
//! |---|---|---|---|
//! | `Ownership` | `OWNS` | `owner` -> `asset`, `percentage` -> `share` | `startDate`/`endDate` |
//! | `Directorship` | `DIRECTOR_OF` | `director` -> `organization` | `startDate`/`endDate` |
//! | `Family` | `FAMILY_OF` | `person` -> `relative` | `startDate`/`endDate` |
//! | `Membership` | `MEMBER_OF` | `member` -> `organization` | `startDate`/`endDate` |
//! | `Employment` | `EMPLOYED_BY` | `employee` -> `employer` | `startDate`/`endDate` |
//! | `Associate` | `ASSOCIATE_OF` | `person` -> `associate` | `startDate`/`endDate` |
//! | `Payment` | `PAID` | `payer` -> `beneficiary`, `amount*` as numbers | `date` (since and until) |
//! | `UnknownLink` | `LINKED_TO` | `subject` -> `object` | `startDate`/`endDate` |
//!
//! `Address` entities are used for `address` props and counted as
//! skipped; other schemas are skipped and counted. A link to an entity of
//! a skipped schema is skipped and counted; a link to an id that is
//! nowhere in the input is an invalid row.

use std::collections::HashMap;

use serde_json::Value;

use super::{add_file_source, Import, Input, PROGRESS_EVERY};
use crate::graph::model::ENTITY_FIELDS;
use crate::graph::{Date, Entity, NodeIndex, PropValue, Props, Provenance, Relation};

/// The label of an entity schema, if it is one kg imports.
fn label_of(schema: &str) -> Option<&'static str> {
    match schema {
        "Person" => Some("Person"),
        "Company" => Some("Company"),
        "Organization" => Some("Organization"),
        "LegalEntity" => Some("LegalEntity"),
        "PublicBody" => Some("Agency"),
        _ => None,
    }
}

/// A link schema: relation type, the property naming the source end, the
/// one naming the target end.
fn link_of(schema: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match schema {
        "Ownership" => Some(("OWNS", "owner", "asset")),
        "Directorship" => Some(("DIRECTOR_OF", "director", "organization")),
        "Family" => Some(("FAMILY_OF", "person", "relative")),
        "Membership" => Some(("MEMBER_OF", "member", "organization")),
        "Employment" => Some(("EMPLOYED_BY", "employee", "employer")),
        "Associate" => Some(("ASSOCIATE_OF", "person", "associate")),
        "Payment" => Some(("PAID", "payer", "beneficiary")),
        "UnknownLink" => Some(("LINKED_TO", "subject", "object")),
        _ => None,
    }
}

const NAME_KEYS: [&str; 4] = ["name", "alias", "previousName", "weakAlias"];
const NUMBER_KEYS: [&str; 6] = [
    "percentage",
    "amount",
    "amountEur",
    "amountUsd",
    "sharesCount",
    "sharesValue",
];

/// One parsed line.
struct Record {
    file: usize,
    line: usize,
    id: String,
    schema: String,
    props: Vec<(String, Vec<String>)>,
}

impl Record {
    fn values(&self, key: &str) -> &[String] {
        self.props
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    fn first(&self, key: &str) -> Option<&str> {
        self.values(key).first().map(String::as_str)
    }
}

fn parse_line(text: &str) -> Result<Record, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let what = full.split(" at line ").next().unwrap_or(&full);
        format!(
            "not JSON ({what} at column {}): one entity, a JSON object, a line",
            e.column()
        )
    })?;
    let Value::Object(obj) = json else {
        return Err(
            "not an FtM entity: a JSON object {\"id\", \"schema\", \"properties\"} is expected"
                .into(),
        );
    };
    let id = match obj.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => return Err("the entity has no \"id\" (a string that is not blank)".into()),
    };
    let schema = match obj.get("schema") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => {
            return Err(format!(
                "entity {id:?} has no \"schema\" (Person, Company, Ownership, ...)"
            ))
        }
    };
    let mut props = Vec::new();
    match obj.get("properties") {
        None | Some(Value::Null) => {}
        Some(Value::Object(p)) => {
            for (k, v) in p {
                let values = match v {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| match i {
                            Value::String(s) => Ok(s.clone()),
                            Value::Number(n) => Ok(n.to_string()),
                            Value::Bool(b) => Ok(b.to_string()),
                            other => Err(format!(
                                "entity {id:?}: property {k:?} holds {other}, not text"
                            )),
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                    Value::String(s) => vec![s.clone()],
                    other => {
                        return Err(format!(
                            "entity {id:?}: property {k:?} is {other}, not a list of values"
                        ))
                    }
                };
                let values: Vec<String> = values.into_iter().filter(|s| !s.is_empty()).collect();
                if !values.is_empty() {
                    props.push((k.clone(), values));
                }
            }
        }
        Some(other) => {
            return Err(format!(
                "entity {id:?}: \"properties\" is {other}, not an object"
            ))
        }
    }
    Ok(Record {
        file: 0,
        line: 0,
        id,
        schema,
        props,
    })
}

/// A number from FtM text (`"50"`, `"50.5"`, `"12%"`): an integer when it
/// has no fraction.
fn number(text: &str) -> Option<PropValue> {
    let t = text.trim().trim_end_matches('%').trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(PropValue::Int(i));
    }
    t.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(PropValue::Float)
}

/// A date from FtM text: a date, or a date and time (the date is kept).
fn date(text: &str) -> Result<Date, String> {
    let day = text.split(['T', ' ']).next().unwrap_or(text);
    Date::parse(day).map_err(|e| format!("{text:?} is not a date: {e}"))
}

fn text_value(values: &[String]) -> PropValue {
    match values {
        [one] => PropValue::Str(one.as_str().into()),
        many => PropValue::List(
            many.iter()
                .map(|s| PropValue::Str(s.as_str().into()))
                .collect(),
        ),
    }
}

/// Imports FtM JSON lines.
///
/// ```
/// use kg::import::{ftm, Input};
///
/// let lines = r#"{"id": "p1", "schema": "Person", "properties": {"name": ["Ann Smith", "A. Smith"]}}
/// {"id": "c1", "schema": "Company", "properties": {"name": ["Acme"], "country": ["gb"]}}
/// {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["75"], "startDate": ["2020-01-02"]}}
/// "#;
/// let result = ftm::import(&[Input::new("acme.ftm.json", lines)], &mut |_| {});
/// assert!(result.invalid.is_empty());
/// let text = kg::graph::to_file_text(&result.graph)?;
/// assert!(text.contains(r#""aliases": ["A. Smith"]"#));
/// assert!(text.contains(r#""props": {"share": 75}, "since": "2020-01-02""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import(inputs: &[Input], progress: &mut dyn FnMut(usize)) -> Import {
    let mut out = Import::default();
    let mut sources = Vec::new();
    let mut records = Vec::new();
    for (file, input) in inputs.iter().enumerate() {
        sources.push(add_file_source(&mut out.graph, &input.name));
        for (i, line) in input.text.lines().enumerate() {
            let line = line.trim_start_matches('\u{feff}');
            if line.trim().is_empty() {
                continue;
            }
            out.counts.records += 1;
            if out.counts.records.is_multiple_of(PROGRESS_EVERY) {
                progress(out.counts.records);
            }
            match parse_line(line) {
                Ok(mut r) => {
                    r.file = file;
                    r.line = i + 1;
                    records.push(r);
                }
                Err(message) => out.invalid(&input.name, i + 1, message),
            }
        }
    }

    let addresses: HashMap<&str, &Record> = records
        .iter()
        .filter(|r| r.schema == "Address")
        .map(|r| (r.id.as_str(), r))
        .collect();
    // Ids of entities of schemas that are not imported, for telling a
    // skipped end from an unknown one.
    let skipped_ids: HashMap<&str, &str> = records
        .iter()
        .filter(|r| label_of(&r.schema).is_none())
        .map(|r| (r.id.as_str(), r.schema.as_str()))
        .collect();
    let file_name = |r: &Record| inputs.get(r.file).map_or("", |i| i.name.as_str());

    for r in &records {
        let Some(label) = label_of(&r.schema) else {
            if link_of(&r.schema).is_none() {
                out.counts.skip(&format!("FtM {} entities", r.schema));
            }
            continue;
        };
        let mut names: Vec<&str> = Vec::new();
        for key in NAME_KEYS {
            for v in r.values(key) {
                if !names.contains(&v.as_str()) {
                    names.push(v);
                }
            }
        }
        // A graph file refuses props named like the entity's own fields
        // (`name` is read as one).
        if let Some(k) = r
            .props
            .iter()
            .map(|(k, _)| k.as_str())
            .find(|k| ENTITY_FIELDS.contains(k) && !NAME_KEYS.contains(k))
        {
            out.invalid(
                file_name(r),
                r.line,
                format!("property {k:?} is a field of the entity itself in kg (id, aliases): FtM has no property of that name"),
            );
            continue;
        }
        let mut props = Props::new();
        for (k, v) in &r.props {
            if NAME_KEYS.contains(&k.as_str()) {
                continue;
            }
            if k == "addressEntity" {
                let full: Vec<String> = v
                    .iter()
                    .filter_map(|a| addresses.get(a.as_str()))
                    .filter_map(|a| a.first("full").or_else(|| a.first("street")))
                    .map(str::to_string)
                    .collect();
                if !full.is_empty() {
                    let key = out.graph.intern("address");
                    props.insert(key, text_value(&full));
                    continue;
                }
            }
            let key = out.graph.intern(k);
            props.insert(key, text_value(v));
        }
        let entity = Entity {
            id: Some(r.id.as_str().into()),
            labels: vec![out.graph.intern(label)],
            name: names.first().map(|n| Box::from(*n)),
            aliases: names.iter().skip(1).map(|n| Box::from(*n)).collect(),
            props,
        };
        if let Err(e) = out.graph.add_entity(entity) {
            out.invalid(file_name(r), r.line, e.to_string());
        }
    }

    for r in &records {
        let Some((ty, from_key, to_key)) = link_of(&r.schema) else {
            continue;
        };
        if let Err(message) = add_link(&mut out, r, ty, from_key, to_key, &sources, &skipped_ids) {
            out.invalid(file_name(r), r.line, message);
        }
    }
    out.finish()
}

fn add_link(
    out: &mut Import,
    r: &Record,
    ty: &str,
    from_key: &str,
    to_key: &str,
    sources: &[String],
    skipped_ids: &HashMap<&str, &str>,
) -> Result<(), String> {
    let ends = |key: &str| -> Result<Option<Vec<NodeIndex>>, String> {
        let ids = r.values(key);
        if ids.is_empty() {
            return Err(format!(
                "{} {:?} has no {key:?}: it links nothing",
                r.schema, r.id
            ));
        }
        let mut found = Vec::new();
        for id in ids {
            match out.graph.by_id(id) {
                Some(n) => found.push(n),
                None => match skipped_ids.get(id.as_str()) {
                    Some(_) => return Ok(None),
                    None => {
                        return Err(format!(
                            "{} {:?}: {key} {id:?} is not the id of any entity in the input",
                            r.schema, r.id
                        ))
                    }
                },
            }
        }
        Ok(Some(found))
    };
    let (Some(from), Some(to)) = (ends(from_key)?, ends(to_key)?) else {
        out.counts.skip(&format!(
            "FtM {} links to entities of skipped schemas",
            r.schema
        ));
        return Ok(());
    };
    let (since, until) = if r.schema == "Payment" {
        let d = r.first("date").map(date).transpose()?;
        (d, d)
    } else {
        (
            r.first("startDate").map(date).transpose()?,
            r.first("endDate").map(date).transpose()?,
        )
    };
    let mut props = Props::new();
    for (k, v) in &r.props {
        if [from_key, to_key, "startDate", "endDate"].contains(&k.as_str())
            || (r.schema == "Payment" && k == "date")
        {
            continue;
        }
        let value = if NUMBER_KEYS.contains(&k.as_str()) && v.len() == 1 {
            v.first()
                .and_then(|s| number(s))
                .ok_or_else(|| format!("{} {:?}: {k} {:?} is not a number", r.schema, r.id, v))?
        } else {
            text_value(v)
        };
        let key = if k == "percentage" {
            "share"
        } else {
            k.as_str()
        };
        let key = out.graph.intern(key);
        props.insert(key, value);
    }
    let share = out.graph.sym("share").and_then(|k| props.get(k));
    super::check_relation(share, since, until)
        .map_err(|e| format!("{} {:?}: {e}", r.schema, r.id))?;
    let ty = out.graph.intern(ty);
    for &a in &from {
        for &b in &to {
            let mut rel = Relation::new(ty);
            rel.props = props.clone();
            rel.since = since;
            rel.until = until;
            rel.provenance = Some(Box::new(Provenance {
                source: sources.get(r.file).map(|s| s.as_str().into()),
                locator: Some(r.id.as_str().into()),
                note: None,
                quote: None,
            }));
            out.graph
                .add_relation(a, b, rel)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
