//! Ergonomic constructors for building Alloy files in Rust code.
//!
//! ```
//! use o11yc_alloy::{Block, Expr, File};
//!
//! let write = Block::new("loki.write", Some("default"))
//!     .block(Block::new("endpoint", None).attr("url", "http://loki:3100/loki/api/v1/push"));
//! let source = Block::new("loki.source.kubernetes", Some("pods"))
//!     .attr("targets", Expr::reference("discovery.kubernetes.pods.targets"))
//!     .attr("forward_to", Expr::array([write.export("receiver")]));
//! let file = File::new().block(source).block(write);
//! assert!(o11yc_alloy::print(&file).contains("forward_to = [loki.write.default.receiver]"));
//! ```

use super::ast::*;
use super::quote::is_identifier;

fn expr(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

impl File {
    /// An empty file.
    pub fn new() -> Self {
        File::default()
    }

    /// Appends a block (builder style).
    pub fn block(mut self, block: Block) -> Self {
        self.body.push(Stmt::Block(block));
        self
    }

    /// Appends several blocks (builder style).
    pub fn blocks(mut self, blocks: impl IntoIterator<Item = Block>) -> Self {
        self.body.extend(blocks.into_iter().map(Stmt::Block));
        self
    }

    /// Appends a top-level attribute (builder style).
    pub fn attr(mut self, name: impl Into<String>, value: impl Into<Expr>) -> Self {
        self.body.push(Stmt::Attribute(Attribute::new(name, value)));
        self
    }

    /// Adds a header comment line printed at the top of the file. `text` may
    /// omit the `// ` prefix.
    pub fn comment(mut self, text: impl AsRef<str>) -> Self {
        let t = text.as_ref();
        let text = if t.starts_with("//") || t.starts_with("/*") {
            t.to_string()
        } else if t.is_empty() {
            "//".to_string()
        } else {
            format!("// {t}")
        };
        // Header comments go before any positioned comment.
        let at = self
            .comments
            .iter()
            .position(|c| c.pos.is_known())
            .unwrap_or(self.comments.len());
        self.comments.insert(
            at,
            Comment {
                text,
                pos: Pos::default(),
            },
        );
        self
    }

    /// Appends a statement in place.
    pub fn push(&mut self, stmt: impl Into<Stmt>) {
        self.body.push(stmt.into());
    }

    /// Top-level blocks.
    pub fn blocks_iter(&self) -> impl Iterator<Item = &Block> {
        self.body.iter().filter_map(|s| match s {
            Stmt::Block(b) => Some(b),
            Stmt::Attribute(_) => None,
        })
    }

    /// The top-level block with this dotted name and label, if any.
    pub fn find_block(&self, name: &str, label: Option<&str>) -> Option<&Block> {
        self.blocks_iter()
            .find(|b| b.full_name() == name && b.label.as_deref() == label)
    }
}

impl From<Block> for Stmt {
    fn from(b: Block) -> Self {
        Stmt::Block(b)
    }
}

impl From<Attribute> for Stmt {
    fn from(a: Attribute) -> Self {
        Stmt::Attribute(a)
    }
}

impl Attribute {
    /// `name = value`.
    pub fn new(name: impl Into<String>, value: impl Into<Expr>) -> Self {
        Attribute {
            name: name.into(),
            value: value.into(),
            span: Span::default(),
            leading_comments: LeadingComments::default(),
        }
    }
}

impl Block {
    /// A block named by a dotted path (`"loki.write"`) with an optional label.
    pub fn new(name: &str, label: Option<&str>) -> Self {
        Block {
            name: name.split('.').map(str::to_string).collect(),
            label: label.map(str::to_string),
            body: Vec::new(),
            span: Span::default(),
            label_pos: Pos::default(),
            lcurly: Pos::default(),
            rcurly: Pos::default(),
            leading_comments: LeadingComments::default(),
        }
    }

    /// Shorthand for `Block::new(name, Some(label))`.
    pub fn labeled(name: &str, label: &str) -> Self {
        Block::new(name, Some(label))
    }

    /// Appends `name = value` (builder style).
    pub fn attr(mut self, name: impl Into<String>, value: impl Into<Expr>) -> Self {
        self.body.push(Stmt::Attribute(Attribute::new(name, value)));
        self
    }

    /// Appends `name = value` only when `value` is `Some`.
    pub fn attr_opt<V: Into<Expr>>(self, name: impl Into<String>, value: Option<V>) -> Self {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    /// Appends a nested block (builder style).
    pub fn block(mut self, block: Block) -> Self {
        self.body.push(Stmt::Block(block));
        self
    }

    /// Appends several nested blocks (builder style).
    pub fn blocks(mut self, blocks: impl IntoIterator<Item = Block>) -> Self {
        self.body.extend(blocks.into_iter().map(Stmt::Block));
        self
    }

    /// Adds a comment line printed above this block. `text` may omit `// `.
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.leading_comments.push(text.into());
        self
    }

    /// Appends a statement in place.
    pub fn push(&mut self, stmt: impl Into<Stmt>) {
        self.body.push(stmt.into());
    }

    /// The value of attribute `name` in this block's body.
    pub fn get(&self, name: &str) -> Option<&Expr> {
        self.body.iter().find_map(|s| match s {
            Stmt::Attribute(a) if a.name == name => Some(&a.value),
            _ => None,
        })
    }

    /// Nested blocks with this dotted name.
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.body.iter().filter_map(move |s| match s {
            Stmt::Block(b) if b.full_name() == name => Some(b),
            _ => None,
        })
    }

    /// A reference to one of this component's exports, e.g.
    /// `loki.write.default.receiver` for `export("receiver")`.
    pub fn export(&self, export: &str) -> Expr {
        Expr::reference(&format!("{}.{export}", self.id()))
    }
}

impl Expr {
    /// `null`.
    pub fn null() -> Expr {
        expr(ExprKind::Null)
    }

    /// `true` / `false`.
    pub fn bool(b: bool) -> Expr {
        expr(ExprKind::Bool(b))
    }

    /// An integer literal.
    pub fn int(n: i64) -> Expr {
        expr(ExprKind::Number(n.to_string()))
    }

    /// A float literal (`1.5`, `2.0`); non-finite values become `null`.
    pub fn float(n: f64) -> Expr {
        if n.is_finite() {
            expr(ExprKind::Number(format!("{n:?}")))
        } else {
            Expr::null()
        }
    }

    /// A double-quoted string (escaped when printed).
    pub fn string(s: impl Into<String>) -> Expr {
        expr(ExprKind::String(s.into()))
    }

    /// A backtick raw string (printed as a quoted string if it contains a
    /// backtick).
    pub fn raw_string(s: impl Into<String>) -> Expr {
        expr(ExprKind::RawString(s.into()))
    }

    /// A bare identifier.
    pub fn ident(name: impl Into<String>) -> Expr {
        expr(ExprKind::Ident(name.into()))
    }

    /// A dotted reference such as `loki.write.default.receiver`.
    pub fn reference(path: &str) -> Expr {
        let mut parts = path.split('.');
        let mut e = Expr::ident(parts.next().unwrap_or_default());
        for p in parts {
            e = e.access(p);
        }
        e
    }

    /// `[items...]`.
    pub fn array<T: Into<Expr>>(items: impl IntoIterator<Item = T>) -> Expr {
        expr(ExprKind::Array(items.into_iter().map(Into::into).collect()))
    }

    /// `{ key = value, ... }` in the given order; keys that are not valid
    /// identifiers are quoted.
    pub fn object<K: Into<String>, V: Into<Expr>>(
        fields: impl IntoIterator<Item = (K, V)>,
    ) -> Expr {
        expr(ExprKind::Object(
            fields
                .into_iter()
                .map(|(k, v)| {
                    let key = k.into();
                    ObjectField {
                        quoted: !is_identifier(&key),
                        key,
                        value: v.into(),
                        key_pos: Pos::default(),
                    }
                })
                .collect(),
        ))
    }

    /// A call of a dotted function name: `Expr::call("sys.env", [Expr::string("X")])`.
    pub fn call<T: Into<Expr>>(func: &str, args: impl IntoIterator<Item = T>) -> Expr {
        expr(ExprKind::Call {
            func: Box::new(Expr::reference(func)),
            args: args.into_iter().map(Into::into).collect(),
            lparen: Pos::default(),
        })
    }

    /// `self.name`.
    pub fn access(self, name: impl Into<String>) -> Expr {
        expr(ExprKind::Access {
            value: Box::new(self),
            name: name.into(),
        })
    }

    /// `self[index]`.
    pub fn index(self, index: impl Into<Expr>) -> Expr {
        expr(ExprKind::Index {
            value: Box::new(self),
            index: Box::new(index.into()),
            lbrack: Pos::default(),
        })
    }

    /// `op self`.
    pub fn unary(op: UnaryOp, value: impl Into<Expr>) -> Expr {
        expr(ExprKind::Unary {
            op,
            value: Box::new(value.into()),
        })
    }

    /// `lhs op rhs` (parentheses are added when printing if needed).
    pub fn binary(op: BinaryOp, lhs: impl Into<Expr>, rhs: impl Into<Expr>) -> Expr {
        expr(ExprKind::Binary {
            op,
            op_pos: Pos::default(),
            lhs: Box::new(lhs.into()),
            rhs: Box::new(rhs.into()),
        })
    }

    /// `(inner)`.
    pub fn paren(inner: impl Into<Expr>) -> Expr {
        expr(ExprKind::Paren(Box::new(inner.into())))
    }
}

impl From<&str> for Expr {
    fn from(s: &str) -> Self {
        Expr::string(s)
    }
}

impl From<String> for Expr {
    fn from(s: String) -> Self {
        Expr::string(s)
    }
}

impl From<&String> for Expr {
    fn from(s: &String) -> Self {
        Expr::string(s.clone())
    }
}

impl From<bool> for Expr {
    fn from(b: bool) -> Self {
        Expr::bool(b)
    }
}

macro_rules! int_into_expr {
    ($($t:ty),*) => {$(
        impl From<$t> for Expr {
            fn from(n: $t) -> Self {
                expr(ExprKind::Number(n.to_string()))
            }
        }
    )*};
}
int_into_expr!(i32, i64, u16, u32, u64, usize);

impl From<f64> for Expr {
    fn from(n: f64) -> Self {
        Expr::float(n)
    }
}

impl From<Vec<Expr>> for Expr {
    fn from(items: Vec<Expr>) -> Self {
        Expr::array(items)
    }
}

impl<T: Into<Expr>> From<Option<T>> for Expr {
    fn from(v: Option<T>) -> Self {
        v.map_or_else(Expr::null, Into::into)
    }
}
