//! The syntax tree of a query script: what the parser produces and the
//! planner consumes.
//!
//! Every node that a later stage may need to point at carries a [`Span`]:
//! a byte range into the script text. Line and column are computed only when
//! an error is shown. Equality of trees ignores spans (see [`Span`]'s
//! `PartialEq`), so that `parse(print(parse(q))) == parse(q)` can be tested.

/// A byte range `start..end` into the script text.
///
/// Two spans always compare equal: spans locate a node, they are not part of
/// what it means. This lets trees parsed from differently formatted text be
/// compared with `==`.
#[derive(Debug, Clone, Copy, Default, Eq)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl PartialEq for Span {
    fn eq(&self, _other: &Span) -> bool {
        true
    }
}

/// Text as written in the query. Like [`Span`], it compares equal to any
/// other, so that trees compare by what they mean, not by how they were
/// spelt.
#[derive(Debug, Clone, Default)]
pub struct Written(pub String);

impl PartialEq for Written {
    fn eq(&self, _other: &Written) -> bool {
        true
    }
}

/// A name written in the query: a variable, label, type, property key,
/// function or parameter name. Backquoted names are stored unquoted.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name as written (without backquotes).
    pub name: String,
    /// Where it stands.
    pub span: Span,
}

/// A whole script: statements separated by `;`.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// The statements in order.
    pub statements: Vec<Statement>,
}

/// One statement with its optional prefixes.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `EXPLAIN` or `PROFILE` before the statement, if any.
    pub mode: Option<ExplainMode>,
    /// `AS OF <date>` before the statement: only relations valid on that
    /// date take part.
    pub as_of: Option<Expr>,
    /// What the statement does.
    pub body: StatementBody,
    /// The whole statement, prefixes included, without the closing `;`.
    pub span: Span,
}

/// `EXPLAIN` (show the plan, run nothing) or `PROFILE` (run and count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainMode {
    /// Print the plan without running the statement.
    Explain,
    /// Run the statement and report rows and time per operator.
    Profile,
}

/// The kinds of statement.
#[derive(Debug, Clone, PartialEq)]
pub enum StatementBody {
    /// An openCypher query.
    Query(Query),
    /// `OWNERS OF <name> [ULTIMATE]`.
    Owners(OwnershipStatement),
    /// `HOLDINGS OF <name> [ULTIMATE]`.
    Holdings(OwnershipStatement),
    /// `PATH FROM <name> TO <name> [VIA T|U] [MAX n]`.
    Path(PathStatement),
}

/// `OWNERS OF <name> [ULTIMATE [HISTORY]]` or `HOLDINGS OF <name> [ULTIMATE
/// [HISTORY]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnershipStatement {
    /// The entity asked about: a string literal or a parameter.
    pub name: Expr,
    /// Follow chains to their ends.
    pub ultimate: bool,
    /// With `ultimate`: the periods in which the answers stayed the same.
    pub history: bool,
}

/// `PATH FROM <name> TO <name> [VIA T|U] [MAX n]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PathStatement {
    /// Where the path starts: a string literal or a parameter.
    pub from: Expr,
    /// Where the path ends: a string literal or a parameter.
    pub to: Expr,
    /// Relation types the path may use; empty means any.
    pub via: Vec<Ident>,
    /// The longest path to look for, in hops.
    pub max: Option<u64>,
}

/// A single openCypher query: clauses in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The clauses in order.
    pub clauses: Vec<Clause>,
}

/// One clause of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `[OPTIONAL] MATCH pattern [WHERE expr]`.
    Match(Match),
    /// `UNWIND expr AS var`.
    Unwind(Unwind),
    /// `WITH projection [WHERE expr]`.
    With(With),
    /// `RETURN projection`.
    Return(Return),
    /// `CREATE pattern`.
    Create(Create),
    /// `MERGE pattern_part [ON CREATE SET ...] [ON MATCH SET ...]`.
    Merge(Merge),
    /// `SET item, ...`.
    Set(SetClause),
    /// `REMOVE item, ...`.
    Remove(Remove),
    /// `[DETACH] DELETE expr, ...`.
    Delete(Delete),
}

/// `[OPTIONAL] MATCH pattern [WHERE expr]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// `OPTIONAL MATCH`.
    pub optional: bool,
    /// The comma-separated pattern parts.
    pub pattern: Pattern,
    /// The `WHERE` condition.
    pub where_: Option<Expr>,
    /// The whole clause.
    pub span: Span,
}

/// `UNWIND expr AS var`.
#[derive(Debug, Clone, PartialEq)]
pub struct Unwind {
    /// The list to unwind.
    pub expr: Expr,
    /// The variable each element is bound to.
    pub var: Ident,
    /// The whole clause.
    pub span: Span,
}

/// `WITH projection [WHERE expr]`.
#[derive(Debug, Clone, PartialEq)]
pub struct With {
    /// What is carried on.
    pub projection: Projection,
    /// The `WHERE` condition, applied after the projection.
    pub where_: Option<Expr>,
    /// The whole clause.
    pub span: Span,
}

/// `RETURN projection`.
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    /// What is returned.
    pub projection: Projection,
    /// The whole clause.
    pub span: Span,
}

/// The body of `WITH` and `RETURN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// `DISTINCT`.
    pub distinct: bool,
    /// `*`: every variable in scope, before the listed items.
    pub star: bool,
    /// The listed items.
    pub items: Vec<ProjectionItem>,
    /// `ORDER BY` keys.
    pub order_by: Vec<SortItem>,
    /// `SKIP expr`.
    pub skip: Option<Expr>,
    /// `LIMIT expr`.
    pub limit: Option<Expr>,
}

/// `expr [AS alias]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionItem {
    /// The value.
    pub expr: Expr,
    /// The name given with `AS`.
    pub alias: Option<Ident>,
    /// The expression's text span; without an alias, the column is named by
    /// this text exactly as written.
    pub span: Span,
    /// The text of that span (empty in trees built by hand): the printer
    /// falls back on it when printed expressions would name two columns
    /// alike.
    pub written: Written,
}

/// `expr [ASC|DESC]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    /// The key.
    pub expr: Expr,
    /// `DESC` (or `DESCENDING`).
    pub descending: bool,
}

/// `CREATE pattern`.
#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    /// The pattern parts to create.
    pub pattern: Pattern,
    /// The whole clause.
    pub span: Span,
}

/// `MERGE pattern_part` with its actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// The single pattern part to match or create.
    pub part: PatternPart,
    /// `ON CREATE SET` / `ON MATCH SET` actions, in the order written.
    pub actions: Vec<MergeAction>,
    /// The whole clause.
    pub span: Span,
}

/// `ON CREATE SET ...` or `ON MATCH SET ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeAction {
    /// `true` for `ON CREATE`, `false` for `ON MATCH`.
    pub on_create: bool,
    /// The items to set.
    pub items: Vec<SetItem>,
}

/// `SET item, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetClause {
    /// The items in order.
    pub items: Vec<SetItem>,
    /// The whole clause.
    pub span: Span,
}

/// One item of `SET`.
#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `n.key = expr` (the target is a property expression).
    Property {
        /// The property expression (`Expr::Property`).
        target: Expr,
        /// The new value.
        value: Expr,
    },
    /// `n = map`: replace all properties.
    Replace {
        /// The variable.
        var: Ident,
        /// The new properties.
        value: Expr,
    },
    /// `n += map`: add or overwrite properties.
    Merge {
        /// The variable.
        var: Ident,
        /// The properties to add.
        value: Expr,
    },
    /// `n:Label:Other`: add labels.
    Labels {
        /// The variable.
        var: Ident,
        /// The labels to add.
        labels: Vec<Ident>,
    },
}

/// `REMOVE item, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Remove {
    /// The items in order.
    pub items: Vec<RemoveItem>,
    /// The whole clause.
    pub span: Span,
}

/// One item of `REMOVE`.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    /// `n.key` (an `Expr::Property`).
    Property(Expr),
    /// `n:Label:Other`.
    Labels {
        /// The variable.
        var: Ident,
        /// The labels to remove.
        labels: Vec<Ident>,
    },
}

/// `[DETACH] DELETE expr, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// `DETACH DELETE`: also delete the relationships of deleted nodes.
    pub detach: bool,
    /// What to delete.
    pub exprs: Vec<Expr>,
    /// The whole clause.
    pub span: Span,
}

/// Comma-separated pattern parts.
pub type Pattern = Vec<PatternPart>;

/// `[var =] element`, or `[var =] shortestPath(element)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    /// The path variable of a named path.
    pub var: Option<Ident>,
    /// Plain, `shortestPath` or `allShortestPaths`.
    pub kind: PathKind,
    /// The chain of nodes and relationships.
    pub element: PatternElement,
    /// The whole part.
    pub span: Span,
}

/// How a pattern part is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// Every match.
    Plain,
    /// `shortestPath(...)`: one shortest match per pair of ends.
    Shortest,
    /// `allShortestPaths(...)`: every shortest match per pair of ends.
    AllShortest,
}

/// `(node) (-[rel]- (node))*`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternElement {
    /// The first node.
    pub start: NodePattern,
    /// Each relationship with the node after it.
    pub chain: Vec<(RelPattern, NodePattern)>,
}

/// `(var:Label:Other {key: value})`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    /// The variable.
    pub var: Option<Ident>,
    /// Labels the node must have.
    pub labels: Vec<Ident>,
    /// A map literal or a parameter the node's properties must match.
    pub props: Option<Expr>,
    /// The whole node pattern, parentheses included.
    pub span: Span,
}

impl NodePattern {
    /// Whether this node, in a `CREATE` or `MERGE`, declares one of the
    /// graph's sources rather than an entity: its only label is `Source`
    /// ([`crate::graph::SOURCE_LABEL`]).
    pub fn declares_source(&self) -> bool {
        matches!(self.labels.as_slice(), [l] if l.name == crate::graph::SOURCE_LABEL)
    }
}

/// The direction of a relationship pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `-[]->`: from the left node to the right node.
    Right,
    /// `<-[]-`: from the right node to the left node.
    Left,
    /// `-[]-` (or `<-[]->`): either direction.
    Both,
}

/// `-[var:A|B *min..max {key: value}]->`.
#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    /// The variable.
    pub var: Option<Ident>,
    /// Allowed types; empty means any.
    pub types: Vec<Ident>,
    /// A map literal or a parameter the relationship's properties must match.
    pub props: Option<Expr>,
    /// Direction of the arrow.
    pub direction: Direction,
    /// `*`, `*n`, `*min..`, `*..max`, `*min..max`: a variable-length pattern.
    pub length: Option<RangeLength>,
    /// The whole relationship pattern, arrows included.
    pub span: Span,
}

/// The bounds of a variable-length relationship (`*` has neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeLength {
    /// Lower bound (default 1).
    pub min: Option<u64>,
    /// Upper bound (default: the evaluator's limit).
    pub max: Option<u64>,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it stands.
    pub span: Span,
}

impl Expr {
    /// The direct subexpressions (not those inside a pattern).
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::List(xs) | ExprKind::Call { args: xs, .. } => xs.iter().collect(),
            ExprKind::Map(xs) => xs.iter().map(|(_, x)| x).collect(),
            ExprKind::Property(b, _)
            | ExprKind::Unary(_, b)
            | ExprKind::IsNull(b, _)
            | ExprKind::HasLabels(b, _) => vec![b],
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => vec![a, b],
            ExprKind::Slice(a, b, c) => std::iter::once(&**a)
                .chain(b.as_deref())
                .chain(c.as_deref())
                .collect(),
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => operand
                .as_deref()
                .into_iter()
                .chain(whens.iter().flat_map(|(a, b)| [a, b]))
                .chain(else_.as_deref())
                .collect(),
            ExprKind::ListComprehension {
                list, filter, map, ..
            } => std::iter::once(&**list)
                .chain(filter.as_deref())
                .chain(map.as_deref())
                .collect(),
            ExprKind::MapProjection { items, .. } => items
                .iter()
                .filter_map(|it| match it {
                    MapProjectionItem::Literal(_, x) => Some(x),
                    _ => None,
                })
                .collect(),
            ExprKind::Literal(_)
            | ExprKind::Param(_)
            | ExprKind::Var(_)
            | ExprKind::CountStar
            | ExprKind::Pattern(_) => Vec::new(),
        }
    }

    /// How many levels the expression's tree has (a literal has 1),
    /// counted without recursion, so that any depth is safe to measure.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((e, d)) = stack.pop() {
            deepest = deepest.max(d);
            stack.extend(e.children().into_iter().map(|c| (c, d + 1)));
        }
        deepest
    }
}

/// Literal values.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer (decimal, `0x` hexadecimal or `0o` octal).
    Int(i64),
    /// A float.
    Float(f64),
    /// A string, escapes resolved.
    Str(String),
}

/// Binary operators, in no particular order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `OR`
    Or,
    /// `XOR`
    Xor,
    /// `AND`
    And,
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// `IN`
    In,
    /// `STARTS WITH`
    StartsWith,
    /// `ENDS WITH`
    EndsWith,
    /// `CONTAINS`
    Contains,
    /// `=~`
    Regex,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `NOT`
    Not,
    /// prefix `-`
    Neg,
    /// prefix `+`
    Plus,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// `$name` (or `$0`).
    Param(String),
    /// A variable.
    Var(String),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// `{key: value, ...}`, keys in the order written.
    Map(Vec<(Ident, Expr)>),
    /// `expr.key`.
    Property(Box<Expr>, Ident),
    /// `expr[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `expr[from..to]`, either bound optional.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `left op right`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `op expr`.
    Unary(UnaryOp, Box<Expr>),
    /// `expr IS NULL` (`false`) or `expr IS NOT NULL` (`true`).
    IsNull(Box<Expr>, bool),
    /// `expr:Label:Other`: a label test.
    HasLabels(Box<Expr>, Vec<Ident>),
    /// `name([DISTINCT] args)`: a function or aggregate call.
    Call {
        /// The function name as written (case is not significant).
        name: Ident,
        /// `DISTINCT` inside the parentheses (aggregates).
        distinct: bool,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `count(*)`.
    CountStar,
    /// `CASE [operand] WHEN a THEN b ... [ELSE c] END`.
    Case {
        /// The value compared with each `WHEN` (simple form).
        operand: Option<Box<Expr>>,
        /// `WHEN` / `THEN` pairs.
        whens: Vec<(Expr, Expr)>,
        /// The `ELSE` value.
        else_: Option<Box<Expr>>,
    },
    /// `[var IN list WHERE filter | map]`.
    ListComprehension {
        /// The element variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// The `WHERE` filter.
        filter: Option<Box<Expr>>,
        /// The `|` mapping.
        map: Option<Box<Expr>>,
    },
    /// `var {.key, key: expr, var, .*}`.
    MapProjection {
        /// The map or entity projected.
        var: Ident,
        /// The items in order.
        items: Vec<MapProjectionItem>,
    },
    /// A pattern used as an expression, such as `shortestPath((a)-[*]-(b))`
    /// in a `RETURN`, or `(a)-->(b)` as a predicate.
    Pattern(Box<PatternPart>),
}

/// One item of a map projection.
#[derive(Debug, Clone, PartialEq)]
pub enum MapProjectionItem {
    /// `.key`: the property of that name.
    Property(Ident),
    /// `key: expr`.
    Literal(Ident, Expr),
    /// `var`: a variable under its own name.
    Variable(Ident),
    /// `.*`: every property.
    AllProperties,
}
