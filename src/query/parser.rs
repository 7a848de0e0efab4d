//! Query text -> [`Script`]: a nom parser with one function per grammar rule.
//!
//! The grammar, in openCypher's EBNF style (`[x]` optional, `{x}` repeated,
//! keywords case-insensitive and ending at a word boundary, whitespace and
//! `//` / `/* */` comments allowed between any two tokens):
//!
//! ```text
//! Script               = [Statement] { ';' [Statement] } ;
//! Statement            = [EXPLAIN | PROFILE] [AsOf] StatementBody [AsOf] ;
//!                        (the second AsOf only after an ownership statement,
//!                         and never together with the first)
//! AsOf                 = AS OF Date ;
//! Date                 = StringLiteral | Parameter | BareDate ;
//! BareDate             = Digit Digit Digit Digit [ '-' Digit Digit [ '-' Digit Digit ] ] ;
//! StatementBody        = Owners | Holdings | PathStatement | Query ;
//! Owners               = OWNERS OF Name [ULTIMATE [HISTORY]] ;
//! Holdings             = HOLDINGS OF Name [ULTIMATE [HISTORY]] ;
//! PathStatement        = PATH FROM Name TO Name [VIA SymbolicName {'|' SymbolicName}]
//!                        [MAX IntegerLiteral] ;
//! Name                 = StringLiteral | Parameter ;
//!
//! Query                = Clause {Clause} ;                  (RETURN only last)
//! Clause               = Match | Unwind | With | Return | Create | Merge
//!                      | Set | Remove | Delete ;
//! Match                = [OPTIONAL] MATCH Pattern [Where] ;
//! Unwind               = UNWIND Expression AS Variable ;
//! With                 = WITH ProjectionBody [Where] ;
//! Return               = RETURN ProjectionBody ;
//! ProjectionBody       = [DISTINCT] ProjectionItems [Order] [Skip] [Limit] ;
//! ProjectionItems      = ( '*' | ProjectionItem ) { ',' ProjectionItem } ;
//! ProjectionItem       = Expression [AS Variable] ;
//! Order                = ORDER BY SortItem { ',' SortItem } ;
//! SortItem             = Expression [ASCENDING | ASC | DESCENDING | DESC] ;
//! Skip                 = SKIP Expression ;
//! Limit                = LIMIT Expression ;
//! Where                = WHERE Expression ;
//! Create               = CREATE Pattern ;
//! Merge                = MERGE PatternPart { MergeAction } ;
//! MergeAction          = ON ( MATCH | CREATE ) Set ;
//! Set                  = SET SetItem { ',' SetItem } ;
//! SetItem              = PropertyExpression '=' Expression
//!                      | Variable ( '=' | '+=' ) Expression
//!                      | Variable NodeLabels ;
//! Remove               = REMOVE RemoveItem { ',' RemoveItem } ;
//! RemoveItem           = Variable NodeLabels | PropertyExpression ;
//! Delete               = [DETACH] DELETE Expression { ',' Expression } ;
//! PropertyExpression   = Atom { PropertyLookup } PropertyLookup ;
//!
//! Pattern              = PatternPart { ',' PatternPart } ;
//! PatternPart          = [Variable '='] ( ShortestPathPattern | PatternElement ) ;
//! ShortestPathPattern  = ( shortestPath | allShortestPaths ) '(' PatternElement ')' ;
//! PatternElement       = NodePattern { RelationshipPattern NodePattern } ;
//! NodePattern          = '(' [Variable] [NodeLabels] [Properties] ')' ;
//! RelationshipPattern  = ['<'] '-' [RelationshipDetail] '-' ['>'] ;
//! RelationshipDetail   = '[' [Variable] [RelationshipTypes] [RangeLiteral] [Properties] ']' ;
//! RelationshipTypes    = ':' SymbolicName { '|' [':'] SymbolicName } ;
//! NodeLabels           = ':' SymbolicName { ':' SymbolicName } ;
//! RangeLiteral         = '*' [IntegerLiteral] [ '..' [IntegerLiteral] ] ;
//! Properties           = MapLiteral | Parameter ;
//!
//! Expression           = OrExpression ;
//! OrExpression         = XorExpression { OR XorExpression } ;
//! XorExpression        = AndExpression { XOR AndExpression } ;
//! AndExpression        = NotExpression { AND NotExpression } ;
//! NotExpression        = { NOT } ComparisonExpression ;
//! ComparisonExpression = PredicateExpression { ( '=' | '<>' | '<' | '<=' | '>' | '>=' )
//!                        PredicateExpression } ;   (a < b < c is a < b AND b < c)
//! PredicateExpression  = AddExpression { ( STARTS WITH | ENDS WITH | CONTAINS | IN | '=~' )
//!                        AddExpression | IS [NOT] NULL } ;
//! AddExpression        = MulExpression { ( '+' | '-' ) MulExpression } ;
//! MulExpression        = PowerExpression { ( '*' | '/' | '%' ) PowerExpression } ;
//! PowerExpression      = UnaryExpression { '^' UnaryExpression } ;
//! UnaryExpression      = ( '+' | '-' ) UnaryExpression | PostfixExpression ;
//! PostfixExpression    = Atom { PropertyLookup | ListOperator | NodeLabels } ;
//! PropertyLookup       = '.' SymbolicName ;
//! ListOperator         = '[' Expression ']' | '[' [Expression] '..' [Expression] ']' ;
//! Atom                 = NumberLiteral | StringLiteral | Parameter | BooleanLiteral | NULL
//!                      | CaseExpression | count '(' '*' ')' | ListComprehension | ListLiteral
//!                      | MapLiteral | ShortestPathPattern | PatternExpression
//!                      | '(' Expression ')' | FunctionInvocation | MapProjection | Variable ;
//! CaseExpression       = CASE [Expression] CaseAlternative { CaseAlternative }
//!                        [ELSE Expression] END ;
//! CaseAlternative      = WHEN Expression THEN Expression ;
//! ListLiteral          = '[' [ Expression { ',' Expression } ] ']' ;
//! ListComprehension    = '[' Variable IN Expression [WHERE Expression] ['|' Expression] ']' ;
//! MapLiteral           = '{' [ SymbolicName ':' Expression { ',' SymbolicName ':' Expression } ] '}' ;
//! MapProjection        = Variable '{' [ MapProjectionItem { ',' MapProjectionItem } ] '}' ;
//! MapProjectionItem    = '.' '*' | '.' SymbolicName | SymbolicName ':' Expression | Variable ;
//! FunctionInvocation   = SymbolicName '(' [DISTINCT] [ Expression { ',' Expression } ] ')' ;
//! PatternExpression    = NodePattern RelationshipPattern NodePattern
//!                        { RelationshipPattern NodePattern } ;
//! Parameter            = '$' ( SymbolicName | Digit {Digit} ) ;
//! NumberLiteral        = '0x' HexDigit {HexDigit} | '0o' OctDigit {OctDigit}
//!                      | Digit {Digit} [ '.' Digit {Digit} ] [Exponent]
//!                      | '.' Digit {Digit} [Exponent] ;
//! Exponent             = ( 'e' | 'E' ) [ '+' | '-' ] Digit {Digit} ;
//! StringLiteral        = "'" { char | Escape } "'" | '"' { char | Escape } '"' ;
//! Escape               = '\' ( '\' | "'" | '"' | 'n' | 't' | 'r' | 'b' | 'f'
//!                      | 'u' HexDigit*4 | 'U' HexDigit*8 ) ;
//! SymbolicName         = ( Letter | '_' ) { Letter | Digit | '_' }
//!                      | '`' { char | '``' } '`' ;
//! Variable             = SymbolicName ;   (a reserved word only when backquoted)
//! ```
//!
//! A few rules that openCypher states as semantic errors are checked here
//! because they need nothing but the clause itself: relationships in
//! `CREATE` and `MERGE` have exactly one type and a fixed length (and in
//! `CREATE` a direction), `MATCH` and `MERGE` take no `$param` as
//! properties, `WITH` items other than variables need an alias, column names
//! are unique, `SKIP` and `LIMIT` are constant non-negative integers, and
//! `DELETE` takes no label expression.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use nom::combinator::{cut, opt};
use nom::error::{ErrorKind, ParseError};
use nom::multi::separated_list1;
use nom::sequence::preceded;
use nom::{Err, IResult, Slice};
use nom_locate::LocatedSpan;

use super::ast::*;
use super::error::SyntaxError;

/// How deeply rules may nest before the text is rejected, unless the
/// caller sets another limit ([`parse_script_limited`], `--max-nesting`).
/// Each bracket counts, and so does each operator still waiting for its
/// operand: a bracket costs about three levels, so some 80 nested brackets
/// fit (the TCK nests maps 40 deep). A chain of operators that groups to
/// the left (`1 + 2 + 3 ...`, `a.b.c ...`) may be as deep as the limit.
pub const MAX_NESTING: usize = 256;

/// The highest nesting limit a caller may set: deeper syntax trees would
/// risk the stack of the passes that walk them.
pub const MAX_NESTING_CEILING: usize = 1000;

/// Stack that must be left when an expression rule starts; with less, the
/// rule continues on a new segment of [`STACK_GROWTH`] bytes. One nesting
/// level of a debug build takes up to about 50 KiB.
const RED_ZONE: usize = 128 * 1024;

/// Size of each stack segment added by `stacker`.
const STACK_GROWTH: usize = 2 * 1024 * 1024;

/// Parses a whole script: statements separated by `;` (a trailing `;`
/// allowed, empty statements skipped), with `//` line and `/* */` block
/// comments anywhere whitespace is allowed.
pub fn parse_script(text: &str) -> Result<Script, SyntaxError> {
    run(text, MAX_NESTING, script)
}

/// [`parse_script`] with another nesting limit than [`MAX_NESTING`]
/// (at most [`MAX_NESTING_CEILING`]); the error past it names
/// `--max-nesting`, the option of `kg` that sets it.
pub fn parse_script_limited(text: &str, max_nesting: usize) -> Result<Script, SyntaxError> {
    run(text, max_nesting.min(MAX_NESTING_CEILING), script)
}

/// Parses exactly one statement (a trailing `;` allowed).
pub fn parse_statement(text: &str) -> Result<Statement, SyntaxError> {
    run(text, MAX_NESTING, |i| {
        let (i, statement) = statement(i)?;
        let (i, _) = opt(sym(";"))(i)?;
        let (i, _) = end_of_input(i)?;
        Ok((i, statement))
    })
}

/// Runs `rule` over the whole of `text` and turns a failure into a
/// [`SyntaxError`] at the furthest place any token was tried.
fn run<O>(
    text: &str,
    max_nesting: usize,
    rule: impl FnOnce(Input) -> PResult<O>,
) -> Result<O, SyntaxError> {
    let state = State {
        max_nesting,
        ..State::default()
    };
    let input = Input::new_extra(text, &state);
    match rule(input) {
        Ok((_, out)) => Ok(out),
        Err(Err::Error(e) | Err::Failure(e)) => {
            if let Some(message) = e.message {
                let mut err = SyntaxError::message(e.offset, message);
                err.code = e.code;
                return Err(err);
            }
            let furthest = state.furthest.into_inner();
            if furthest.offset >= e.offset && !furthest.expected.is_empty() {
                Err(SyntaxError::expected(furthest.offset, furthest.expected))
            } else {
                Err(SyntaxError::expected(e.offset, e.expected))
            }
        }
        Err(Err::Incomplete(_)) => Err(SyntaxError::message(text.len(), "unexpected end")),
    }
}

// ---------------------------------------------------------------------------
// Input, errors and tokens

/// The text still to parse, with its offset and the parse state.
type Input<'a> = LocatedSpan<&'a str, &'a State>;

/// What every rule returns.
type PResult<'a, O> = IResult<Input<'a>, O, PError>;

/// State shared by all rules of one parse.
#[derive(Default)]
struct State {
    /// How many nested rules are open (see [`MAX_NESTING`]).
    depth: Cell<usize>,
    /// How many may be open; also the deepest syntax tree a chain of
    /// operators may build.
    max_nesting: usize,
    /// The furthest place a token was expected, and what was.
    furthest: RefCell<Furthest>,
    /// What [`parenthesized_or_pattern`] gave at each offset.
    parenthesized: RefCell<HashMap<usize, Parenthesized>>,
}

/// What [`parenthesized_or_pattern`] gave: the end offset and the
/// expression, or the error.
type Parenthesized = Result<(usize, Expr), Err<PError>>;

/// The furthest offset where a token failed to match, with the tokens tried.
#[derive(Default)]
struct Furthest {
    offset: usize,
    expected: Vec<String>,
}

/// A rule's failure: where, what was expected, or a message of its own.
#[derive(Debug, Clone)]
struct PError {
    offset: usize,
    expected: Vec<String>,
    message: Option<String>,
    /// The openCypher error code of a message, when there is one.
    code: Option<&'static str>,
}

impl<'a> ParseError<Input<'a>> for PError {
    fn from_error_kind(input: Input<'a>, _kind: ErrorKind) -> Self {
        PError {
            offset: input.location_offset(),
            expected: Vec::new(),
            message: None,
            code: None,
        }
    }

    fn append(_input: Input<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(mut self, other: Self) -> Self {
        if other.offset > self.offset {
            return other;
        }
        if other.offset == self.offset {
            self.expected.extend(other.expected);
        }
        self
    }
}

fn offset(i: &Input) -> usize {
    i.location_offset()
}

/// Notes that `label` was expected at `i` (for the error message).
fn record(i: &Input, label: &str) {
    let at = offset(i);
    let mut furthest = i.extra.furthest.borrow_mut();
    if at > furthest.offset {
        furthest.offset = at;
        furthest.expected.clear();
    }
    if at == furthest.offset && !furthest.expected.iter().any(|e| e == label) {
        furthest.expected.push(label.to_string());
    }
}

/// A recoverable failure at `i`, expecting `label`.
fn expected<'a, O>(i: &Input<'a>, label: &str) -> PResult<'a, O> {
    record(i, label);
    Err(Err::Error(PError {
        offset: offset(i),
        expected: vec![label.to_string()],
        message: None,
        code: None,
    }))
}

/// An unrecoverable failure at byte `at` with its own message.
fn failure<'a, O>(at: usize, message: impl Into<String>) -> PResult<'a, O> {
    Err(reject(at, message))
}

/// A [`failure`] with the openCypher error code it stands for.
fn failure_code<'a, O>(
    at: usize,
    code: &'static str,
    message: impl Into<String>,
) -> PResult<'a, O> {
    Err(reject_code(at, code, message))
}

/// A [`reject`] with the openCypher error code it stands for.
fn reject_code(at: usize, code: &'static str, message: impl Into<String>) -> Err<PError> {
    Err::Failure(PError {
        offset: at,
        expected: Vec::new(),
        message: Some(message.into()),
        code: Some(code),
    })
}

/// The error of [`failure`], for rules that return no input.
fn reject(at: usize, message: impl Into<String>) -> Err<PError> {
    Err::Failure(PError {
        offset: at,
        expected: Vec::new(),
        message: Some(message.into()),
        code: None,
    })
}

/// Skips `n` bytes (`n` is always at a character boundary here).
fn advance(i: Input, n: usize) -> Input {
    i.slice(n..)
}

/// One more level of nesting, undone when the guard is dropped.
struct Nesting<'a>(&'a Cell<usize>);

impl Drop for Nesting<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

/// Opens a nesting level, failing past the limit.
fn nest<'a>(i: &Input<'a>) -> Result<Nesting<'a>, Err<PError>> {
    let depth = &i.extra.depth;
    if depth.get() >= i.extra.max_nesting {
        return Err(too_deep(i));
    }
    depth.set(depth.get() + 1);
    Ok(Nesting(depth))
}

/// The error of nesting past the limit, at `i`.
fn too_deep(i: &Input) -> Err<PError> {
    let max = i.extra.max_nesting;
    reject(
        offset(i),
        format!("nesting deeper than {max} levels (the limit of --max-nesting, {max} here)"),
    )
}

/// Fails when a chain of operators that groups to the left has made a
/// syntax tree deeper than the nesting limit allows at this level
/// (`depth` is the tree's depth, `i` where the next operator stands):
/// the open rules and the tree together stay within the limit, so that
/// no syntax tree is much deeper than the limit.
fn check_chain<'a>(i: &Input<'a>, depth: usize) -> Result<(), Err<PError>> {
    if depth + i.extra.depth.get() > i.extra.max_nesting {
        return Err(too_deep(i));
    }
    Ok(())
}

/// Whitespace and comments: `// to end of line` and `/* ... */`.
fn ws(i: Input) -> PResult<()> {
    let mut i = i;
    loop {
        let text = *i.fragment();
        let trimmed = text.trim_start();
        i = advance(i, text.len() - trimmed.len());
        if trimmed.starts_with("//") {
            let len = trimmed.find('\n').unwrap_or(trimmed.len());
            i = advance(i, len);
        } else if let Some(body) = trimmed.strip_prefix("/*") {
            match body.find("*/") {
                Some(end) => i = advance(i, end + 4),
                None => return failure(offset(&i), "unterminated comment"),
            }
        } else {
            return Ok((i, ()));
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The punctuation `s`, after optional whitespace.
fn sym<'a>(s: &'static str) -> impl Fn(Input<'a>) -> PResult<'a, Span> {
    move |i| {
        let (i, _) = ws(i)?;
        if i.fragment().starts_with(s) {
            let start = offset(&i);
            let rest = advance(i, s.len());
            Ok((rest, Span::new(start, start + s.len())))
        } else {
            expected(&i, &format!("'{s}'"))
        }
    }
}

/// Length of keyword `word` at the start of `text`, if it is there as a
/// whole word (case-insensitive).
fn keyword_len(text: &str, word: &str) -> Option<usize> {
    let head = text.get(..word.len())?;
    let next = text.get(word.len()..)?.chars().next();
    (head.eq_ignore_ascii_case(word) && !next.is_some_and(is_ident_char)).then_some(word.len())
}

/// The keyword `word` (upper case), case-insensitive, ending at a word
/// boundary, after optional whitespace.
fn kw<'a>(word: &'static str) -> impl Fn(Input<'a>) -> PResult<'a, Span> {
    move |i| {
        let (i, _) = ws(i)?;
        match keyword_len(i.fragment(), word) {
            Some(len) => {
                let start = offset(&i);
                Ok((advance(i, len), Span::new(start, start + len)))
            }
            None => expected(&i, word),
        }
    }
}

/// Words that name no variable unless backquoted.
const RESERVED: &[&str] = &[
    "ALL",
    "AND",
    "AS",
    "ASC",
    "ASCENDING",
    "BY",
    "CASE",
    "CONTAINS",
    "CREATE",
    "DELETE",
    "DESC",
    "DESCENDING",
    "DETACH",
    "DISTINCT",
    "ELSE",
    "END",
    "ENDS",
    "FALSE",
    "IN",
    "IS",
    "LIMIT",
    "MATCH",
    "MERGE",
    "NOT",
    "NULL",
    "ON",
    "OPTIONAL",
    "OR",
    "ORDER",
    "REMOVE",
    "RETURN",
    "SET",
    "SKIP",
    "STARTS",
    "THEN",
    "TRUE",
    "UNION",
    "UNWIND",
    "WHEN",
    "WHERE",
    "WITH",
    "XOR",
];

/// Whether `name` is a reserved word (the list `RESERVED`).
pub fn is_reserved(name: &str) -> bool {
    RESERVED.iter().any(|w| w.eq_ignore_ascii_case(name))
}

/// `SymbolicName = ( Letter | '_' ) { Letter | Digit | '_' } | '`' { char | '``' } '`'`
///
/// Returns the name and whether it was backquoted.
fn symbolic_name_quoted(i: Input) -> PResult<(Ident, bool)> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let text = *i.fragment();
    if let Some(body) = text.strip_prefix('`') {
        let mut name = String::new();
        let mut chars = body.char_indices();
        while let Some((at, c)) = chars.next() {
            if c != '`' {
                name.push(c);
            } else if body.get(at + 1..).is_some_and(|r| r.starts_with('`')) {
                name.push('`');
                chars.next();
            } else {
                let rest = advance(i, at + 2);
                let span = Span::new(start, offset(&rest));
                return Ok((rest, (Ident { name, span }, true)));
            }
        }
        return failure(start, "unterminated backquoted name");
    }
    match text.chars().next() {
        Some(c) if is_ident_start(c) => {
            let len = text
                .char_indices()
                .find(|&(_, c)| !is_ident_char(c))
                .map_or(text.len(), |(at, _)| at);
            let name = text.get(..len).unwrap_or("").to_string();
            let rest = advance(i, len);
            Ok((
                rest,
                (Ident::new(name, Span::new(start, start + len)), false),
            ))
        }
        _ => expected(&i, "a name"),
    }
}

impl Ident {
    fn new(name: String, span: Span) -> Self {
        Ident { name, span }
    }
}

/// `SymbolicName`: a label, type, property key or function name (reserved
/// words allowed).
fn symbolic_name(i: Input) -> PResult<Ident> {
    let (i, (name, _)) = symbolic_name_quoted(i)?;
    Ok((i, name))
}

/// `Variable = SymbolicName`, a reserved word only when backquoted.
fn variable(i: Input) -> PResult<Ident> {
    let (i, _) = ws(i)?;
    match symbolic_name_quoted(i) {
        Ok((rest, (name, quoted))) if quoted || !is_reserved(&name.name) => Ok((rest, name)),
        Ok(_) => expected(&i, "a variable"),
        Err(Err::Error(_)) => expected(&i, "a variable"),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------
// Statements

/// `Script = [Statement] { ';' [Statement] }`
fn script(i: Input) -> PResult<Script> {
    let mut statements = Vec::new();
    let mut i = i;
    loop {
        let (rest, _) = ws(i)?;
        i = rest;
        if i.fragment().is_empty() {
            break;
        }
        if let Ok((rest, _)) = sym(";")(i) {
            i = rest;
            continue;
        }
        let (rest, stmt) = statement(i)?;
        statements.push(stmt);
        i = rest;
        let (rest, _) = ws(i)?;
        if rest.fragment().is_empty() {
            break;
        }
        match sym(";")(rest) {
            Ok((rest, _)) => i = rest,
            Err(_) => {
                record(&rest, "end of input");
                return expected(&rest, "';'");
            }
        }
    }
    Ok((i, Script { statements }))
}

/// End of the text (after optional whitespace).
fn end_of_input(i: Input) -> PResult<()> {
    let (i, _) = ws(i)?;
    if i.fragment().is_empty() {
        Ok((i, ()))
    } else {
        expected(&i, "end of input")
    }
}

/// `Statement = [EXPLAIN | PROFILE] [AsOf] StatementBody [AsOf]`
fn statement(i: Input) -> PResult<Statement> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let (i, mode) = opt(explain_mode)(i)?;
    let (i, before) = opt(as_of)(i)?;
    let (i, body) = statement_body(i)?;
    let (i, after) = match body {
        StatementBody::Query(_) => (i, None),
        _ => opt(as_of)(i)?,
    };
    let as_of = match (before, after) {
        (Some(_), Some(second)) => return failure(second.span.start, "AS OF given twice"),
        (first, second) => first.or(second),
    };
    let span = Span::new(start, offset(&i));
    Ok((
        i,
        Statement {
            mode,
            as_of,
            body,
            span,
        },
    ))
}

/// `EXPLAIN | PROFILE`
fn explain_mode(i: Input) -> PResult<ExplainMode> {
    if let Ok((i, _)) = kw("EXPLAIN")(i) {
        return Ok((i, ExplainMode::Explain));
    }
    let (i, _) = kw("PROFILE")(i)?;
    Ok((i, ExplainMode::Profile))
}

/// `AsOf = AS OF Date`; the result's span starts at `AS`.
fn as_of(i: Input) -> PResult<Expr> {
    let (i, as_span) = kw("AS")(i)?;
    let (i, _) = cut(kw("OF"))(i)?;
    let (i, mut date) = cut(date)(i)?;
    date.span = as_span.to(date.span);
    Ok((i, date))
}

/// `Date = StringLiteral | Parameter | BareDate`
fn date(i: Input) -> PResult<Expr> {
    let (i, _) = ws(i)?;
    if let Ok(found) = bare_date(i) {
        return Ok(found);
    }
    name(i).or_else(|_| expected(&i, "a date"))
}

/// `BareDate = Digit*4 [ '-' Digit*2 [ '-' Digit*2 ] ]`, kept as a string.
fn bare_date(i: Input) -> PResult<Expr> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let text = *i.fragment();
    let digits = |from: usize, n: usize| {
        text.get(from..from + n)
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
    };
    if !digits(0, 4) {
        return expected(&i, "a date");
    }
    let mut len = 4;
    for _ in 0..2 {
        if text.get(len..).is_some_and(|r| r.starts_with('-')) && digits(len + 1, 2) {
            len += 3;
        } else {
            break;
        }
    }
    if text
        .get(len..)
        .and_then(|r| r.chars().next())
        .is_some_and(|c| is_ident_char(c) || c == '-' || c == '.')
    {
        return expected(&i, "a date");
    }
    let value = text.get(..len).unwrap_or("").to_string();
    let rest = advance(i, len);
    Ok((
        rest,
        lit(Literal::Str(value), Span::new(start, start + len)),
    ))
}

/// `Name = StringLiteral | Parameter`
fn name(i: Input) -> PResult<Expr> {
    let (i, _) = ws(i)?;
    match i.fragment().chars().next() {
        Some('\'' | '"') => string_literal(i),
        Some('$') => parameter(i),
        _ => expected(&i, "a name ('...' or $parameter)"),
    }
}

/// `StatementBody = Owners | Holdings | PathStatement | Query`
fn statement_body(i: Input) -> PResult<StatementBody> {
    if let Ok((i, _)) = kw("OWNERS")(i) {
        let (i, st) = cut(ownership_statement)(i)?;
        return Ok((i, StatementBody::Owners(st)));
    }
    if let Ok((i, _)) = kw("HOLDINGS")(i) {
        let (i, st) = cut(ownership_statement)(i)?;
        return Ok((i, StatementBody::Holdings(st)));
    }
    if let Ok((i, _)) = kw("PATH")(i) {
        if let Ok((i, _)) = kw("FROM")(i) {
            let (i, st) = cut(path_statement)(i)?;
            return Ok((i, StatementBody::Path(st)));
        }
    }
    let (i, q) = query(i)?;
    Ok((i, StatementBody::Query(q)))
}

/// `OF Name [ULTIMATE [HISTORY]]`, the rest of `Owners` and `Holdings`.
fn ownership_statement(i: Input) -> PResult<OwnershipStatement> {
    let (i, _) = kw("OF")(i)?;
    let (i, name) = name(i)?;
    let (i, ultimate) = opt(kw("ULTIMATE"))(i)?;
    let (i, history) = match ultimate {
        Some(_) => opt(kw("HISTORY"))(i)?,
        None if kw("HISTORY")(i).is_ok() => {
            return failure(
                offset(&i) + (i.fragment().len() - i.fragment().trim_start().len()),
                "HISTORY follows ULTIMATE: the history is of the ultimate owners (OWNERS OF 'name' ULTIMATE HISTORY)",
            )
        }
        None => (i, None),
    };
    Ok((
        i,
        OwnershipStatement {
            name,
            ultimate: ultimate.is_some(),
            history: history.is_some(),
        },
    ))
}

/// `Name TO Name [VIA SymbolicName {'|' SymbolicName}] [MAX IntegerLiteral]`,
/// the rest of `PathStatement` after `PATH FROM`.
fn path_statement(i: Input) -> PResult<PathStatement> {
    let (i, from) = name(i)?;
    let (i, _) = kw("TO")(i)?;
    let (i, to) = name(i)?;
    let (i, via) = opt(preceded(
        kw("VIA"),
        cut(separated_list1(sym("|"), symbolic_name)),
    ))(i)?;
    let (i, max) = opt(preceded(kw("MAX"), cut(unsigned_integer)))(i)?;
    Ok((
        i,
        PathStatement {
            from,
            to,
            via: via.unwrap_or_default(),
            max,
        },
    ))
}

// ---------------------------------------------------------------------------
// Clauses

/// `Query = Clause {Clause}`
fn query(i: Input) -> PResult<Query> {
    let (mut i, first) = clause(i)?;
    let mut clauses = vec![first];
    loop {
        let (at, _) = ws(i)?;
        match clause(at) {
            Ok((rest, c)) => {
                if let Some(Clause::Return(_)) = clauses.last() {
                    return failure(offset(&at), "RETURN must be the last clause");
                }
                clauses.push(c);
                i = rest;
            }
            Err(Err::Error(_)) => return Ok((i, Query { clauses })),
            Err(e) => return Err(e),
        }
    }
}

/// `Clause = Match | Unwind | With | Return | Create | Merge | Set | Remove | Delete`
fn clause(i: Input) -> PResult<Clause> {
    let (i, _) = ws(i)?;
    let text = *i.fragment();
    let starts = |w: &str| keyword_len(text, w).is_some();
    if starts("MATCH") || starts("OPTIONAL") {
        match_clause(i)
    } else if starts("UNWIND") {
        unwind(i)
    } else if starts("WITH") {
        with(i)
    } else if starts("RETURN") {
        return_clause(i)
    } else if starts("CREATE") {
        create(i)
    } else if starts("MERGE") {
        merge(i)
    } else if starts("SET") {
        set(i)
    } else if starts("REMOVE") {
        remove(i)
    } else if starts("DELETE") || starts("DETACH") {
        delete(i)
    } else {
        expected(&i, "a clause")
    }
}

/// `Match = [OPTIONAL] MATCH Pattern [Where]`
fn match_clause(i: Input) -> PResult<Clause> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let (i, optional) = opt(kw("OPTIONAL"))(i)?;
    let (i, _) = cut(kw("MATCH"))(i)?;
    let (i, pattern) = cut(pattern)(i)?;
    no_parameter_properties(&pattern, "MATCH")?;
    let (i, where_) = opt(where_clause)(i)?;
    let span = Span::new(start, offset(&i));
    Ok((
        i,
        Clause::Match(Match {
            optional: optional.is_some(),
            pattern,
            where_,
            span,
        }),
    ))
}

/// `Where = WHERE Expression`
fn where_clause(i: Input) -> PResult<Expr> {
    preceded(kw("WHERE"), cut(expression))(i)
}

/// `Unwind = UNWIND Expression AS Variable`
fn unwind(i: Input) -> PResult<Clause> {
    let (i, start) = kw("UNWIND")(i)?;
    let (i, expr) = cut(expression)(i)?;
    let (i, _) = cut(kw("AS"))(i)?;
    let (i, var) = cut(variable)(i)?;
    let span = Span::new(start.start, offset(&i));
    Ok((i, Clause::Unwind(Unwind { expr, var, span })))
}

/// `With = WITH ProjectionBody [Where]`
fn with(i: Input) -> PResult<Clause> {
    let (i, start) = kw("WITH")(i)?;
    let (i, projection) = cut(|i| projection_body(i, true))(i)?;
    let (i, where_) = opt(where_clause)(i)?;
    let span = Span::new(start.start, offset(&i));
    Ok((
        i,
        Clause::With(With {
            projection,
            where_,
            span,
        }),
    ))
}

/// `Return = RETURN ProjectionBody`
fn return_clause(i: Input) -> PResult<Clause> {
    let (i, start) = kw("RETURN")(i)?;
    let (i, projection) = cut(|i| projection_body(i, false))(i)?;
    let span = Span::new(start.start, offset(&i));
    Ok((i, Clause::Return(Return { projection, span })))
}

/// `ProjectionBody = [DISTINCT] ProjectionItems [Order] [Skip] [Limit]`;
/// in `WITH`, items other than variables need an alias.
fn projection_body(i: Input, in_with: bool) -> PResult<Projection> {
    let (i, distinct) = opt(kw("DISTINCT"))(i)?;
    let (i, star) = opt(sym("*"))(i)?;
    let (mut i, mut items) = match star {
        Some(_) => (i, Vec::new()),
        None => {
            let (i, item) = projection_item(i)?;
            (i, vec![item])
        }
    };
    while let Ok((rest, _)) = sym(",")(i) {
        let (rest, item) = cut(projection_item)(rest)?;
        items.push(item);
        i = rest;
    }
    let mut names: Vec<String> = Vec::new();
    for item in &items {
        let name = match &item.alias {
            Some(alias) => alias.name.clone(),
            None => {
                if in_with && !matches!(item.expr.kind, ExprKind::Var(_)) {
                    return failure_code(
                        item.span.start,
                        "NoExpressionAlias",
                        "an expression in WITH needs an alias (AS name)",
                    );
                }
                item.written.0.clone()
            }
        };
        if names.contains(&name) {
            return failure_code(
                item.span.start,
                "ColumnNameConflict",
                format!("column name `{name}` used twice"),
            );
        }
        names.push(name);
    }
    let (i, order_by) = opt(order)(i)?;
    let (i, skip) = opt(|i| count_argument(i, "SKIP"))(i)?;
    let (i, limit) = opt(|i| count_argument(i, "LIMIT"))(i)?;
    Ok((
        i,
        Projection {
            distinct: distinct.is_some(),
            star: star.is_some(),
            items,
            order_by: order_by.unwrap_or_default(),
            skip,
            limit,
        },
    ))
}

/// The text of `span`, read from the input the span lies in.
fn source_text<'a>(i: &Input<'a>, span: Span) -> &'a str {
    let base = offset(i);
    let text: &'a str = i.fragment();
    text.get(span.start.saturating_sub(base)..span.end.saturating_sub(base))
        .unwrap_or("")
}

/// `ProjectionItem = Expression [AS Variable]`
fn projection_item(i: Input) -> PResult<ProjectionItem> {
    let source = i;
    let (i, expr) = expression(i)?;
    let span = expr.span;
    let written = Written(source_text(&source, span).to_string());
    let (i, alias) = opt(preceded(kw("AS"), cut(variable)))(i)?;
    Ok((
        i,
        ProjectionItem {
            expr,
            alias,
            span,
            written,
        },
    ))
}

/// `Order = ORDER BY SortItem { ',' SortItem }`
fn order(i: Input) -> PResult<Vec<SortItem>> {
    let (i, _) = kw("ORDER")(i)?;
    let (i, _) = cut(kw("BY"))(i)?;
    cut(separated_list1(sym(","), sort_item))(i)
}

/// `SortItem = Expression [ASCENDING | ASC | DESCENDING | DESC]`
fn sort_item(i: Input) -> PResult<SortItem> {
    let (i, expr) = expression(i)?;
    for (word, descending) in [
        ("ASCENDING", false),
        ("ASC", false),
        ("DESCENDING", true),
        ("DESC", true),
    ] {
        if let Ok((i, _)) = kw(word)(i) {
            return Ok((i, SortItem { expr, descending }));
        }
    }
    Ok((
        i,
        SortItem {
            expr,
            descending: false,
        },
    ))
}

/// `Skip = SKIP Expression`, `Limit = LIMIT Expression`: a constant that,
/// when written as a literal, is a non-negative integer.
fn count_argument<'a>(i: Input<'a>, word: &'static str) -> PResult<'a, Expr> {
    let (i, _) = kw(word)(i)?;
    let (i, expr) = cut(expression)(i)?;
    match &expr.kind {
        ExprKind::Literal(Literal::Int(n)) if *n < 0 => failure_code(
            expr.span.start,
            "NegativeIntegerArgument",
            format!("{word} needs a non-negative integer"),
        ),
        ExprKind::Literal(Literal::Float(_) | Literal::Str(_) | Literal::Bool(_)) => failure_code(
            expr.span.start,
            "InvalidArgumentType",
            format!("{word} needs an integer"),
        ),
        _ if mentions_variable(&expr) => failure_code(
            expr.span.start,
            "NonConstantExpression",
            format!("{word} needs a constant (literals and parameters only)"),
        ),
        _ => Ok((i, expr)),
    }
}

/// Whether `expr` refers to any variable (so it is not a constant).
fn mentions_variable(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Literal(_) | ExprKind::Param(_) | ExprKind::CountStar => false,
        ExprKind::Var(_) | ExprKind::MapProjection { .. } | ExprKind::Pattern(_) => true,
        ExprKind::ListComprehension { .. } => true,
        ExprKind::List(items) => items.iter().any(mentions_variable),
        ExprKind::Map(entries) => entries.iter().any(|(_, e)| mentions_variable(e)),
        ExprKind::Property(e, _) | ExprKind::Unary(_, e) | ExprKind::IsNull(e, _) => {
            mentions_variable(e)
        }
        ExprKind::HasLabels(e, _) => mentions_variable(e),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            mentions_variable(a) || mentions_variable(b)
        }
        ExprKind::Slice(a, b, c) => {
            mentions_variable(a)
                || b.as_deref().is_some_and(mentions_variable)
                || c.as_deref().is_some_and(mentions_variable)
        }
        ExprKind::Call { args, .. } => args.iter().any(mentions_variable),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            operand.as_deref().is_some_and(mentions_variable)
                || whens
                    .iter()
                    .any(|(a, b)| mentions_variable(a) || mentions_variable(b))
                || else_.as_deref().is_some_and(mentions_variable)
        }
    }
}

/// `Create = CREATE Pattern`; each relationship has one type, a direction
/// and a fixed length.
fn create(i: Input) -> PResult<Clause> {
    let (i, start) = kw("CREATE")(i)?;
    let (i, pattern) = cut(pattern)(i)?;
    for part in &pattern {
        creatable(part, "CREATE", true)?;
    }
    let span = Span::new(start.start, offset(&i));
    Ok((i, Clause::Create(Create { pattern, span })))
}

/// Checks what `CREATE` (and, but for the direction, `MERGE`) can create.
fn creatable(part: &PatternPart, clause: &str, directed: bool) -> Result<(), Err<PError>> {
    for (rel, _) in &part.element.chain {
        if rel.types.len() != 1 {
            return Err(reject_code(
                rel.span.start,
                "NoSingleRelationshipType",
                format!("a relationship in {clause} needs exactly one type"),
            ));
        }
        if rel.length.is_some() {
            return Err(reject_code(
                rel.span.start,
                "CreatingVarLength",
                format!("{clause} cannot make a variable-length relationship"),
            ));
        }
        if directed && rel.direction == Direction::Both {
            return Err(reject_code(
                rel.span.start,
                "RequiresDirectedRelationship",
                format!("a relationship in {clause} needs a direction"),
            ));
        }
    }
    Ok(())
}

/// Rejects `$param` as the properties of a pattern in `MATCH` or `MERGE`.
fn no_parameter_properties(pattern: &[PatternPart], clause: &str) -> Result<(), Err<PError>> {
    for part in pattern {
        let nodes =
            std::iter::once(&part.element.start).chain(part.element.chain.iter().map(|(_, n)| n));
        let props = nodes
            .map(|n| &n.props)
            .chain(part.element.chain.iter().map(|(r, _)| &r.props));
        for p in props.flatten() {
            if matches!(p.kind, ExprKind::Param(_)) {
                return Err(reject(
                    p.span.start,
                    format!("{clause} cannot take a parameter as properties"),
                ));
            }
        }
    }
    Ok(())
}

/// `Merge = MERGE PatternPart { MergeAction }`
fn merge(i: Input) -> PResult<Clause> {
    let (i, start) = kw("MERGE")(i)?;
    let (i, part) = cut(pattern_part)(i)?;
    creatable(&part, "MERGE", false)?;
    no_parameter_properties(std::slice::from_ref(&part), "MERGE")?;
    let mut actions = Vec::new();
    let mut i = i;
    while let Ok((rest, action)) = merge_action(i) {
        actions.push(action);
        i = rest;
    }
    let span = Span::new(start.start, offset(&i));
    Ok((
        i,
        Clause::Merge(Merge {
            part,
            actions,
            span,
        }),
    ))
}

/// `MergeAction = ON ( MATCH | CREATE ) Set`
fn merge_action(i: Input) -> PResult<MergeAction> {
    let (i, _) = kw("ON")(i)?;
    let (i, on_create) = cut(|i| match kw("CREATE")(i) {
        Ok((i, _)) => Ok((i, true)),
        Err(_) => kw("MATCH")(i).map(|(i, _)| (i, false)),
    })(i)?;
    let (i, _) = cut(kw("SET"))(i)?;
    let (i, items) = cut(separated_list1(sym(","), set_item))(i)?;
    Ok((i, MergeAction { on_create, items }))
}

/// `Set = SET SetItem { ',' SetItem }`
fn set(i: Input) -> PResult<Clause> {
    let (i, start) = kw("SET")(i)?;
    let (i, items) = cut(separated_list1(sym(","), set_item))(i)?;
    let span = Span::new(start.start, offset(&i));
    Ok((i, Clause::Set(SetClause { items, span })))
}

/// `SetItem = PropertyExpression '=' Expression | Variable ('=' | '+=') Expression | Variable NodeLabels`
fn set_item(i: Input) -> PResult<SetItem> {
    let (i, target) = postfix_expression(i)?;
    match target.kind {
        ExprKind::HasLabels(inner, labels) if matches!(inner.kind, ExprKind::Var(_)) => {
            let var = var_ident(&inner);
            Ok((i, SetItem::Labels { var, labels }))
        }
        ExprKind::Property(..) => {
            let (i, _) = cut(sym("="))(i)?;
            let (i, value) = cut(expression)(i)?;
            Ok((i, SetItem::Property { target, value }))
        }
        ExprKind::Var(_) => {
            let var = var_ident(&target);
            if let Ok((i, _)) = sym("+=")(i) {
                let (i, value) = cut(expression)(i)?;
                return Ok((i, SetItem::Merge { var, value }));
            }
            let (i, _) = cut(sym("="))(i)?;
            let (i, value) = cut(expression)(i)?;
            Ok((i, SetItem::Replace { var, value }))
        }
        _ => failure(
            target.span.start,
            "expected a property, a variable or labels to set",
        ),
    }
}

/// The variable of an `ExprKind::Var` expression as an [`Ident`].
fn var_ident(expr: &Expr) -> Ident {
    match &expr.kind {
        ExprKind::Var(name) => Ident::new(name.clone(), expr.span),
        _ => Ident::new(String::new(), expr.span),
    }
}

/// `Remove = REMOVE RemoveItem { ',' RemoveItem }`
fn remove(i: Input) -> PResult<Clause> {
    let (i, start) = kw("REMOVE")(i)?;
    let (i, items) = cut(separated_list1(sym(","), remove_item))(i)?;
    let span = Span::new(start.start, offset(&i));
    Ok((i, Clause::Remove(Remove { items, span })))
}

/// `RemoveItem = Variable NodeLabels | PropertyExpression`
fn remove_item(i: Input) -> PResult<RemoveItem> {
    let (i, target) = postfix_expression(i)?;
    match target.kind {
        ExprKind::HasLabels(inner, labels) if matches!(inner.kind, ExprKind::Var(_)) => {
            let var = var_ident(&inner);
            Ok((i, RemoveItem::Labels { var, labels }))
        }
        ExprKind::Property(..) => Ok((i, RemoveItem::Property(target))),
        _ => failure(target.span.start, "expected a property or labels to remove"),
    }
}

/// `Delete = [DETACH] DELETE Expression { ',' Expression }`
fn delete(i: Input) -> PResult<Clause> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let (i, detach) = opt(kw("DETACH"))(i)?;
    let (i, _) = cut(kw("DELETE"))(i)?;
    let (i, exprs) = cut(separated_list1(sym(","), expression))(i)?;
    if let Some(e) = exprs
        .iter()
        .find(|e| matches!(e.kind, ExprKind::HasLabels(..)))
    {
        return failure_code(
            e.span.start,
            "InvalidDelete",
            "DELETE takes nodes, relationships or paths, not labels (use REMOVE)",
        );
    }
    let span = Span::new(start, offset(&i));
    Ok((
        i,
        Clause::Delete(Delete {
            detach: detach.is_some(),
            exprs,
            span,
        }),
    ))
}

// ---------------------------------------------------------------------------
// Patterns

/// `Pattern = PatternPart { ',' PatternPart }`
fn pattern(i: Input) -> PResult<Pattern> {
    separated_list1(sym(","), pattern_part)(i)
}

/// `PatternPart = [Variable '='] ( ShortestPathPattern | PatternElement )`
fn pattern_part(i: Input) -> PResult<PatternPart> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let (i, var) = match variable(i) {
        Ok((rest, var)) => match sym("=")(rest) {
            Ok((rest, _)) => (rest, Some(var)),
            Err(_) => (i, None),
        },
        Err(Err::Failure(e)) => return Err(Err::Failure(e)),
        Err(_) => (i, None),
    };
    let (i, mut part) = if var.is_some() {
        cut(anonymous_pattern_part)(i)?
    } else {
        anonymous_pattern_part(i)?
    };
    part.var = var;
    part.span = Span::new(start, offset(&i));
    Ok((i, part))
}

/// `ShortestPathPattern | PatternElement`
fn anonymous_pattern_part(i: Input) -> PResult<PatternPart> {
    if let Ok(found) = shortest_path_pattern(i) {
        return Ok(found);
    }
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let (i, element) = pattern_element(i)?;
    let span = Span::new(start, offset(&i));
    Ok((
        i,
        PatternPart {
            var: None,
            kind: PathKind::Plain,
            element,
            span,
        },
    ))
}

/// `ShortestPathPattern = ( shortestPath | allShortestPaths ) '(' PatternElement ')'`
fn shortest_path_pattern(i: Input) -> PResult<PatternPart> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let (i, kind) = match kw("shortestPath")(i) {
        Ok((i, _)) => (i, PathKind::Shortest),
        Err(_) => {
            let (i, _) = kw("allShortestPaths")(i)?;
            (i, PathKind::AllShortest)
        }
    };
    let (i, _) = sym("(")(i)?;
    let (i, element) = cut(pattern_element)(i)?;
    let (i, _) = cut(sym(")"))(i)?;
    let span = Span::new(start, offset(&i));
    Ok((
        i,
        PatternPart {
            var: None,
            kind,
            element,
            span,
        },
    ))
}

/// `PatternElement = NodePattern { RelationshipPattern NodePattern }`
fn pattern_element(i: Input) -> PResult<PatternElement> {
    let (mut i, start) = node_pattern(i)?;
    let mut chain = Vec::new();
    loop {
        match relationship_pattern(i) {
            Ok((rest, rel)) => {
                // No `cut`: in an expression, `(a) - -1` is a subtraction.
                match node_pattern(rest) {
                    Ok((rest, node)) => {
                        chain.push((rel, node));
                        i = rest;
                    }
                    Err(Err::Error(_)) => break,
                    Err(e) => return Err(e),
                }
            }
            Err(Err::Error(_)) => break,
            Err(e) => return Err(e),
        }
    }
    Ok((i, PatternElement { start, chain }))
}

/// `NodePattern = '(' [Variable] [NodeLabels] [Properties] ')'`
fn node_pattern(i: Input) -> PResult<NodePattern> {
    let (i, open) = sym("(")(i)?;
    let (i, var) = opt(variable)(i)?;
    let (i, labels) = opt(node_labels)(i)?;
    let (i, props) = opt(properties)(i)?;
    let (i, close) = sym(")")(i)?;
    Ok((
        i,
        NodePattern {
            var,
            labels: labels.unwrap_or_default(),
            props,
            span: open.to(close),
        },
    ))
}

/// `NodeLabels = ':' SymbolicName { ':' SymbolicName }`
fn node_labels(i: Input) -> PResult<Vec<Ident>> {
    let (mut i, _) = sym(":")(i)?;
    let (rest, first) = cut(symbolic_name)(i)?;
    i = rest;
    let mut labels = vec![first];
    while let Ok((rest, _)) = sym(":")(i) {
        let (rest, label) = cut(symbolic_name)(rest)?;
        labels.push(label);
        i = rest;
    }
    Ok((i, labels))
}

/// `Properties = MapLiteral | Parameter`
fn properties(i: Input) -> PResult<Expr> {
    let (i, _) = ws(i)?;
    match i.fragment().chars().next() {
        Some('{') => map_literal(i),
        Some('$') => parameter(i),
        _ => {
            record(&i, "'{'");
            expected(&i, "'$'")
        }
    }
}

/// `RelationshipPattern = ['<'] '-' [RelationshipDetail] '-' ['>']`
fn relationship_pattern(i: Input) -> PResult<RelPattern> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    if !i.fragment().starts_with(['<', '-']) {
        return expected(&i, "a relationship pattern");
    }
    let (i, left) = opt(sym("<"))(i)?;
    let (i, _) = sym("-")(i)?;
    let (i, detail) = opt(relationship_detail)(i)?;
    let (i, _) = sym("-")(i)?;
    let (i, right) = opt(sym(">"))(i)?;
    let direction = match (left.is_some(), right.is_some()) {
        (true, false) => Direction::Left,
        (false, true) => Direction::Right,
        _ => Direction::Both,
    };
    let span = Span::new(start, offset(&i));
    let rel = match detail {
        Some(d) => RelPattern {
            direction,
            span,
            ..d
        },
        None => RelPattern {
            var: None,
            types: Vec::new(),
            props: None,
            direction,
            length: None,
            span,
        },
    };
    Ok((i, rel))
}

/// `RelationshipDetail = '[' [Variable] [RelationshipTypes] [RangeLiteral] [Properties] ']'`
fn relationship_detail(i: Input) -> PResult<RelPattern> {
    let (i, open) = sym("[")(i)?;
    let (i, var) = opt(variable)(i)?;
    let (i, types) = opt(relationship_types)(i)?;
    let (i, length) = opt(range_literal)(i)?;
    let (i, props) = opt(properties)(i)?;
    let (i, close) = sym("]")(i)?;
    Ok((
        i,
        RelPattern {
            var,
            types: types.unwrap_or_default(),
            props,
            direction: Direction::Both,
            length,
            span: open.to(close),
        },
    ))
}

/// `RelationshipTypes = ':' SymbolicName { '|' [':'] SymbolicName }`
fn relationship_types(i: Input) -> PResult<Vec<Ident>> {
    let (mut i, _) = sym(":")(i)?;
    let (rest, first) = cut(symbolic_name)(i)?;
    i = rest;
    let mut types = vec![first];
    while let Ok((rest, _)) = sym("|")(i) {
        let (rest, _) = opt(sym(":"))(rest)?;
        let (rest, t) = cut(symbolic_name)(rest)?;
        types.push(t);
        i = rest;
    }
    Ok((i, types))
}

/// `RangeLiteral = '*' [IntegerLiteral] [ '..' [IntegerLiteral] ]`
fn range_literal(i: Input) -> PResult<RangeLength> {
    let (i, _) = sym("*")(i)?;
    let (i, min) = opt(unsigned_integer)(i)?;
    let (i, dots) = opt(sym(".."))(i)?;
    if dots.is_none() {
        return Ok((i, RangeLength { min, max: min }));
    }
    let (i, max) = opt(unsigned_integer)(i)?;
    Ok((i, RangeLength { min, max }))
}

/// A non-negative integer literal (decimal, hex or octal) as `u64`.
fn unsigned_integer(i: Input) -> PResult<u64> {
    let (i, _) = ws(i)?;
    match number_literal(i)? {
        (rest, (Number::Int(n), _)) => Ok((rest, n)),
        _ => expected(&i, "an integer"),
    }
}

// ---------------------------------------------------------------------------
// Expressions

/// `Expression = OrExpression`
fn expression(i: Input) -> PResult<Expr> {
    binary(i, 0)
}

/// Binding strengths, loosest first (see the grammar).
const OR: u8 = 1;
const XOR: u8 = 2;
const AND: u8 = 3;
const NOT: u8 = 4;
const COMPARISON: u8 = 5;
const PREDICATE: u8 = 6;
const ADD: u8 = 7;
const MUL: u8 = 8;
const POW: u8 = 9;

/// An operator between or after operands.
#[derive(Clone, Copy)]
enum Infix {
    /// A left-associative binary operator of the given strength.
    Binary(BinaryOp, u8),
    /// A comparison, chained as `a < b AND b < c`.
    Comparison(BinaryOp),
    /// `IS NULL` (`false`) or `IS NOT NULL` (`true`).
    IsNull(bool),
}

impl Infix {
    fn strength(self) -> u8 {
        match self {
            Infix::Binary(_, s) => s,
            Infix::Comparison(_) => COMPARISON,
            Infix::IsNull(_) => PREDICATE,
        }
    }
}

/// The operator at the start of `i` (after whitespace), and the input after
/// it. Tries nothing that could record an expectation.
fn infix(i: Input) -> PResult<Option<(Infix, Input)>> {
    use BinaryOp::*;
    let (i, _) = ws(i)?;
    let text = *i.fragment();
    let words: [(&str, Infix); 6] = [
        ("OR", Infix::Binary(Or, OR)),
        ("XOR", Infix::Binary(Xor, XOR)),
        ("AND", Infix::Binary(And, AND)),
        ("CONTAINS", Infix::Binary(Contains, PREDICATE)),
        ("IN", Infix::Binary(In, PREDICATE)),
        ("IS", Infix::IsNull(false)),
    ];
    for (word, op) in words {
        if let Some(len) = keyword_len(text, word) {
            let rest = advance(i, len);
            if let Infix::IsNull(_) = op {
                let (rest, not) = opt(kw("NOT"))(rest)?;
                let (rest, _) = cut(kw("NULL"))(rest)?;
                return Ok((i, Some((Infix::IsNull(not.is_some()), rest))));
            }
            return Ok((i, Some((op, rest))));
        }
    }
    for (word, op) in [("STARTS", StartsWith), ("ENDS", EndsWith)] {
        if let Some(len) = keyword_len(text, word) {
            let (rest, _) = cut(kw("WITH"))(advance(i, len))?;
            return Ok((i, Some((Infix::Binary(op, PREDICATE), rest))));
        }
    }
    let symbols: [(&str, Infix); 13] = [
        ("=~", Infix::Binary(Regex, PREDICATE)),
        ("<>", Infix::Comparison(Ne)),
        ("<=", Infix::Comparison(Le)),
        (">=", Infix::Comparison(Ge)),
        ("=", Infix::Comparison(Eq)),
        ("<", Infix::Comparison(Lt)),
        (">", Infix::Comparison(Gt)),
        ("+", Infix::Binary(Add, ADD)),
        ("-", Infix::Binary(Sub, ADD)),
        ("*", Infix::Binary(Mul, MUL)),
        ("/", Infix::Binary(Div, MUL)),
        ("%", Infix::Binary(Mod, MUL)),
        ("^", Infix::Binary(Pow, POW)),
    ];
    for (s, op) in symbols {
        if text.starts_with(s) {
            return Ok((i, Some((op, advance(i, s.len())))));
        }
    }
    Ok((i, None))
}

/// `left op right`, spanning both.
fn binary_expr(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    Expr {
        kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
        span,
    }
}

/// Precedence climbing over every binary operator: parses an expression
/// whose operators bind at least as strongly as `min` (`OrExpression` down
/// to `PowerExpression`, with `NotExpression` as the prefix level).
fn binary(i: Input, min: u8) -> PResult<Expr> {
    let _nesting = nest(&i)?;
    stacker::maybe_grow(RED_ZONE, STACK_GROWTH, || binary_operands(i, min))
}

/// The body of [`binary`].
fn binary_operands(i: Input, min: u8) -> PResult<Expr> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let (mut i, mut left) = match kw("NOT")(i) {
        Ok((rest, _)) if min <= NOT => {
            let (rest, operand) = binary(rest, NOT)?;
            let span = Span::new(start, operand.span.end);
            let e = Expr {
                kind: ExprKind::Unary(UnaryOp::Not, Box::new(operand)),
                span,
            };
            (rest, e)
        }
        _ => unary_expression(i)?,
    };
    // The depth of `left`'s tree, measured at the first operator.
    let mut depth = None;
    while let Some((op, after)) = infix(i)?.1 {
        if op.strength() < min {
            break;
        }
        let left_depth = *depth.get_or_insert_with(|| left.depth());
        match op {
            Infix::Binary(op, strength) => {
                let (rest, right) = cut(|i| binary(i, strength + 1))(after)?;
                let d = 1 + left_depth.max(right.depth());
                check_chain(&i, d)?;
                depth = Some(d);
                left = binary_expr(op, left, right);
                i = rest;
            }
            Infix::IsNull(not) => {
                check_chain(&i, left_depth + 1)?;
                depth = Some(left_depth + 1);
                let span = Span::new(left.span.start, offset(&after));
                left = Expr {
                    kind: ExprKind::IsNull(Box::new(left), not),
                    span,
                };
                i = after;
            }
            Infix::Comparison(op) => {
                let (mut rest, right) = cut(|i| binary(i, PREDICATE))(after)?;
                let mut d = 1 + left_depth.max(right.depth());
                check_chain(&i, d)?;
                let mut chain = binary_expr(op, left, right.clone());
                let mut last = right;
                while let Some((Infix::Comparison(op), after)) = infix(rest)?.1 {
                    let (next_rest, next) = cut(|i| binary(i, PREDICATE))(after)?;
                    d = 1 + d.max(1 + last.depth().max(next.depth()));
                    check_chain(&rest, d)?;
                    let pair = binary_expr(op, last, next.clone());
                    chain = binary_expr(BinaryOp::And, chain, pair);
                    last = next;
                    rest = next_rest;
                }
                depth = Some(d);
                left = chain;
                i = rest;
            }
        }
    }
    Ok((i, left))
}

/// `UnaryExpression = ( '+' | '-' ) UnaryExpression | PostfixExpression`
///
/// A minus directly before a number literal makes a negative literal, so
/// that `-9223372036854775808` fits.
fn unary_expression(i: Input) -> PResult<Expr> {
    let _nesting = nest(&i)?;
    stacker::maybe_grow(RED_ZONE, STACK_GROWTH, || unary_operand(i))
}

/// The body of [`unary_expression`].
fn unary_operand(i: Input) -> PResult<Expr> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let text = *i.fragment();
    let op = match text.chars().next() {
        Some('-') => UnaryOp::Neg,
        Some('+') => UnaryOp::Plus,
        _ => return postfix_expression(i),
    };
    let after = advance(i, 1);
    if op == UnaryOp::Neg {
        if let Some(found) = negative_number(after, start)? {
            return Ok(found);
        }
    }
    let (rest, operand) = cut(unary_expression)(after)?;
    let span = Span::new(start, operand.span.end);
    Ok((
        rest,
        Expr {
            kind: ExprKind::Unary(op, Box::new(operand)),
            span,
        },
    ))
}

/// A number literal after a minus sign at `start`, unless a postfix
/// operator follows it.
fn negative_number(i: Input, start: usize) -> Result<Option<(Input, Expr)>, Err<PError>> {
    let (i, _) = ws(i)?;
    if !i
        .fragment()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
    {
        return Ok(None);
    }
    let (rest, (number, span)) = match number_literal(i) {
        Ok(found) => found,
        Err(Err::Error(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let (after, _) = ws(rest)?;
    let next = after.fragment();
    if next.starts_with('[') || (next.starts_with('.') && !next.starts_with("..")) {
        return Ok(None);
    }
    let span = Span::new(start, span.end);
    let literal = match number {
        Number::Int(n) => match i64::try_from(-i128::from(n)) {
            Ok(v) => Literal::Int(v),
            Err(_) => return Err(reject(start, "integer literal is too small for 64 bits")),
        },
        Number::Float(f) => Literal::Float(-f),
    };
    Ok(Some((rest, lit(literal, span))))
}

/// `PostfixExpression = Atom { PropertyLookup | ListOperator | NodeLabels }`
fn postfix_expression(i: Input) -> PResult<Expr> {
    let (mut i, mut expr) = atom(i)?;
    // The depth of `expr`'s tree, measured at the first operator.
    let mut depth = None;
    loop {
        let (rest, _) = ws(i)?;
        let text = *rest.fragment();
        let start = expr.span.start;
        if (text.starts_with('.') && !text.starts_with("..")) || text.starts_with(['[', ':']) {
            let d = 1 + *depth.get_or_insert_with(|| expr.depth());
            check_chain(&rest, d)?;
            depth = Some(d);
        }
        if text.starts_with('.') && !text.starts_with("..") {
            let (rest, key) = cut(symbolic_name)(advance(rest, 1))?;
            let span = Span::new(start, key.span.end);
            expr = Expr {
                kind: ExprKind::Property(Box::new(expr), key),
                span,
            };
            i = rest;
        } else if text.starts_with('[') {
            let (rest, e) = list_operator(rest, expr)?;
            expr = e;
            i = rest;
        } else if text.starts_with(':') {
            let (rest, labels) = node_labels(rest)?;
            let end = labels.last().map_or(start, |l| l.span.end);
            expr = Expr {
                kind: ExprKind::HasLabels(Box::new(expr), labels),
                span: Span::new(start, end),
            };
            i = rest;
        } else {
            return Ok((i, expr));
        }
    }
}

/// `ListOperator = '[' Expression ']' | '[' [Expression] '..' [Expression] ']'`
fn list_operator(i: Input, target: Expr) -> PResult<Expr> {
    let _nesting = nest(&i)?;
    let (i, _) = sym("[")(i)?;
    let (i, from) = match sym("..")(i) {
        Ok(_) => (i, None),
        Err(_) => {
            let (i, e) = cut(expression)(i)?;
            (i, Some(e))
        }
    };
    let (i, kind) = match sym("..")(i) {
        Ok((i, _)) => {
            let (i, to) = opt(expression)(i)?;
            (
                i,
                ExprKind::Slice(
                    Box::new(target.clone()),
                    from.map(Box::new),
                    to.map(Box::new),
                ),
            )
        }
        Err(_) => match from {
            Some(index) => (
                i,
                ExprKind::Index(Box::new(target.clone()), Box::new(index)),
            ),
            None => return expected(&i, "'..'"),
        },
    };
    let (i, close) = cut(sym("]"))(i)?;
    Ok((
        i,
        Expr {
            kind,
            span: Span::new(target.span.start, close.end),
        },
    ))
}

/// An expression of a literal.
fn lit(literal: Literal, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Literal(literal),
        span,
    }
}

/// `Atom`: see the grammar for the alternatives.
fn atom(i: Input) -> PResult<Expr> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let text = *i.fragment();
    let mut chars = text.chars();
    let first = chars.next();
    let second = chars.next();
    match first {
        Some(c)
            if c.is_ascii_digit() || (c == '.' && second.is_some_and(|d| d.is_ascii_digit())) =>
        {
            let (rest, (number, span)) = number_literal(i)?;
            let literal = match number {
                Number::Int(n) => match i64::try_from(n) {
                    Ok(v) => Literal::Int(v),
                    Err(_) => return failure(start, "integer literal is too large for 64 bits"),
                },
                Number::Float(f) => Literal::Float(f),
            };
            return Ok((rest, lit(literal, span)));
        }
        Some('\'' | '"') => return string_literal(i),
        Some('$') => return parameter(i),
        Some('[') => return list_literal_or_comprehension(i),
        Some('{') => return map_literal(i),
        Some('(') => return parenthesized_or_pattern(i),
        _ => {}
    }
    for (word, literal) in [
        ("TRUE", Literal::Bool(true)),
        ("FALSE", Literal::Bool(false)),
        ("NULL", Literal::Null),
    ] {
        if let Some(len) = keyword_len(text, word) {
            return Ok((advance(i, len), lit(literal, Span::new(start, start + len))));
        }
    }
    if keyword_len(text, "CASE").is_some() {
        return case_expression(i);
    }
    if let Ok((rest, _)) = count_star(i) {
        let span = Span::new(start, offset(&rest));
        return Ok((
            rest,
            Expr {
                kind: ExprKind::CountStar,
                span,
            },
        ));
    }
    match shortest_path_pattern(i) {
        Ok((rest, part)) => {
            let span = part.span;
            return Ok((
                rest,
                Expr {
                    kind: ExprKind::Pattern(Box::new(part)),
                    span,
                },
            ));
        }
        Err(Err::Failure(e)) => return Err(Err::Failure(e)),
        Err(_) => {}
    }
    let (rest, (name, quoted)) = match symbolic_name_quoted(i) {
        Ok(found) => found,
        Err(Err::Error(_)) => return expected(&i, "an expression"),
        Err(e) => return Err(e),
    };
    let (after, _) = ws(rest)?;
    if after.fragment().starts_with('(') {
        return function_invocation(after, name);
    }
    if !quoted && is_reserved(&name.name) {
        return expected(&i, "an expression");
    }
    if after.fragment().starts_with('{') {
        return map_projection(after, name);
    }
    let span = name.span;
    Ok((
        rest,
        Expr {
            kind: ExprKind::Var(name.name),
            span,
        },
    ))
}

/// `count '(' '*' ')'`
fn count_star(i: Input) -> PResult<()> {
    let (i, _) = kw("COUNT")(i)?;
    let (i, _) = sym("(")(i)?;
    let (i, _) = sym("*")(i)?;
    let (i, _) = sym(")")(i)?;
    Ok((i, ()))
}

/// `PatternExpression | '(' Expression ')'`
///
/// Text in parentheses is read as a pattern first and, when that fails or
/// finds a lone node, again as an expression; nested, each level would
/// double the work (`({a: ({a: ({a: ...})})})` took seconds at 30
/// levels). So the result at each offset is kept and read once.
fn parenthesized_or_pattern(i: Input) -> PResult<Expr> {
    let start = offset(&i);
    let known = i.extra.parenthesized.borrow().get(&start).cloned();
    if let Some(known) = known {
        return match known {
            Ok((end, expr)) => Ok((advance(i, end - start), expr)),
            Err(e) => Err(e),
        };
    }
    let result = pattern_or_parenthesized(i);
    let keep = match &result {
        Ok((rest, expr)) => Ok((offset(rest), expr.clone())),
        Err(e) => Err(e.clone()),
    };
    i.extra.parenthesized.borrow_mut().insert(start, keep);
    result
}

/// [`parenthesized_or_pattern`], read afresh.
fn pattern_or_parenthesized(i: Input) -> PResult<Expr> {
    let _nesting = nest(&i)?;
    let (i, _) = ws(i)?;
    let start = offset(&i);
    match pattern_element(i) {
        Ok((rest, element)) if !element.chain.is_empty() => {
            let span = Span::new(start, offset(&rest));
            let part = PatternPart {
                var: None,
                kind: PathKind::Plain,
                element,
                span,
            };
            return Ok((
                rest,
                Expr {
                    kind: ExprKind::Pattern(Box::new(part)),
                    span,
                },
            ));
        }
        // `(a {a})` may start like a node pattern but be a map projection
        // in parentheses: when the pattern fails, try the expression, and
        // report whichever got further.
        Err(Err::Failure(pattern_error)) => {
            return parenthesized_expression(i).map_err(|e| match e {
                Err::Failure(x) | Err::Error(x) if x.offset < pattern_error.offset => {
                    Err::Failure(pattern_error)
                }
                other => other,
            });
        }
        _ => {}
    }
    parenthesized_expression(i)
}

/// `'(' Expression ')'`
fn parenthesized_expression(i: Input) -> PResult<Expr> {
    let (i, _) = sym("(")(i)?;
    let (i, inner) = cut(expression)(i)?;
    let (i, _) = cut(sym(")"))(i)?;
    Ok((i, inner))
}

/// `FunctionInvocation = SymbolicName '(' [DISTINCT] [ Expression { ',' Expression } ] ')'`
fn function_invocation(i: Input, name: Ident) -> PResult<Expr> {
    let _nesting = nest(&i)?;
    let start = name.span.start;
    let (i, _) = sym("(")(i)?;
    let (i, distinct) = opt(kw("DISTINCT"))(i)?;
    let (i, args) = match sym(")")(i) {
        Ok(_) => (i, Vec::new()),
        Err(_) => cut(separated_list1(sym(","), expression))(i)?,
    };
    let (i, close) = cut(sym(")"))(i)?;
    Ok((
        i,
        Expr {
            kind: ExprKind::Call {
                name,
                distinct: distinct.is_some(),
                args,
            },
            span: Span::new(start, close.end),
        },
    ))
}

/// `CaseExpression = CASE [Expression] CaseAlternative { CaseAlternative } [ELSE Expression] END`
fn case_expression(i: Input) -> PResult<Expr> {
    let _nesting = nest(&i)?;
    let (i, start) = kw("CASE")(i)?;
    let (i, operand) = match kw("WHEN")(i) {
        Ok(_) => (i, None),
        Err(_) => {
            let (i, e) = cut(expression)(i)?;
            (i, Some(Box::new(e)))
        }
    };
    let (mut i, first) = cut(case_alternative)(i)?;
    let mut whens = vec![first];
    while let Ok((rest, alt)) = case_alternative(i) {
        whens.push(alt);
        i = rest;
    }
    let (i, else_) = opt(preceded(kw("ELSE"), cut(expression)))(i)?;
    let (i, end) = cut(kw("END"))(i)?;
    Ok((
        i,
        Expr {
            kind: ExprKind::Case {
                operand,
                whens,
                else_: else_.map(Box::new),
            },
            span: start.to(end),
        },
    ))
}

/// `CaseAlternative = WHEN Expression THEN Expression`
fn case_alternative(i: Input) -> PResult<(Expr, Expr)> {
    let (i, _) = kw("WHEN")(i)?;
    let (i, when) = cut(expression)(i)?;
    let (i, _) = cut(kw("THEN"))(i)?;
    let (i, then) = cut(expression)(i)?;
    Ok((i, (when, then)))
}

/// `ListComprehension | ListLiteral`: a comprehension when `[` is followed
/// by `Variable IN`.
fn list_literal_or_comprehension(i: Input) -> PResult<Expr> {
    let _nesting = nest(&i)?;
    let (after, open) = sym("[")(i)?;
    if let Ok((rest, _)) = variable(after) {
        if kw("IN")(rest).is_ok() {
            return list_comprehension(after, open);
        }
    }
    list_literal(after, open)
}

/// `ListLiteral = '[' [ Expression { ',' Expression } ] ']'` (after `[`).
fn list_literal(i: Input, open: Span) -> PResult<Expr> {
    let (i, items) = match sym("]")(i) {
        Ok(_) => (i, Vec::new()),
        Err(_) => cut(separated_list1(sym(","), expression))(i)?,
    };
    let (i, close) = cut(sym("]"))(i)?;
    Ok((
        i,
        Expr {
            kind: ExprKind::List(items),
            span: open.to(close),
        },
    ))
}

/// `ListComprehension = '[' Variable IN Expression [WHERE Expression] ['|' Expression] ']'`
/// (after `[`).
fn list_comprehension(i: Input, open: Span) -> PResult<Expr> {
    let (i, var) = variable(i)?;
    let (i, _) = kw("IN")(i)?;
    let (i, list) = cut(expression)(i)?;
    let (i, filter) = opt(preceded(kw("WHERE"), cut(expression)))(i)?;
    let (i, map) = opt(preceded(sym("|"), cut(expression)))(i)?;
    let (i, close) = cut(sym("]"))(i)?;
    Ok((
        i,
        Expr {
            kind: ExprKind::ListComprehension {
                var,
                list: Box::new(list),
                filter: filter.map(Box::new),
                map: map.map(Box::new),
            },
            span: open.to(close),
        },
    ))
}

/// `MapLiteral = '{' [ SymbolicName ':' Expression { ',' SymbolicName ':' Expression } ] '}'`
fn map_literal(i: Input) -> PResult<Expr> {
    let _nesting = nest(&i)?;
    let (i, open) = sym("{")(i)?;
    let (i, entries) = match sym("}")(i) {
        Ok(_) => (i, Vec::new()),
        Err(_) => cut(separated_list1(sym(","), map_entry))(i)?,
    };
    let (i, close) = cut(sym("}"))(i)?;
    Ok((
        i,
        Expr {
            kind: ExprKind::Map(entries),
            span: open.to(close),
        },
    ))
}

/// `SymbolicName ':' Expression`, one entry of a map literal.
fn map_entry(i: Input) -> PResult<(Ident, Expr)> {
    let (i, key) = symbolic_name(i)?;
    let (i, _) = cut(sym(":"))(i)?;
    let (i, value) = cut(expression)(i)?;
    Ok((i, (key, value)))
}

/// `MapProjection = Variable '{' [ MapProjectionItem { ',' MapProjectionItem } ] '}'`
fn map_projection(i: Input, var: Ident) -> PResult<Expr> {
    let _nesting = nest(&i)?;
    let start = var.span.start;
    let (i, _) = sym("{")(i)?;
    let (i, items) = match sym("}")(i) {
        Ok(_) => (i, Vec::new()),
        Err(_) => cut(separated_list1(sym(","), map_projection_item))(i)?,
    };
    let (i, close) = cut(sym("}"))(i)?;
    Ok((
        i,
        Expr {
            kind: ExprKind::MapProjection { var, items },
            span: Span::new(start, close.end),
        },
    ))
}

/// `MapProjectionItem = '.' '*' | '.' SymbolicName | SymbolicName ':' Expression | Variable`
fn map_projection_item(i: Input) -> PResult<MapProjectionItem> {
    if let Ok((i, _)) = sym(".")(i) {
        if let Ok((i, _)) = sym("*")(i) {
            return Ok((i, MapProjectionItem::AllProperties));
        }
        let (i, key) = cut(symbolic_name)(i)?;
        return Ok((i, MapProjectionItem::Property(key)));
    }
    let (i, name) = symbolic_name(i)?;
    if let Ok((i, _)) = sym(":")(i) {
        let (i, value) = cut(expression)(i)?;
        return Ok((i, MapProjectionItem::Literal(name, value)));
    }
    Ok((i, MapProjectionItem::Variable(name)))
}

/// `Parameter = '$' ( SymbolicName | Digit {Digit} )`
fn parameter(i: Input) -> PResult<Expr> {
    let (i, dollar) = sym("$")(i)?;
    let text = *i.fragment();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (i, name) = if digits > 0 {
        (
            advance(i, digits),
            text.get(..digits).unwrap_or("").to_string(),
        )
    } else {
        let (i, name) = cut(symbolic_name)(i)?;
        (i, name.name)
    };
    let span = Span::new(dollar.start, offset(&i));
    Ok((
        i,
        Expr {
            kind: ExprKind::Param(name),
            span,
        },
    ))
}

/// A number before its sign is applied.
enum Number {
    /// An integer's magnitude.
    Int(u64),
    /// A float.
    Float(f64),
}

/// `NumberLiteral = '0x' HexDigit {HexDigit} | '0o' OctDigit {OctDigit}
///                | Digit {Digit} ['.' Digit {Digit}] [Exponent] | '.' Digit {Digit} [Exponent]`
fn number_literal(i: Input) -> PResult<(Number, Span)> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let text = *i.fragment();
    let bytes = text.as_bytes();
    let word_len = text
        .char_indices()
        .find(|&(_, c)| !is_ident_char(c))
        .map_or(text.len(), |(at, _)| at);
    let invalid = || failure(start, "invalid number literal");
    for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8)] {
        if text.starts_with(prefix) {
            let digits = text.get(2..word_len).unwrap_or("");
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return invalid();
            }
            return match u64::from_str_radix(digits, radix) {
                Ok(n) => Ok((
                    advance(i, word_len),
                    (Number::Int(n), Span::new(start, start + word_len)),
                )),
                Err(_) => failure(start, "integer literal is too large for 64 bits"),
            };
        }
    }
    let digits_from = |from: usize| {
        bytes
            .get(from..)
            .map_or(0, |b| b.iter().take_while(|b| b.is_ascii_digit()).count())
    };
    let mut len = digits_from(0);
    let mut is_float = false;
    if bytes.get(len) == Some(&b'.') && digits_from(len + 1) > 0 {
        len += 1 + digits_from(len + 1);
        is_float = true;
    }
    if len == 0 {
        return expected(&i, "a number");
    }
    if matches!(bytes.get(len), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(len + 1), Some(b'+' | b'-')));
        let exp = digits_from(len + 1 + sign);
        if exp > 0 {
            len += 1 + sign + exp;
            is_float = true;
        }
    }
    if text
        .get(len..)
        .and_then(|r| r.chars().next())
        .is_some_and(is_ident_char)
    {
        return invalid();
    }
    let token = text.get(..len).unwrap_or("");
    let span = Span::new(start, start + len);
    let rest = advance(i, len);
    if is_float {
        match token.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok((rest, (Number::Float(f), span))),
            _ => failure(start, "float literal is too large"),
        }
    } else {
        match token.parse::<u64>() {
            Ok(n) => Ok((rest, (Number::Int(n), span))),
            Err(_) => failure(start, "integer literal is too large for 64 bits"),
        }
    }
}

/// `StringLiteral = "'" { char | Escape } "'" | '"' { char | Escape } '"'`
fn string_literal(i: Input) -> PResult<Expr> {
    let (i, _) = ws(i)?;
    let start = offset(&i);
    let text = *i.fragment();
    let Some(quote) = text.chars().next().filter(|c| *c == '\'' || *c == '"') else {
        return expected(&i, "a string");
    };
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((at, c)) = chars.next() {
        if c == quote {
            let rest = advance(i, at + 1);
            return Ok((
                rest,
                lit(Literal::Str(value), Span::new(start, start + at + 1)),
            ));
        }
        if c != '\\' {
            value.push(c);
            continue;
        }
        let escaped = match chars.next() {
            Some((_, e)) => e,
            None => break,
        };
        let simple = match escaped {
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            _ => None,
        };
        if let Some(s) = simple {
            value.push(s);
            continue;
        }
        let width = match escaped {
            'u' => 4,
            'U' => 8,
            _ => return failure(start + at, format!("invalid escape sequence \\{escaped}")),
        };
        let hex = text.get(at + 2..at + 2 + width).unwrap_or("");
        let code = (hex.len() == width && hex.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(hex, 16).ok())
            .flatten()
            .and_then(char::from_u32);
        match code {
            Some(c) => value.push(c),
            None => return failure(start + at, "invalid unicode escape"),
        }
        for _ in 0..width {
            chars.next();
        }
    }
    failure(start, "unterminated string")
}
