//! The Alloy syntax tree.
//!
//! Every node carries source positions ([`Pos`], [`Span`]) so the printer can
//! reproduce `alloy fmt` layout decisions (which elements shared a line, where
//! blank lines were). Positions never take part in equality: [`Pos`] and
//! [`Span`] compare equal to every other value, so `==` on two trees is a
//! purely structural comparison (useful for parse → print → parse tests).
//!
//! Comments are kept on [`File::comments`] in source order with their
//! positions, which is exactly what the printer needs to put them back where
//! they were. Trees built in Rust code (see the builder methods in
//! [`crate::syntax::build`]) have unknown positions; they may carry
//! `leading_comments` on statements instead.

/// A position in a source file: a byte offset and its line, 8 bytes (the tree of a large
/// file holds millions). The column is computed on demand from the file's
/// [`LineIndex`](crate::diag::LineIndex) (in characters, for diagnostics). `line == 0` means
/// unknown (built in code). Offsets are `u32`: sources are limited to 4 GiB.
///
/// Always compares equal, so positions never influence tree equality.
#[derive(Debug, Clone, Copy, Default, Eq)]
pub struct Pos {
    /// Byte offset from the start of the file.
    pub offset: u32,
    /// 1-based line (0 when unknown); the printer's layout follows source lines.
    pub line: u32,
}

impl Pos {
    /// Whether this position came from a parsed source.
    pub fn is_known(&self) -> bool {
        self.line > 0
    }

    /// The byte offset as an index into the source.
    pub fn index(&self) -> usize {
        self.offset as usize
    }
}

impl PartialEq for Pos {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// The positions of the first and the last character of a node (both
/// inclusive). Always compares equal, like [`Pos`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    /// First character.
    pub start: Pos,
    /// Last character.
    pub end: Pos,
}

impl Span {
    /// Span from two positions.
    pub fn new(start: Pos, end: Pos) -> Self {
        Span { start, end }
    }
}

/// A parsed (or built) Alloy file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct File {
    /// Top-level statements.
    pub body: Vec<Stmt>,
    /// Every comment of the source, in order, with positions. Texts include
    /// the `//` or `/* */` markers.
    pub comments: Vec<Comment>,
}

/// A `// line` or `/* block */` comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// Full text including the comment markers.
    pub text: String,
    /// Start position.
    pub pos: Pos,
}

/// A statement: `name = value` or `name "label" { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// An attribute assignment.
    Attribute(Attribute),
    /// A (possibly labelled) block.
    Block(Block),
}

impl Stmt {
    /// Source span of the statement.
    pub fn span(&self) -> Span {
        match self {
            Stmt::Attribute(a) => a.span,
            Stmt::Block(b) => b.span,
        }
    }
}

/// `name = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// Attribute name (a single identifier).
    pub name: String,
    /// Assigned expression.
    pub value: Expr,
    /// From the name to the end of the value.
    pub span: Span,
    /// Comments to print above the attribute (builder use only; the parser
    /// keeps comments in [`File::comments`]).
    pub leading_comments: LeadingComments,
}

/// Comments printed above a statement built in code. Parsed statements have none, so it costs
/// one pointer then (a large file's tree holds hundreds of thousands of statements).
// The box is the point: one pointer when empty, where a `Vec` takes three words.
#[allow(clippy::box_collection)]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadingComments(Option<Box<Vec<String>>>);

impl LeadingComments {
    /// Whether there is no comment.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Appends a comment line.
    pub fn push(&mut self, text: String) {
        self.0.get_or_insert_with(Box::default).push(text);
    }

    /// The comment lines, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.as_deref().map_or(&[][..], Vec::as_slice).iter()
    }
}

impl<'a> IntoIterator for &'a LeadingComments {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// `a.b.c "label" { body }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Dotted name parts, e.g. `["loki", "write"]`.
    pub name: Vec<String>,
    /// Optional label (without quotes).
    pub label: Option<String>,
    /// Statements inside the braces.
    pub body: Vec<Stmt>,
    /// From the first name character to the closing `}`.
    pub span: Span,
    /// Position of the label's opening quote.
    pub label_pos: Pos,
    /// Position of `{`.
    pub lcurly: Pos,
    /// Position of `}`.
    pub rcurly: Pos,
    /// Comments to print above the block (builder use only; the parser keeps
    /// comments in [`File::comments`]).
    pub leading_comments: LeadingComments,
}

impl Block {
    /// The dotted name, e.g. `"loki.write"`.
    pub fn full_name(&self) -> String {
        self.name.join(".")
    }

    /// The component id, e.g. `"loki.write.default"` (name plus label).
    pub fn id(&self) -> String {
        match &self.label {
            Some(l) => format!("{}.{}", self.full_name(), l),
            None => self.full_name(),
        }
    }
}

/// An expression with its source span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind of expression this is.
    pub kind: ExprKind,
    /// Source span (unknown for built expressions).
    pub span: Span,
}

/// The expression variants.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number; the source text is kept so `1.0` or `1e3` print unchanged.
    Number(String),
    /// A double-quoted string (decoded value; printed re-escaped).
    String(String),
    /// A backtick raw string (verbatim value, no escapes).
    RawString(String),
    /// An identifier such as `foo`.
    Ident(String),
    /// Field access `value.name`.
    Access {
        /// The accessed expression.
        value: Box<Expr>,
        /// Field name.
        name: String,
    },
    /// Index `value[index]`.
    Index {
        /// The indexed expression.
        value: Box<Expr>,
        /// The index.
        index: Box<Expr>,
        /// Position of `[`.
        lbrack: Pos,
    },
    /// Call `func(args...)`.
    Call {
        /// Called expression, e.g. `sys.env`.
        func: Box<Expr>,
        /// Arguments.
        args: Vec<Expr>,
        /// Position of `(`.
        lparen: Pos,
    },
    /// `[a, b, c]`.
    Array(Vec<Expr>),
    /// `{ key = value, ... }` with keys in source order.
    Object(Vec<ObjectField>),
    /// `!x` or `-x`.
    Unary {
        /// Operator.
        op: UnaryOp,
        /// Operand.
        value: Box<Expr>,
    },
    /// `lhs op rhs`.
    Binary {
        /// Operator.
        op: BinaryOp,
        /// Position of the operator.
        op_pos: Pos,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `(inner)`.
    Paren(Box<Expr>),
}

/// One `key = value` entry of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectField {
    /// Key (decoded if it was quoted).
    pub key: String,
    /// Whether the key was written as a quoted string.
    pub quoted: bool,
    /// Value.
    pub value: Expr,
    /// Position of the key.
    pub key_pos: Pos,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Neg,
}

impl UnaryOp {
    /// Source spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Not => "!",
            UnaryOp::Neg => "-",
        }
    }
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `||`
    Or,
    /// `&&`
    And,
    /// `==`
    Eq,
    /// `!=`
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
    /// `^` (right associative)
    Pow,
}

impl BinaryOp {
    /// Source spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
        }
    }

    /// Binding strength: `||` 1, `&&` 2, comparisons 3, `+ -` 4, `* / %` 5,
    /// `^` 6.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => 3,
            BinaryOp::Add | BinaryOp::Sub => 4,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 5,
            BinaryOp::Pow => 6,
        }
    }
}

impl Expr {
    /// If this expression is a plain dotted reference (`a.b.c`), its parts.
    pub fn as_reference(&self) -> Option<Vec<&str>> {
        match &self.kind {
            ExprKind::Ident(name) => Some(vec![name.as_str()]),
            ExprKind::Access { value, name } => {
                let mut parts = value.as_reference()?;
                parts.push(name.as_str());
                Some(parts)
            }
            _ => None,
        }
    }
}

impl File {
    /// Whether every node has a source position (true for parsed files, false
    /// when some node was built in code).
    pub fn fully_positioned(&self) -> bool {
        body_positioned(&self.body)
    }
}

fn body_positioned(body: &[Stmt]) -> bool {
    body.iter().all(|s| match s {
        Stmt::Attribute(a) => {
            a.span.start.is_known() && a.leading_comments.is_empty() && expr_positioned(&a.value)
        }
        Stmt::Block(b) => {
            b.span.start.is_known() && b.leading_comments.is_empty() && body_positioned(&b.body)
        }
    })
}

fn expr_positioned(e: &Expr) -> bool {
    if !e.span.start.is_known() {
        return false;
    }
    match &e.kind {
        ExprKind::Access { value, .. } => expr_positioned(value),
        ExprKind::Index { value, index, .. } => expr_positioned(value) && expr_positioned(index),
        ExprKind::Call { func, args, .. } => {
            expr_positioned(func) && args.iter().all(expr_positioned)
        }
        ExprKind::Array(items) => items.iter().all(expr_positioned),
        ExprKind::Object(fields) => fields
            .iter()
            .all(|f| f.key_pos.is_known() && expr_positioned(&f.value)),
        ExprKind::Unary { value, .. } => expr_positioned(value),
        ExprKind::Binary { lhs, rhs, .. } => expr_positioned(lhs) && expr_positioned(rhs),
        ExprKind::Paren(inner) => expr_positioned(inner),
        _ => true,
    }
}
