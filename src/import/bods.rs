//! Beneficial Ownership Data Standard 0.4 packages: a JSON array of
//! statements (or one statement a line), each about an entity, a person
//! or a relationship record.
//!
//! **Records and their history.** Statements with the same `recordId`
//! describe one record over time; they are read in `statementDate` order.
//! An entity or person becomes one entity (id = `recordId`) with the
//! details of its latest statement. A relationship becomes one relation per
//! interest *version*: when a later statement changes an interest, the
//! earlier version ends and the new one starts on the same day (the new
//! interest's `startDate` when it moved forward, else the statement's
//! date). An interest with an `endDate` ends then; a record `closed`
//! without end dates ends on the closing statement's date; an interest
//! dropped by an update ends on that statement's date. An end given to
//! the day is the day the interest ceased, so the relation's `until` is
//! the day before (unless the interest started that same day): on a
//! hand-over day only the new holder holds, and ownership answers never
//! count the old and the new interest together. An end given to the month
//! or year is kept as it is. Each
//! relation's `locator` is the `statementId` that first stated it; its
//! `source` is the input file.
//!
//! **Interests.** Per relationship statement, with the interested party
//! as `from` and the subject as `to`:
//!
//! - a `shareholding` becomes `OWNS`; `share.exact` is `props.share`;
//!   bounds become `share_min` / `share_max` (with `share_min_exclusive`
//!   / `share_max_exclusive` for `exclusiveMinimum` / `exclusiveMaximum`)
//!   and the lower bound is also `share`, so that effective shares are
//!   lower bounds; other interests of the same statement (voting rights,
//!   ...) are listed in `props.interests`, a voting share as
//!   `voting_share` (or `voting_share_min` / `voting_share_max`);
//! - without a shareholding, control interests (`votingRights`,
//!   `appointmentOfBoard`, `otherInfluenceOrControl`, `trustee`,
//!   `settlor`, `nominee`, unknown, ...) become one `CONTROLS` with
//!   `props.interests`;
//! - `boardMember`, `boardChair`, `seniorManagingOfficial` become
//!   `DIRECTOR_OF` with `props.role`;
//! - `startDate` / `endDate` become `since` / `until`.
//!
//! **Indirect interests.** An indirect interest of a relationship that
//! lists `componentRecords` summarises a chain that the package also
//! spells out statement by statement. Counting both would count the same
//! shares twice, so the chain is kept as `OWNS` / `CONTROLS` and the
//! summary becomes `OWNS_INDIRECTLY` / `CONTROLS_INDIRECTLY` (with its
//! stated share and `props.components`), which the ownership questions
//! do not follow. An indirect interest without `componentRecords` is the
//! only statement of that holding: it is kept as `OWNS` / `CONTROLS` with
//! `props.indirect = true`.
//!
//! **Labels.** Persons are `Person`; entities by `entityType.type`:
//! `registeredEntity` and `legalEntity` -> `Company`, `stateBody` ->
//! `Agency`, `state` -> `Country`, `arrangement` -> `Arrangement`, others
//! -> `Entity`. Relationships whose interested party is unspecified are
//! skipped and counted.

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{add_file_source, check_relation, line_of, Import, Input, PROGRESS_EVERY};
use crate::graph::date::Precision;
use crate::graph::{Date, Entity, PropValue, Props, Provenance, Relation};

/// One statement: where it is and what it says.
struct Statement {
    file: usize,
    line: usize,
    id: String,
    record: String,
    kind: Kind,
    status: String,
    date: Option<Date>,
    details: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Entity,
    Person,
    Relationship,
}

/// The statements of one input with their lines, or why it is no package.
fn split(input: &Input) -> Result<Vec<(usize, Value)>, (usize, String)> {
    let text = input.text.trim_start_matches('\u{feff}');
    let base = input.text.len() - text.len();
    let offset_of = |s: &str| s.as_ptr() as usize - input.text.as_ptr() as usize;
    if text.trim_start().starts_with('[') {
        let items: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| {
            (
                e.line(),
                format!("not a BODS package (a JSON array of statements): {e}"),
            )
        })?;
        items
            .into_iter()
            .map(|raw| {
                let line = line_of(&input.text, offset_of(raw.get()));
                serde_json::from_str(raw.get())
                    .map(|v| (line, v))
                    .map_err(|e| (line, e.to_string()))
            })
            .collect()
    } else {
        // One statement a line (JSON lines), or a single statement.
        let mut out = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        loop {
            let start = stream.byte_offset();
            match stream.next() {
                None => break,
                Some(Ok(v)) => {
                    let skipped = text
                        .get(start..)
                        .map_or(0, |t| t.len() - t.trim_start().len());
                    out.push((line_of(&input.text, base + start + skipped), v));
                }
                Some(Err(e)) => {
                    return Err((
                        e.line(),
                        format!("not a BODS package (a JSON array of statements): {e}"),
                    ))
                }
            }
        }
        Ok(out)
    }
}

fn statement(value: Value) -> Result<Statement, String> {
    let Value::Object(mut obj) = value else {
        return Err(format!(
            "a statement must be a JSON object, not {}",
            kind_name(&value)
        ));
    };
    let text = |obj: &Map<String, Value>, key: &str| match obj.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let id = text(&obj, "statementId").ok_or(
        "the statement has no statementId (BODS 0.4; older versions' statementID and statementType are not read)",
    )?;
    let kind = match text(&obj, "recordType").as_deref() {
        Some("entity") => Kind::Entity,
        Some("person") => Kind::Person,
        Some("relationship") => Kind::Relationship,
        Some(other) => {
            return Err(format!(
                "statement {id:?} is of unknown type {other:?}: recordType must be entity, person or relationship"
            ))
        }
        None => {
            return Err(format!(
                "statement {id:?} has no recordType: it must be entity, person or relationship"
            ))
        }
    };
    let record =
        text(&obj, "recordId").ok_or_else(|| format!("statement {id:?} has no recordId"))?;
    let status = text(&obj, "recordStatus").unwrap_or_else(|| "new".into());
    let date = match text(&obj, "statementDate") {
        Some(d) => Some(date(&d).map_err(|e| format!("statement {id:?}: statementDate {e}"))?),
        None => None,
    };
    let details = match obj.remove("recordDetails") {
        Some(Value::Object(d)) => d,
        _ => return Err(format!("statement {id:?} has no recordDetails object")),
    };
    Ok(Statement {
        file: 0,
        line: 0,
        id,
        record,
        kind,
        status,
        date,
        details,
    })
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A date from BODS text: a date, or a date and time (the date is kept).
fn date(text: &str) -> Result<Date, String> {
    let day = text.split('T').next().unwrap_or(text);
    Date::parse(day).map_err(|e| format!("{text:?} is not a date: {e}"))
}

fn str_of<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn number(v: &Value) -> Option<PropValue> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(PropValue::Int)
            .or_else(|| n.as_f64().map(PropValue::Float)),
        _ => None,
    }
}

/// A relation being built from one statement's interests, before the
/// record's history is applied.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    /// What stays the same across versions (type and role).
    key: String,
    ty: &'static str,
    props: Vec<(String, PropValue)>,
    since: Option<Date>,
    until: Option<Date>,
    statement: String,
    file: usize,
}

const BOARD: [&str; 3] = ["boardMember", "boardChair", "seniorManagingOfficial"];

/// The share props of an interest: `prefix` (`share`), `prefix_min`, ...
fn share_props(prefix: &str, share: &Map<String, Value>, props: &mut Vec<(String, PropValue)>) {
    if let Some(v) = share.get("exact").and_then(number) {
        props.push((prefix.to_string(), v));
        return;
    }
    let min = share
        .get("minimum")
        .and_then(number)
        .map(|v| (v, false))
        .or_else(|| {
            share
                .get("exclusiveMinimum")
                .and_then(number)
                .map(|v| (v, true))
        });
    let max = share
        .get("maximum")
        .and_then(number)
        .map(|v| (v, false))
        .or_else(|| {
            share
                .get("exclusiveMaximum")
                .and_then(number)
                .map(|v| (v, true))
        });
    if let Some((v, exclusive)) = min {
        if prefix == "share" {
            props.push(("share".into(), v.clone()));
        }
        props.push((format!("{prefix}_min"), v));
        if exclusive {
            props.push((format!("{prefix}_min_exclusive"), PropValue::Bool(true)));
        }
    }
    if let Some((v, exclusive)) = max {
        props.push((format!("{prefix}_max"), v));
        if exclusive {
            props.push((format!("{prefix}_max_exclusive"), PropValue::Bool(true)));
        }
    }
}

/// The relations one relationship statement states.
fn drafts(s: &Statement) -> Result<Vec<Draft>, String> {
    let components: Vec<PropValue> = s
        .details
        .get("componentRecords")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|c| PropValue::Str(c.into()))
                .collect()
        })
        .unwrap_or_default();
    let interests: Vec<&Map<String, Value>> = s
        .details
        .get("interests")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    // (summary?) -> interests
    let mut groups: [Vec<&Map<String, Value>>; 2] = [Vec::new(), Vec::new()];
    for i in &interests {
        let ty = str_of(i, "type").unwrap_or("unknownInterest");
        let dates = (
            str_of(i, "startDate").map(date).transpose()?,
            str_of(i, "endDate").map(date).transpose()?,
        );
        if BOARD.contains(&ty) {
            out.push(Draft {
                key: format!("DIRECTOR_OF:{ty}"),
                ty: "DIRECTOR_OF",
                props: vec![("role".into(), PropValue::Str(ty.into()))],
                since: dates.0,
                until: dates.1,
                statement: s.id.clone(),
                file: s.file,
            });
            continue;
        }
        let summary = str_of(i, "directOrIndirect") == Some("indirect") && !components.is_empty();
        if let Some(g) = groups.get_mut(usize::from(summary)) {
            g.push(i);
        }
    }
    for (summary, group) in groups.iter().enumerate() {
        let summary = summary == 1;
        if group.is_empty() {
            continue;
        }
        let types: Vec<&str> = group
            .iter()
            .map(|i| str_of(i, "type").unwrap_or("unknownInterest"))
            .collect();
        let holding = group
            .iter()
            .find(|i| str_of(i, "type") == Some("shareholding"));
        let mut props = Vec::new();
        let (ty, since, until) = match holding {
            Some(h) => {
                if let Some(share) = h.get("share").and_then(Value::as_object) {
                    share_props("share", share, &mut props);
                }
                let since = str_of(h, "startDate").map(date).transpose()?;
                let until = str_of(h, "endDate").map(date).transpose()?;
                if !summary && str_of(h, "directOrIndirect") == Some("indirect") {
                    props.push(("indirect".into(), PropValue::Bool(true)));
                }
                let ty = if summary { "OWNS_INDIRECTLY" } else { "OWNS" };
                (ty, since, until)
            }
            None => {
                let starts: Vec<Option<Date>> = group
                    .iter()
                    .map(|i| str_of(i, "startDate").map(date).transpose())
                    .collect::<Result<_, _>>()?;
                let ends: Vec<Option<Date>> = group
                    .iter()
                    .map(|i| str_of(i, "endDate").map(date).transpose())
                    .collect::<Result<_, _>>()?;
                let since = starts
                    .iter()
                    .flatten()
                    .min_by_key(|d| d.first_day())
                    .copied();
                let until = if ends.iter().all(Option::is_some) {
                    ends.iter().flatten().max_by_key(|d| d.last_day()).copied()
                } else {
                    None
                };
                if !summary
                    && group
                        .iter()
                        .any(|i| str_of(i, "directOrIndirect") == Some("indirect"))
                {
                    props.push(("indirect".into(), PropValue::Bool(true)));
                }
                let ty = if summary {
                    "CONTROLS_INDIRECTLY"
                } else {
                    "CONTROLS"
                };
                (ty, since, until)
            }
        };
        if let Some(v) = group
            .iter()
            .find(|i| str_of(i, "type") == Some("votingRights"))
            .and_then(|i| i.get("share"))
            .and_then(Value::as_object)
        {
            share_props("voting_share", v, &mut props);
        }
        if holding.is_none() || types.len() > 1 {
            let mut list: Vec<PropValue> = Vec::new();
            for t in types {
                let v = PropValue::Str(t.into());
                if !list.contains(&v) {
                    list.push(v);
                }
            }
            props.push(("interests".into(), PropValue::List(list.into())));
        }
        if summary {
            props.push((
                "components".into(),
                PropValue::List(components.clone().into()),
            ));
        }
        props.sort_by(|a, b| a.0.cmp(&b.0));
        out.push(Draft {
            key: ty.to_string(),
            ty,
            props,
            since,
            until,
            statement: s.id.clone(),
            file: s.file,
        });
    }
    Ok(out)
}

/// Applies a relationship record's history: versions in statement order.
fn history(statements: &[&Statement]) -> Result<Vec<Draft>, (usize, String)> {
    let mut open: Vec<Draft> = Vec::new();
    let mut done: Vec<Draft> = Vec::new();
    let before = |a: Option<Date>, b: Option<Date>| match (a, b) {
        (Some(a), Some(b)) => a.first_day() < b.first_day(),
        _ => false,
    };
    for (n, s) in statements.iter().enumerate() {
        let new = drafts(s).map_err(|e| (n, format!("statement {:?}: {e}", s.id)))?;
        let mut keys = Vec::new();
        for mut d in new {
            keys.push(d.key.clone());
            match open.iter().position(|p| p.key == d.key) {
                Some(at) => {
                    let same = open
                        .get(at)
                        .is_some_and(|p| p.ty == d.ty && p.props == d.props && p.since == d.since);
                    if same {
                        if let Some(p) = open.get_mut(at) {
                            if d.until.is_some() {
                                p.until = d.until;
                            }
                        }
                        continue;
                    }
                    let mut p = open.remove(at);
                    let change = if before(p.since, d.since) {
                        d.since
                    } else {
                        s.date.or(d.since)
                    };
                    if p.until.is_none() {
                        p.until = change;
                    }
                    if d.since.is_none() || !before(p.since, d.since) {
                        d.since = change;
                    }
                    done.push(p);
                    open.push(d);
                }
                None => open.push(d),
            }
        }
        let closed = s.status == "closed";
        let mut keep = Vec::new();
        for mut p in open.drain(..) {
            if closed || !keys.contains(&p.key) {
                if p.until.is_none() {
                    p.until = s.date;
                }
                done.push(p);
            } else {
                keep.push(p);
            }
        }
        open = keep;
    }
    done.extend(open);
    done.sort_by_key(|d| d.since.map(|s| s.first_day()));
    for d in &mut done {
        // A closing date before the interest's start: the start is all
        // that is known.
        if before(d.until, d.since) {
            d.until = d.since;
        }
        // An interest that ended on a day last held the day before, so
        // that on a hand-over day only the new holder holds.
        if let Some(u) = d.until.filter(|u| u.precision() == Precision::Day) {
            if d.since.is_none_or(|s| s.first_day() < u.first_day()) {
                d.until = Some(u.previous());
            }
        }
    }
    Ok(done)
}

fn entity_of(s: &Statement, graph: &mut crate::graph::Graph) -> Entity {
    let d = &s.details;
    let mut names: Vec<String> = Vec::new();
    let mut props = Props::new();
    let mut set = |graph: &mut crate::graph::Graph, k: &str, v: PropValue| {
        let k = graph.intern(k);
        props.insert(k, v);
    };
    let label = match s.kind {
        Kind::Person => {
            for n in d
                .get("names")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
            {
                let full = str_of(n, "fullName").map(str::to_string).or_else(|| {
                    let parts: Vec<&str> = ["givenName", "familyName"]
                        .iter()
                        .filter_map(|k| str_of(n, k))
                        .collect();
                    (!parts.is_empty()).then(|| parts.join(" "))
                });
                if let Some(f) = full {
                    if !names.contains(&f) {
                        names.push(f);
                    }
                }
            }
            let nationalities: Vec<PropValue> = d
                .get("nationalities")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|n| n.get("code").and_then(Value::as_str))
                .map(|c| PropValue::Str(c.into()))
                .collect();
            if !nationalities.is_empty() {
                set(
                    graph,
                    "nationalities",
                    PropValue::List(nationalities.into()),
                );
            }
            if let Some(b) = str_of(d, "birthDate") {
                set(graph, "birth_date", PropValue::Str(b.into()));
            }
            if let Some(t) = str_of(d, "personType") {
                set(graph, "person_type", PropValue::Str(t.into()));
            }
            "Person"
        }
        _ => {
            if let Some(n) = str_of(d, "name") {
                names.push(n.to_string());
            }
            for a in d
                .get("alternateNames")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !names.iter().any(|n| n == a) {
                    names.push(a.to_string());
                }
            }
            if let Some(code) = d
                .get("jurisdiction")
                .and_then(|j| j.get("code"))
                .and_then(Value::as_str)
            {
                set(graph, "country", PropValue::Str(code.into()));
            }
            let ids: Vec<PropValue> = d
                .get("identifiers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|i| {
                    let id = i.get("id").and_then(Value::as_str)?;
                    Some(PropValue::Str(
                        match i.get("scheme").and_then(Value::as_str) {
                            Some(s) => format!("{s}:{id}"),
                            None => id.to_string(),
                        }
                        .into(),
                    ))
                })
                .collect();
            if !ids.is_empty() {
                set(graph, "identifiers", PropValue::List(ids.into()));
            }
            if let Some(f) = str_of(d, "foundingDate") {
                set(graph, "founded", PropValue::Str(f.into()));
            }
            if let Some(f) = str_of(d, "dissolutionDate") {
                set(graph, "dissolved", PropValue::Str(f.into()));
            }
            let et = d.get("entityType").and_then(Value::as_object);
            let ty = et
                .and_then(|t| str_of(t, "type"))
                .unwrap_or("unknownEntity");
            set(graph, "entity_type", PropValue::Str(ty.into()));
            if let Some(sub) = et.and_then(|t| str_of(t, "subtype")) {
                set(graph, "entity_subtype", PropValue::Str(sub.into()));
            }
            match ty {
                "registeredEntity" | "legalEntity" => "Company",
                "stateBody" => "Agency",
                "state" => "Country",
                "arrangement" => "Arrangement",
                _ => "Entity",
            }
        }
    };
    if s.status == "closed" {
        if let Some(date) = s.date {
            set(
                graph,
                "record_closed",
                PropValue::Str(date.to_string().into()),
            );
        }
    }
    let mut names = names.into_iter();
    Entity {
        id: Some(s.record.as_str().into()),
        labels: vec![graph.intern(label)],
        name: names.next().map(String::into_boxed_str),
        aliases: names.map(String::into_boxed_str).collect(),
        props,
    }
}

/// Imports BODS 0.4 packages.
///
/// ```
/// use kg::import::{bods, Input};
///
/// let package = r#"[
///   {"statementId": "s1", "recordId": "acme", "recordType": "entity", "statementDate": "2024-01-01",
///    "recordDetails": {"entityType": {"type": "registeredEntity"}, "name": "Acme Ltd"}},
///   {"statementId": "s2", "recordId": "ann", "recordType": "person", "statementDate": "2024-01-01",
///    "recordDetails": {"personType": "knownPerson", "names": [{"fullName": "Ann Smith"}]}},
///   {"statementId": "s3", "recordId": "r1", "recordType": "relationship", "statementDate": "2024-01-01",
///    "recordDetails": {"subject": "acme", "interestedParty": "ann",
///      "interests": [{"type": "shareholding", "share": {"minimum": 25, "exclusiveMaximum": 50},
///                     "startDate": "2023-05-01"}]}}
/// ]"#;
/// let result = bods::import(&[Input::new("acme.json", package)], &mut |_| {});
/// assert!(result.invalid.is_empty());
/// let text = kg::graph::to_file_text(&result.graph)?;
/// assert!(text.contains(r#"{"from": "ann", "type": "OWNS", "to": "acme", "props": {"share": 25, "share_max": 50, "share_max_exclusive": true, "share_min": 25}, "since": "2023-05-01", "source": "acme.json", "locator": "s3"}"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import(inputs: &[Input], progress: &mut dyn FnMut(usize)) -> Import {
    let mut out = Import::default();
    let mut sources = Vec::new();
    let mut statements: Vec<Statement> = Vec::new();
    for (file, input) in inputs.iter().enumerate() {
        sources.push(add_file_source(&mut out.graph, &input.name));
        let values = match split(input) {
            Ok(v) => v,
            Err((line, message)) => {
                out.invalid(&input.name, line, message);
                continue;
            }
        };
        for (line, value) in values {
            out.counts.records += 1;
            if out.counts.records.is_multiple_of(PROGRESS_EVERY) {
                progress(out.counts.records);
            }
            match statement(value) {
                Ok(mut s) => {
                    s.file = file;
                    s.line = line;
                    statements.push(s);
                }
                Err(message) => out.invalid(&input.name, line, message),
            }
        }
    }
    let file_name = |s: &Statement| inputs.get(s.file).map_or("", |i| i.name.as_str());

    // Records in order of first appearance, statements by date.
    let mut order: Vec<&str> = Vec::new();
    let mut records: HashMap<&str, Vec<&Statement>> = HashMap::new();
    for s in &statements {
        let v = records.entry(s.record.as_str()).or_default();
        if v.is_empty() {
            order.push(&s.record);
        }
        v.push(s);
    }
    for v in records.values_mut() {
        v.sort_by_key(|s| s.date.map(|d| d.first_day()));
    }
    let kind_of = |r: &str| records.get(r).and_then(|v| v.last()).map(|s| s.kind);

    for r in &order {
        let Some(history) = records.get(r) else {
            continue;
        };
        let Some(last) = history.last() else { continue };
        if history.iter().any(|s| s.kind != last.kind) {
            out.invalid(
                file_name(last),
                last.line,
                format!("record {r:?} is stated both as a relationship and as an entity or person"),
            );
            continue;
        }
        if last.kind == Kind::Relationship {
            continue;
        }
        let entity = entity_of(last, &mut out.graph);
        if let Err(e) = out.graph.add_entity(entity) {
            out.invalid(file_name(last), last.line, e.to_string());
        }
    }

    for r in &order {
        let Some(history) = records.get(r) else {
            continue;
        };
        let Some(last) = history.last() else { continue };
        if last.kind != Kind::Relationship || history.iter().any(|s| s.kind != last.kind) {
            continue;
        }
        let party = |key: &str| -> Result<Option<&str>, String> {
            match last.details.get(key) {
                Some(Value::String(id)) => match kind_of(id) {
                    Some(Kind::Entity | Kind::Person) => Ok(Some(id.as_str())),
                    _ => Err(format!(
                        "statement {:?}: {key} {id:?} is not the recordId of any entity or person statement in the input",
                        last.id
                    )),
                },
                Some(Value::Object(_)) => Ok(None),
                _ => Err(format!("statement {:?} has no {key}", last.id)),
            }
        };
        let ends = party("subject").and_then(|s| Ok((s, party("interestedParty")?)));
        let (subject, interested) = match ends {
            Ok((Some(s), Some(i))) => (s, i),
            Ok(_) => {
                out.counts
                    .skip("BODS relationships with an unspecified subject or interested party");
                continue;
            }
            Err(message) => {
                out.invalid(file_name(last), last.line, message);
                continue;
            }
        };
        let (Some(to), Some(from)) = (out.graph.by_id(subject), out.graph.by_id(interested)) else {
            continue;
        };
        let drafts = match self::history(history) {
            Ok(d) => d,
            Err((n, message)) => {
                let s = history.get(n).copied().unwrap_or(last);
                out.invalid(file_name(s), s.line, message);
                continue;
            }
        };
        if drafts.is_empty() {
            out.counts.skip("BODS relationships that state no interest");
        }
        for d in drafts {
            let mut rel = Relation::new(out.graph.intern(d.ty));
            for (k, v) in d.props {
                let k = out.graph.intern(&k);
                rel.props.insert(k, v);
            }
            rel.since = d.since;
            rel.until = d.until;
            let share = out.graph.sym("share").and_then(|k| rel.props.get(k));
            if let Err(e) = check_relation(share, rel.since, rel.until) {
                let s = history
                    .iter()
                    .find(|s| s.id == d.statement)
                    .copied()
                    .unwrap_or(last);
                out.invalid(file_name(s), s.line, format!("statement {:?}: {e}", s.id));
                continue;
            }
            rel.provenance = Some(Box::new(Provenance {
                source: sources.get(d.file).map(|s| s.as_str().into()),
                locator: Some(d.statement.into()),
                note: None,
                quote: None,
            }));
            if let Err(e) = out.graph.add_relation(from, to, rel) {
                out.invalid(file_name(last), last.line, e.to_string());
            }
        }
    }
    out.finish()
}
