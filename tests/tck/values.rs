//! The TCK's value notation for table cells, and how two values compare.
//!
//! Expected values (read from a table cell) and actual values (converted
//! from the engine's output, see `engine.rs`) are both a [`TValue`], so
//! the comparison can be tested without an engine.

use std::collections::BTreeMap;
use std::fmt;

/// A value as the TCK sees it: nodes, relationships and paths carry their
/// labels, types and properties instead of an identity.
#[derive(Debug, Clone, PartialEq)]
pub enum TValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<TValue>),
    Map(BTreeMap<String, TValue>),
    Node(TNode),
    Rel(TRel),
    Path(TPath),
}

/// A node: its labels (sorted, distinct) and properties.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TNode {
    pub labels: Vec<String>,
    pub props: BTreeMap<String, TValue>,
}

/// A relationship: its type and properties.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TRel {
    pub ty: String,
    pub props: BTreeMap<String, TValue>,
}

/// A path: the first node, then for each hop the relationship, whether it
/// points forward (from the previous node to the next), and the next node.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TPath {
    pub start: TNode,
    pub hops: Vec<(TRel, bool, TNode)>,
}

// ----- comparison --------------------------------------------------------

/// Whether `a` equals `b` in the TCK's sense: an integer never equals a
/// float, NaN equals NaN, maps ignore key order, nodes and relationships
/// compare by labels/type and properties. With `unordered_lists`, every
/// list at any depth compares as a multiset.
pub fn values_equal(a: &TValue, b: &TValue, unordered_lists: bool) -> bool {
    use TValue::*;
    match (a, b) {
        (Null, Null) => true,
        (Bool(x), Bool(y)) => x == y,
        (Int(x), Int(y)) => x == y,
        (Float(x), Float(y)) => (x.is_nan() && y.is_nan()) || x == y,
        (Str(x), Str(y)) => x == y,
        (List(x), List(y)) => {
            if unordered_lists {
                multiset_equal(x, y, |p, q| values_equal(p, q, true))
            } else {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q, false))
            }
        }
        (Map(x), Map(y)) => maps_equal(x, y, unordered_lists),
        (Node(x), Node(y)) => nodes_equal(x, y, unordered_lists),
        (Rel(x), Rel(y)) => rels_equal(x, y, unordered_lists),
        (Path(x), Path(y)) => {
            nodes_equal(&x.start, &y.start, unordered_lists)
                && x.hops.len() == y.hops.len()
                && x.hops
                    .iter()
                    .zip(&y.hops)
                    .all(|((r1, d1, n1), (r2, d2, n2))| {
                        d1 == d2
                            && rels_equal(r1, r2, unordered_lists)
                            && nodes_equal(n1, n2, unordered_lists)
                    })
        }
        _ => false,
    }
}

fn maps_equal(
    x: &BTreeMap<String, TValue>,
    y: &BTreeMap<String, TValue>,
    unordered_lists: bool,
) -> bool {
    x.len() == y.len()
        && x.iter().all(|(k, v)| {
            y.get(k)
                .is_some_and(|w| values_equal(v, w, unordered_lists))
        })
}

fn nodes_equal(x: &TNode, y: &TNode, unordered_lists: bool) -> bool {
    x.labels == y.labels && maps_equal(&x.props, &y.props, unordered_lists)
}

fn rels_equal(x: &TRel, y: &TRel, unordered_lists: bool) -> bool {
    x.ty == y.ty && maps_equal(&x.props, &y.props, unordered_lists)
}

/// Whether `x` and `y` hold the same elements, in any order, under `eq`
/// (an equivalence, so a greedy matching is enough).
pub fn multiset_equal<T>(x: &[T], y: &[T], eq: impl Fn(&T, &T) -> bool) -> bool {
    if x.len() != y.len() {
        return false;
    }
    let mut used = vec![false; y.len()];
    x.iter().all(|a| {
        let found = y.iter().enumerate().position(|(i, b)| !used[i] && eq(a, b));
        match found {
            Some(i) => {
                used[i] = true;
                true
            }
            None => false,
        }
    })
}

// ----- display (in the TCK notation) --------------------------------------

fn fmt_props(f: &mut fmt::Formatter<'_>, props: &BTreeMap<String, TValue>) -> fmt::Result {
    f.write_str("{")?;
    for (i, (k, v)) in props.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{k}: {v}")?;
    }
    f.write_str("}")
}

impl fmt::Display for TNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for l in &self.labels {
            write!(f, ":{l}")?;
        }
        if !self.props.is_empty() {
            if !self.labels.is_empty() {
                f.write_str(" ")?;
            }
            fmt_props(f, &self.props)?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for TRel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[:{}", self.ty)?;
        if !self.props.is_empty() {
            f.write_str(" ")?;
            fmt_props(f, &self.props)?;
        }
        f.write_str("]")
    }
}

impl fmt::Display for TValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TValue::Null => f.write_str("null"),
            TValue::Bool(b) => write!(f, "{b}"),
            TValue::Int(i) => write!(f, "{i}"),
            TValue::Float(x) => {
                if x.is_nan() {
                    f.write_str("NaN")
                } else if x.is_infinite() {
                    f.write_str(if *x > 0.0 { "Infinity" } else { "-Infinity" })
                } else {
                    // Debug always shows a `.` or an exponent.
                    write!(f, "{x:?}")
                }
            }
            TValue::Str(s) => {
                f.write_str("'")?;
                for c in s.chars() {
                    match c {
                        '\'' => f.write_str("\\'")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("'")
            }
            TValue::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            TValue::Map(m) => fmt_props(f, m),
            TValue::Node(n) => write!(f, "{n}"),
            TValue::Rel(r) => write!(f, "{r}"),
            TValue::Path(p) => {
                write!(f, "<{}", p.start)?;
                for (r, forward, n) in &p.hops {
                    if *forward {
                        write!(f, "-{r}->{n}")?;
                    } else {
                        write!(f, "<-{r}-{n}")?;
                    }
                }
                f.write_str(">")
            }
        }
    }
}

// ----- parsing -------------------------------------------------------------

/// Reads a cell (already unescaped by the Gherkin reader) as a value.
pub fn parse_value(text: &str) -> Result<TValue, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(p.err("end of value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> String {
        format!("expected {what} at offset {} in `{}`", self.pos, self.text)
    }

    fn ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<u8> {
        self.s.get(self.pos + off).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(&format!("`{}`", c as char)))
        }
    }

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn keyword(&mut self, word: &str) -> bool {
        let rest = self.rest();
        if rest.starts_with(word)
            && !rest[word.len()..]
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<TValue, String> {
        match self.peek() {
            None => Err(self.err("a value")),
            Some(b'\'') => Ok(TValue::Str(self.string()?)),
            Some(b'(') => Ok(TValue::Node(self.node()?)),
            Some(b'<') => Ok(TValue::Path(self.path()?)),
            Some(b'{') => Ok(TValue::Map(self.map()?)),
            Some(b'[') => {
                let mut q = self.pos + 1;
                while q < self.s.len() && self.s[q].is_ascii_whitespace() {
                    q += 1;
                }
                if self.s.get(q) == Some(&b':') {
                    Ok(TValue::Rel(self.rel()?))
                } else {
                    self.list()
                }
            }
            Some(_) => {
                if self.keyword("null") {
                    Ok(TValue::Null)
                } else if self.keyword("true") {
                    Ok(TValue::Bool(true))
                } else if self.keyword("false") {
                    Ok(TValue::Bool(false))
                } else {
                    self.number()
                }
            }
        }
    }

    fn number(&mut self) -> Result<TValue, String> {
        let start = self.pos;
        let neg = self.peek_at(0) == Some(b'-');
        if neg {
            self.pos += 1;
        }
        for (word, x) in [("NaN", f64::NAN), ("Infinity", f64::INFINITY)] {
            if self.keyword(word) {
                return Ok(TValue::Float(if neg { -x } else { x }));
            }
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.peek_at(0).is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos - s
        };
        let int_digits = digits(self);
        let mut float = false;
        let mut frac_digits = 0;
        if self.peek_at(0) == Some(b'.') && self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
            float = true;
            frac_digits = digits(self);
        }
        if int_digits + frac_digits == 0 {
            self.pos = start;
            return Err(self.err("a value"));
        }
        if matches!(self.peek_at(0), Some(b'e' | b'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek_at(0), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                self.pos = save;
            } else {
                float = true;
            }
        }
        let text = &self.text[start..self.pos];
        if float {
            text.parse::<f64>()
                .map(TValue::Float)
                .map_err(|e| format!("bad float `{text}`: {e}"))
        } else {
            text.parse::<i64>()
                .map(TValue::Int)
                .map_err(|e| format!("bad integer `{text}`: {e}"))
        }
    }

    /// `'...'` with `\'` for a quote and `\\` for a backslash; any other
    /// backslash stays as it is.
    fn string(&mut self) -> Result<String, String> {
        self.expect(b'\'')?;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\'' => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.clone().next() {
                    Some((_, e @ ('\'' | '\\'))) => {
                        out.push(e);
                        chars.next();
                    }
                    _ => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        Err(self.err("the closing `'` of a string"))
    }

    /// A name: an identifier or a backquoted name.
    fn name(&mut self) -> Result<String, String> {
        self.ws();
        if self.peek_at(0) == Some(b'`') {
            let rest = &self.rest()[1..];
            let end = rest
                .find('`')
                .ok_or_else(|| self.err("a closing backquote"))?;
            let name = rest[..end].to_string();
            self.pos += end + 2;
            return Ok(name);
        }
        let start = self.pos;
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 {
            return Err(self.err("a name"));
        }
        self.pos += len;
        Ok(self.text[start..self.pos].to_string())
    }

    fn list(&mut self) -> Result<TValue, String> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(TValue::List(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(b']') {
                return Ok(TValue::List(items));
            }
            self.expect(b',')?;
        }
    }

    fn map(&mut self) -> Result<BTreeMap<String, TValue>, String> {
        self.expect(b'{')?;
        let mut m = BTreeMap::new();
        if self.eat(b'}') {
            return Ok(m);
        }
        loop {
            let k = self.name()?;
            self.expect(b':')?;
            let v = self.value()?;
            if m.insert(k.clone(), v).is_some() {
                return Err(format!("key `{k}` twice in `{}`", self.text));
            }
            if self.eat(b'}') {
                return Ok(m);
            }
            self.expect(b',')?;
        }
    }

    fn node(&mut self) -> Result<TNode, String> {
        self.expect(b'(')?;
        let mut n = TNode::default();
        while self.eat(b':') {
            n.labels.push(self.name()?);
        }
        n.labels.sort();
        n.labels.dedup();
        if self.peek() == Some(b'{') {
            n.props = self.map()?;
        }
        self.expect(b')')?;
        Ok(n)
    }

    fn rel(&mut self) -> Result<TRel, String> {
        self.expect(b'[')?;
        self.expect(b':')?;
        let mut r = TRel {
            ty: self.name()?,
            props: BTreeMap::new(),
        };
        if self.peek() == Some(b'{') {
            r.props = self.map()?;
        }
        self.expect(b']')?;
        Ok(r)
    }

    fn path(&mut self) -> Result<TPath, String> {
        self.expect(b'<')?;
        let mut p = TPath {
            start: self.node()?,
            hops: Vec::new(),
        };
        loop {
            if self.eat(b'>') {
                return Ok(p);
            }
            let forward = if self.eat(b'<') {
                self.expect(b'-')?;
                false
            } else {
                self.expect(b'-')?;
                true
            };
            let r = self.rel()?;
            self.expect(b'-')?;
            if forward {
                self.expect(b'>')?;
            }
            let n = self.node()?;
            p.hops.push((r, forward, n));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> TValue {
        parse_value(s).unwrap()
    }

    fn map(kv: &[(&str, TValue)]) -> BTreeMap<String, TValue> {
        kv.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn scalars() {
        assert_eq!(v("null"), TValue::Null);
        assert_eq!(v("true"), TValue::Bool(true));
        assert_eq!(v(" false "), TValue::Bool(false));
        assert_eq!(v("0"), TValue::Int(0));
        assert_eq!(v("-42"), TValue::Int(-42));
        assert_eq!(v("9223372036854775807"), TValue::Int(i64::MAX));
        assert_eq!(v("-9223372036854775808"), TValue::Int(i64::MIN));
        assert!(parse_value("9223372036854775808").is_err());
        assert_eq!(v("1.0"), TValue::Float(1.0));
        assert_eq!(v("-0.5"), TValue::Float(-0.5));
        assert_eq!(v(".5"), TValue::Float(0.5));
        assert_eq!(v("1e308"), TValue::Float(1e308));
        assert_eq!(
            v("-1.2635418652381264e305"),
            TValue::Float(-1.2635418652381264e305)
        );
        assert_eq!(v("1.5E-3"), TValue::Float(1.5e-3));
        assert!(matches!(v("NaN"), TValue::Float(x) if x.is_nan()));
        assert_eq!(v("-Infinity"), TValue::Float(f64::NEG_INFINITY));
        assert!(parse_value("nul").is_err());
        assert!(parse_value("1 2").is_err());
        assert!(parse_value("").is_err());
    }

    #[test]
    fn strings() {
        assert_eq!(v("'abc'"), TValue::Str("abc".into()));
        assert_eq!(v("''"), TValue::Str(String::new()));
        assert_eq!(v(r"'\''"), TValue::Str("'".into()));
        assert_eq!(v(r"'a\\b'"), TValue::Str(r"a\b".into()));
        // After Gherkin unescaping of `'a\\\\bcn5t\'"\\\\//\\\\"\''`.
        assert_eq!(
            v(r#"'a\\bcn5t\'"\\//\\"\''"#),
            TValue::Str(r#"a\bcn5t'"\//\"'"#.into())
        );
        assert_eq!(v("'Foo\nFoo'"), TValue::Str("Foo\nFoo".into()));
        assert_eq!(v("'ü | x'"), TValue::Str("ü | x".into()));
        assert_eq!(v(r"'\d'"), TValue::Str(r"\d".into()));
        assert!(parse_value("'abc").is_err());
    }

    #[test]
    fn lists_and_maps() {
        assert_eq!(v("[]"), TValue::List(vec![]));
        assert_eq!(
            v("[1, 'a', null, [2.0]]"),
            TValue::List(vec![
                TValue::Int(1),
                TValue::Str("a".into()),
                TValue::Null,
                TValue::List(vec![TValue::Float(2.0)])
            ])
        );
        assert_eq!(v("{}"), TValue::Map(BTreeMap::new()));
        assert_eq!(
            v("{k: 1, name: 'x', `a b`: [], a1B2c3e67: {x: null}}"),
            TValue::Map(map(&[
                ("k", TValue::Int(1)),
                ("name", TValue::Str("x".into())),
                ("a b", TValue::List(vec![])),
                ("a1B2c3e67", TValue::Map(map(&[("x", TValue::Null)]))),
            ]))
        );
        assert!(parse_value("[1, 2").is_err());
        assert!(parse_value("{a: 1, a: 2}").is_err());
    }

    #[test]
    fn nodes_rels_paths() {
        assert_eq!(v("()"), TValue::Node(TNode::default()));
        assert_eq!(
            v("(:B:A {name: 'b'})"),
            TValue::Node(TNode {
                labels: vec!["A".into(), "B".into()],
                props: map(&[("name", TValue::Str("b".into()))]),
            })
        );
        assert_eq!(
            v("({num: 1})"),
            TValue::Node(TNode {
                labels: vec![],
                props: map(&[("num", TValue::Int(1))]),
            })
        );
        let t = TRel {
            ty: "T".into(),
            props: BTreeMap::new(),
        };
        assert_eq!(v("[:T]"), TValue::Rel(t.clone()));
        assert_eq!(
            v("[:T {num: 1}]"),
            TValue::Rel(TRel {
                ty: "T".into(),
                props: map(&[("num", TValue::Int(1))]),
            })
        );
        assert_eq!(
            v("[[:T], [:T]]"),
            TValue::List(vec![TValue::Rel(t.clone()), TValue::Rel(t.clone())])
        );
        assert_eq!(
            v("<()>"),
            TValue::Path(TPath {
                start: TNode::default(),
                hops: vec![]
            })
        );
        let p = v("<(:A)-[:T]->(:B)<-[:S {k: 1}]-()>");
        let TValue::Path(p) = p else { panic!() };
        assert_eq!(p.start.labels, vec!["A".to_string()]);
        assert_eq!(p.hops.len(), 2);
        assert!(p.hops[0].1);
        assert_eq!(p.hops[0].2.labels, vec!["B".to_string()]);
        assert!(!p.hops[1].1);
        assert_eq!(p.hops[1].0.ty, "S");
        assert_eq!(p.hops[1].0.props, map(&[("k", TValue::Int(1))]));
        assert!(parse_value("<(:A)-[:T]-(:B)>").is_err());
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "null",
            "[1, 2.5, 'it\\'s', {a: [true, NaN]}]",
            "(:A:B {name: 'b'})",
            "[:T {num: 1}]",
            "<(:A)-[:T]->(:B)<-[:S {k: 1}]-()>",
            "1.0E-7",
        ] {
            let a = v(s);
            let b = v(&a.to_string());
            assert!(values_equal(&a, &b, false), "{s} -> {a}");
        }
    }

    #[test]
    fn comparison() {
        let eq = |a: &str, b: &str| values_equal(&v(a), &v(b), false);
        let equ = |a: &str, b: &str| values_equal(&v(a), &v(b), true);
        assert!(!eq("1", "1.0"));
        assert!(eq("1.0", "1.0"));
        assert!(eq("NaN", "NaN"));
        assert!(!eq("NaN", "1.0"));
        assert!(!eq("null", "false"));
        assert!(eq("'a'", "'a'"));
        assert!(!eq("'a'", "'A'"));
        assert!(eq("[1, 2]", "[1, 2]"));
        assert!(!eq("[1, 2]", "[2, 1]"));
        assert!(equ("[1, 2]", "[2, 1]"));
        assert!(equ("[[1, 2], [3]]", "[[3], [2, 1]]"));
        assert!(equ("{a: [1, 2]}", "{a: [2, 1]}"));
        assert!(!equ("[1, 1, 2]", "[1, 2, 2]"));
        assert!(!eq("[1]", "[1, 1]"));
        assert!(eq("{a: 1, b: 'x'}", "{b: 'x', a: 1}"));
        assert!(!eq("{a: 1}", "{a: 1, b: null}"));
        assert!(eq("(:A:B {k: 1})", "(:B:A {k: 1})"));
        assert!(!eq("(:A)", "(:A {k: 1})"));
        assert!(!eq("(:A)", "(:A:B)"));
        assert!(!eq("()", "[:T]"));
        assert!(eq("[:T {k: 1}]", "[:T {k: 1}]"));
        assert!(!eq("[:T]", "[:S]"));
        assert!(eq("<(:A)-[:T]->(:B)>", "<(:A)-[:T]->(:B)>"));
        assert!(!eq("<(:A)-[:T]->(:B)>", "<(:A)<-[:T]-(:B)>"));
        assert!(!eq("<(:A)-[:T]->(:B)>", "<(:A)-[:T]->(:C)>"));
        assert!(!eq("<(:A)>", "<(:A)-[:T]->(:B)>"));
        assert!(!eq("{a: 1}", "[1]"));
    }
}
