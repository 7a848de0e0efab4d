//! The AST printed back as query text (`impl Display`).
//!
//! The text parses back to an equal tree: operands are parenthesised only
//! where the grammar's precedence needs it (so that the printed text nests
//! no deeper than the query it came from, and stays within the parser's
//! nesting limit), names that are not plain identifiers or that are
//! reserved words are backquoted, strings are quoted with escapes, floats
//! keep a `.` or an exponent so they stay floats.
//!
//! An expression printed with `{:#}` shows its tree instead: every operand
//! that is not an atom is parenthesised (`1 + 2 * 3` prints as
//! `1 + (2 * 3)`).

use std::fmt::{self, Display, Formatter, Write};

use super::ast::*;
use super::parser::is_reserved;

impl Display for Script {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        for statement in &self.statements {
            writeln!(f, "{statement};")?;
        }
        Ok(())
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match self.mode {
            Some(ExplainMode::Explain) => f.write_str("EXPLAIN ")?,
            Some(ExplainMode::Profile) => f.write_str("PROFILE ")?,
            None => {}
        }
        if let Some(date) = &self.as_of {
            write!(f, "AS OF {date} ")?;
        }
        match &self.body {
            StatementBody::Query(q) => write!(f, "{q}"),
            StatementBody::Owners(o) => write!(f, "OWNERS {o}"),
            StatementBody::Holdings(o) => write!(f, "HOLDINGS {o}"),
            StatementBody::Path(p) => write!(f, "{p}"),
        }
    }
}

impl Display for OwnershipStatement {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        write!(f, "OF {}", self.name)?;
        if self.ultimate {
            f.write_str(" ULTIMATE")?;
        }
        if self.history {
            f.write_str(" HISTORY")?;
        }
        Ok(())
    }
}

impl Display for PathStatement {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        write!(f, "PATH FROM {} TO {}", self.from, self.to)?;
        if !self.via.is_empty() {
            write!(f, " VIA {}", Sep(&self.via, "|"))?;
        }
        if let Some(max) = self.max {
            write!(f, " MAX {max}")?;
        }
        Ok(())
    }
}

/// Items written with a separator between them.
struct Sep<'a, T>(&'a [T], &'a str);

impl<T: Display> Display for Sep<'_, T> {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        for (n, item) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str(self.1)?;
            }
            if f.alternate() {
                write!(f, "{item:#}")?;
            } else {
                write!(f, "{item}")?;
            }
        }
        Ok(())
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        write!(f, "{}", Sep(&self.clauses, " "))
    }
}

impl Display for Clause {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match self {
            Clause::Match(m) => {
                if m.optional {
                    f.write_str("OPTIONAL ")?;
                }
                write!(f, "MATCH {}", Sep(&m.pattern, ", "))?;
                if let Some(w) = &m.where_ {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            Clause::Unwind(u) => write!(f, "UNWIND {} AS {}", u.expr, u.var),
            Clause::With(w) => {
                write!(f, "WITH {}", w.projection)?;
                if let Some(e) = &w.where_ {
                    write!(f, " WHERE {e}")?;
                }
                Ok(())
            }
            Clause::Return(r) => write!(f, "RETURN {}", r.projection),
            Clause::Create(c) => write!(f, "CREATE {}", Sep(&c.pattern, ", ")),
            Clause::Merge(m) => {
                write!(f, "MERGE {}", m.part)?;
                for action in &m.actions {
                    let on = if action.on_create { "CREATE" } else { "MATCH" };
                    write!(f, " ON {on} SET {}", Sep(&action.items, ", "))?;
                }
                Ok(())
            }
            Clause::Set(s) => write!(f, "SET {}", Sep(&s.items, ", ")),
            Clause::Remove(r) => write!(f, "REMOVE {}", Sep(&r.items, ", ")),
            Clause::Delete(d) => {
                if d.detach {
                    f.write_str("DETACH ")?;
                }
                write!(f, "DELETE {}", Sep(&d.exprs, ", "))
            }
        }
    }
}

impl Display for Projection {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        if self.star {
            f.write_str("*")?;
            if !self.items.is_empty() {
                f.write_str(", ")?;
            }
        }
        // Without an alias, a column is named by its expression as written.
        // Texts that differ can print alike (`0x1F` and `31`, `1+2` and
        // `1 + 2`, `n` and `` `n` ``); when printed names would repeat,
        // the items without an alias are printed as written, which gives
        // them the names the parser found unique.
        let names: Vec<String> = self
            .items
            .iter()
            .map(|item| match &item.alias {
                Some(alias) => alias.name.clone(),
                None => item.expr.to_string(),
            })
            .collect();
        let repeated = (1..names.len()).any(|k| names[..k].contains(&names[k]));
        for (k, item) in self.items.iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            if repeated && item.alias.is_none() && !item.written.0.is_empty() {
                f.write_str(&item.written.0)?;
            } else {
                write!(f, "{item}")?;
            }
        }
        if !self.order_by.is_empty() {
            write!(f, " ORDER BY {}", Sep(&self.order_by, ", "))?;
        }
        if let Some(skip) = &self.skip {
            write!(f, " SKIP {skip}")?;
        }
        if let Some(limit) = &self.limit {
            write!(f, " LIMIT {limit}")?;
        }
        Ok(())
    }
}

impl Display for ProjectionItem {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some(alias) = &self.alias {
            write!(f, " AS {alias}")?;
        }
        Ok(())
    }
}

impl Display for SortItem {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if self.descending {
            f.write_str(" DESC")?;
        }
        Ok(())
    }
}

impl Display for SetItem {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match self {
            SetItem::Property { target, value } => {
                write!(f, "{} = {value}", Operand(target, POSTFIX, f.alternate()))
            }
            SetItem::Replace { var, value } => write!(f, "{var} = {value}"),
            SetItem::Merge { var, value } => write!(f, "{var} += {value}"),
            SetItem::Labels { var, labels } => write!(f, "{var}{}", Labels(labels)),
        }
    }
}

impl Display for RemoveItem {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match self {
            RemoveItem::Property(target) => {
                write!(f, "{}", Operand(target, POSTFIX, f.alternate()))
            }
            RemoveItem::Labels { var, labels } => write!(f, "{var}{}", Labels(labels)),
        }
    }
}

/// `:A:B`.
struct Labels<'a>(&'a [Ident]);

impl Display for Labels<'_> {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        for label in self.0 {
            write!(f, ":{label}")?;
        }
        Ok(())
    }
}

impl Display for PatternPart {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        if let Some(var) = &self.var {
            write!(f, "{var} = ")?;
        }
        match self.kind {
            PathKind::Plain => write!(f, "{}", self.element),
            PathKind::Shortest => write!(f, "shortestPath({})", self.element),
            PathKind::AllShortest => write!(f, "allShortestPaths({})", self.element),
        }
    }
}

impl Display for PatternElement {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        write!(f, "{}", self.start)?;
        for (rel, node) in &self.chain {
            write!(f, "{rel}{node}")?;
        }
        Ok(())
    }
}

impl Display for NodePattern {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        f.write_str("(")?;
        if let Some(var) = &self.var {
            write!(f, "{var}")?;
        }
        write!(f, "{}", Labels(&self.labels))?;
        if let Some(props) = &self.props {
            write!(f, " {props}")?;
        }
        f.write_str(")")
    }
}

impl Display for RelPattern {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        f.write_str(if self.direction == Direction::Left {
            "<-["
        } else {
            "-["
        })?;
        if let Some(var) = &self.var {
            write!(f, "{var}")?;
        }
        if !self.types.is_empty() {
            write!(f, ":{}", Sep(&self.types, "|"))?;
        }
        if let Some(length) = self.length {
            write!(f, "{length}")?;
        }
        if let Some(props) = &self.props {
            write!(f, " {props}")?;
        }
        f.write_str(if self.direction == Direction::Right {
            "]->"
        } else {
            "]-"
        })
    }
}

impl Display for RangeLength {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        f.write_str("*")?;
        match (self.min, self.max) {
            (None, None) => Ok(()),
            (Some(a), Some(b)) if a == b => write!(f, "{a}"),
            (min, max) => {
                if let Some(min) = min {
                    write!(f, "{min}")?;
                }
                f.write_str("..")?;
                if let Some(max) = max {
                    write!(f, "{max}")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        write_name(f, &self.name)
    }
}

/// A name, backquoted unless it is a plain identifier and not reserved.
fn write_name(f: &mut Formatter, name: &str) -> fmt::Result {
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_reserved(name);
    if plain {
        f.write_str(name)
    } else {
        write!(f, "`{}`", name.replace('`', "``"))
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(n) => write!(f, "{n}"),
            // `{:?}` keeps a `.` or an exponent (`1.0`, `1e300`).
            Literal::Float(x) => write!(f, "{x:?}"),
            Literal::Str(s) => write_string(f, s),
        }
    }
}

/// A single-quoted string literal with escapes.
fn write_string(f: &mut Formatter, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\'' => f.write_str("\\'")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\U{:08X}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

impl Display for BinaryOp {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        use BinaryOp::*;
        f.write_str(match self {
            Or => "OR",
            Xor => "XOR",
            And => "AND",
            Eq => "=",
            Ne => "<>",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
            Pow => "^",
            In => "IN",
            StartsWith => "STARTS WITH",
            EndsWith => "ENDS WITH",
            Contains => "CONTAINS",
            Regex => "=~",
        })
    }
}

// How tightly each kind of expression binds, by the grammar's levels
// (higher binds tighter).
const OR: u8 = 1;
const XOR: u8 = 2;
const AND: u8 = 3;
const NOT: u8 = 4;
const COMPARISON: u8 = 5;
const PREDICATE: u8 = 6;
const ADD: u8 = 7;
const MUL: u8 = 8;
const POWER: u8 = 9;
const UNARY: u8 = 10;
const POSTFIX: u8 = 11;
const ATOM: u8 = 12;

fn op_level(op: BinaryOp) -> u8 {
    use BinaryOp::*;
    match op {
        Or => OR,
        Xor => XOR,
        And => AND,
        Eq | Ne | Lt | Le | Gt | Ge => COMPARISON,
        In | StartsWith | EndsWith | Contains | Regex => PREDICATE,
        Add | Sub => ADD,
        Mul | Div | Mod => MUL,
        Pow => POWER,
    }
}

/// The level an expression is parsed at (a pattern counts as lowest: it
/// is always bracketed in operand position).
fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, ..) => op_level(*op),
        ExprKind::Unary(UnaryOp::Not, _) => NOT,
        ExprKind::Unary(..) | ExprKind::HasLabels(..) => UNARY,
        ExprKind::IsNull(..) => PREDICATE,
        ExprKind::Pattern(_) => 0,
        ExprKind::Literal(Literal::Int(n)) if *n < 0 => UNARY,
        ExprKind::Literal(Literal::Float(x)) if x.is_sign_negative() => UNARY,
        _ => ATOM,
    }
}

/// Whether the text of `e` starts with a number literal: a number, or a
/// postfix chain (`.key`, `[i]`, `:Label`) on one.
fn starts_with_number(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(Literal::Int(_) | Literal::Float(_)) => true,
        ExprKind::Property(inner, _) | ExprKind::HasLabels(inner, _) => starts_with_number(inner),
        ExprKind::Index(inner, _) | ExprKind::Slice(inner, ..) => starts_with_number(inner),
        _ => false,
    }
}

/// An expression in operand position where the grammar takes expressions
/// of at least the given level: parenthesised when it binds less tightly
/// (with `{:#}`, whenever it is not an atom or an atom followed by postfix
/// operators).
/// The third field asks for the `{:#}` form.
struct Operand<'a>(&'a Expr, u8, bool);

impl Display for Operand<'_> {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        let Operand(e, min, full) = *self;
        if full {
            if level(e) < POSTFIX {
                write!(f, "({e:#})")
            } else {
                write!(f, "{e:#}")
            }
        } else if level(e) < min {
            write!(f, "({e})")
        } else {
            write!(f, "{e}")
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        let full = f.alternate();
        match &self.kind {
            ExprKind::Literal(l) => write!(f, "{l}"),
            ExprKind::Param(name) => {
                f.write_char('$')?;
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
                    f.write_str(name)
                } else {
                    write_name(f, name)
                }
            }
            ExprKind::Var(name) => write_name(f, name),
            ExprKind::List(items) => match items.first() {
                // `[x IN l]` would read back as a list comprehension.
                Some(
                    first @ Expr {
                        kind: ExprKind::Binary(BinaryOp::In, left, _),
                        ..
                    },
                ) if matches!(left.kind, ExprKind::Var(_)) => {
                    let rest = items.get(1..).unwrap_or_default();
                    let comma = if rest.is_empty() { "" } else { ", " };
                    write!(f, "[({first}){comma}{}]", Sep(rest, ", "))
                }
                _ if full => write!(f, "[{:#}]", Sep(items, ", ")),
                _ => write!(f, "[{}]", Sep(items, ", ")),
            },
            ExprKind::Map(entries) => {
                f.write_char('{')?;
                for (n, (key, value)) in entries.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key}: {value}")?;
                }
                f.write_char('}')
            }
            ExprKind::Property(target, key) => {
                write!(f, "{}.{key}", Operand(target, POSTFIX, f.alternate()))
            }
            ExprKind::Index(target, index) => {
                write!(f, "{}[{index}]", Operand(target, POSTFIX, f.alternate()))
            }
            ExprKind::Slice(target, from, to) => {
                write!(f, "{}[", Operand(target, POSTFIX, f.alternate()))?;
                if let Some(from) = from {
                    write!(f, "{from}")?;
                }
                f.write_str("..")?;
                if let Some(to) = to {
                    write!(f, "{to}")?;
                }
                f.write_char(']')
            }
            ExprKind::Binary(op, left, right) => {
                // Every level is read left to right, so a left operand on
                // the operator's own level needs no brackets; comparisons
                // are the exception (`a < b < c` reads as `a < b AND b < c`).
                let level = op_level(*op);
                let (left_min, right_min) = match level {
                    COMPARISON => (PREDICATE, PREDICATE),
                    PREDICATE => (PREDICATE, ADD),
                    POWER => (POWER, UNARY),
                    _ => (level, level + 1),
                };
                write!(
                    f,
                    "{} {op} {}",
                    Operand(left, left_min, full),
                    Operand(right, right_min, full)
                )
            }
            ExprKind::Unary(UnaryOp::Not, operand) => {
                write!(f, "NOT {}", Operand(operand, NOT, full))
            }
            ExprKind::Unary(op, operand) => {
                f.write_char(if *op == UnaryOp::Neg { '-' } else { '+' })?;
                // `-1` or `-1.x` would read back as the literal -1 (and
                // its postfix operators), so a number on the left of the
                // operand is bracketed.
                if starts_with_number(operand) {
                    write!(f, "({operand})")
                } else {
                    write!(f, "{}", Operand(operand, UNARY, full))
                }
            }
            ExprKind::IsNull(operand, not) => {
                let not = if *not { " NOT" } else { "" };
                write!(f, "{} IS{not} NULL", Operand(operand, PREDICATE, full))
            }
            ExprKind::HasLabels(operand, labels) => {
                write!(f, "{}{}", Operand(operand, POSTFIX, full), Labels(labels))
            }
            ExprKind::Call {
                name,
                distinct,
                args,
            } => {
                let distinct = if *distinct { "DISTINCT " } else { "" };
                if full {
                    write!(f, "{name}({distinct}{:#})", Sep(args, ", "))
                } else {
                    write!(f, "{name}({distinct}{})", Sep(args, ", "))
                }
            }
            ExprKind::CountStar => f.write_str("count(*)"),
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                f.write_str("CASE")?;
                if let Some(operand) = operand {
                    write!(f, " {operand}")?;
                }
                for (when, then) in whens {
                    write!(f, " WHEN {when} THEN {then}")?;
                }
                if let Some(else_) = else_ {
                    write!(f, " ELSE {else_}")?;
                }
                f.write_str(" END")
            }
            ExprKind::ListComprehension {
                var,
                list,
                filter,
                map,
            } => {
                write!(f, "[{var} IN {list}")?;
                if let Some(filter) = filter {
                    write!(f, " WHERE {filter}")?;
                }
                if let Some(map) = map {
                    write!(f, " | {map}")?;
                }
                f.write_char(']')
            }
            ExprKind::MapProjection { var, items } => {
                write!(f, "{var} {{{}}}", Sep(items, ", "))
            }
            ExprKind::Pattern(part) => write!(f, "{part}"),
        }
    }
}

impl Display for MapProjectionItem {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match self {
            MapProjectionItem::Property(key) => write!(f, ".{key}"),
            MapProjectionItem::Literal(key, value) => write!(f, "{key}: {value}"),
            MapProjectionItem::Variable(var) => write!(f, "{var}"),
            MapProjectionItem::AllProperties => f.write_str(".*"),
        }
    }
}
