//! Canonical layout for trees built in code (no source positions).
//!
//! The output is valid Alloy with a fixed, readable line structure (blocks
//! and non-empty objects on several lines, short arrays of simple values on
//! one line). [`super::printer::print_file`] re-parses it and formats it,
//! so the final text is always in `alloy fmt` form.

use super::ast::*;
use super::quote::{is_identifier, quote};
use std::fmt::Write as _;

/// Longest single-line array (in characters) before it is split one element
/// per line.
const MAX_INLINE_ARRAY: usize = 80;

/// Prints `file` in canonical layout. Comments with known positions are
/// re-inserted before the statement that followed them; comments with
/// unknown positions (added in code) go to the top of the file.
pub fn print(file: &File) -> String {
    let mut w = Writer {
        out: String::new(),
        comments: &file.comments,
        next_comment: 0,
    };
    // Comments added in code have no position: they form a file header.
    while let Some(c) = w.comments.get(w.next_comment) {
        if c.pos.is_known() {
            break;
        }
        w.out.push_str(&c.text);
        w.out.push('\n');
        w.next_comment += 1;
    }
    if w.next_comment > 0 && !file.body.is_empty() {
        w.out.push('\n');
    }
    w.body(&file.body, 0);
    w.comments_before(usize::MAX, 0);
    w.out
}

struct Writer<'a> {
    out: String,
    comments: &'a [Comment],
    next_comment: usize,
}

fn comment_text(text: &str) -> String {
    let t = text.trim_end();
    if t.starts_with("//") || t.starts_with("/*") {
        t.to_string()
    } else if t.is_empty() {
        "//".to_string()
    } else {
        format!("// {t}")
    }
}

impl Writer<'_> {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push('\t');
        }
    }

    fn comments_before(&mut self, offset: usize, level: usize) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.pos.is_known() && c.pos.index() >= offset {
                break;
            }
            self.next_comment += 1;
            self.indent(level);
            self.out.push_str(&c.text);
            self.out.push('\n');
        }
    }

    fn body(&mut self, stmts: &[Stmt], level: usize) {
        for (i, stmt) in stmts.iter().enumerate() {
            // Blocks are separated by a blank line (before their comments).
            if i > 0 && matches!(stmt, Stmt::Block(_)) {
                self.out.push('\n');
            }
            let span = stmt.span();
            if span.start.is_known() {
                self.comments_before(span.start.index(), level);
            }
            match stmt {
                Stmt::Attribute(a) => {
                    for c in &a.leading_comments {
                        self.indent(level);
                        self.out.push_str(&comment_text(c));
                        self.out.push('\n');
                    }
                    self.indent(level);
                    self.out.push_str(&a.name);
                    self.out.push_str(" = ");
                    self.expr(&a.value, level);
                    self.out.push('\n');
                }
                Stmt::Block(b) => {
                    for c in &b.leading_comments {
                        self.indent(level);
                        self.out.push_str(&comment_text(c));
                        self.out.push('\n');
                    }
                    self.indent(level);
                    self.out.push_str(&b.full_name());
                    if let Some(label) = &b.label {
                        self.out.push(' ');
                        self.out.push_str(&quote(label));
                    }
                    self.out.push_str(" {\n");
                    self.body(&b.body, level + 1);
                    if b.rcurly.is_known() {
                        self.comments_before(b.rcurly.index(), level + 1);
                    }
                    self.indent(level);
                    self.out.push_str("}\n");
                }
            }
        }
    }

    fn inline(&self, e: &Expr) -> Option<String> {
        let mut w = Writer {
            out: String::new(),
            comments: &[],
            next_comment: 0,
        };
        w.expr(e, 0);
        (!w.out.contains('\n')).then_some(w.out)
    }

    fn expr(&mut self, e: &Expr, level: usize) {
        match &e.kind {
            ExprKind::Null => self.out.push_str("null"),
            ExprKind::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            ExprKind::Number(n) => self.out.push_str(n),
            ExprKind::String(s) => self.out.push_str(&quote(s)),
            ExprKind::RawString(s) => {
                if s.contains('`') {
                    self.out.push_str(&quote(s));
                } else {
                    let _ = write!(self.out, "`{s}`");
                }
            }
            ExprKind::Ident(name) => self.out.push_str(name),
            ExprKind::Access { value, name } => {
                self.operand(value, level);
                self.out.push('.');
                self.out.push_str(name);
            }
            ExprKind::Index { value, index, .. } => {
                self.operand(value, level);
                self.out.push('[');
                self.expr(index, level);
                self.out.push(']');
            }
            ExprKind::Call { func, args, .. } => {
                self.operand(func, level);
                self.out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(a, level);
                }
                self.out.push(')');
            }
            ExprKind::Array(items) => self.array(items, level),
            ExprKind::Object(fields) => {
                if fields.is_empty() {
                    self.out.push_str("{}");
                    return;
                }
                self.out.push_str("{\n");
                for f in fields {
                    self.indent(level + 1);
                    if f.quoted || !is_identifier(&f.key) {
                        self.out.push_str(&quote(&f.key));
                    } else {
                        self.out.push_str(&f.key);
                    }
                    self.out.push_str(" = ");
                    self.expr(&f.value, level + 1);
                    self.out.push_str(",\n");
                }
                self.indent(level);
                self.out.push('}');
            }
            ExprKind::Unary { op, value } => {
                self.out.push_str(op.as_str());
                if matches!(value.kind, ExprKind::Binary { .. }) {
                    self.out.push('(');
                    self.expr(value, level);
                    self.out.push(')');
                } else {
                    self.expr(value, level);
                }
            }
            ExprKind::Binary { op, lhs, rhs, .. } => {
                let prec = op.precedence();
                let right_assoc = *op == BinaryOp::Pow;
                self.binary_side(lhs, prec, right_assoc, level);
                let _ = write!(self.out, " {} ", op.as_str());
                self.binary_side(rhs, prec, !right_assoc, level);
            }
            ExprKind::Paren(inner) => {
                self.out.push('(');
                self.expr(inner, level);
                self.out.push(')');
            }
        }
    }

    /// Operand of a postfix operator (`.x`, `[i]`, `(args)`): parenthesised
    /// when it is not itself a postfix/primary expression.
    fn operand(&mut self, e: &Expr, level: usize) {
        if matches!(e.kind, ExprKind::Binary { .. } | ExprKind::Unary { .. }) {
            self.out.push('(');
            self.expr(e, level);
            self.out.push(')');
        } else {
            self.expr(e, level);
        }
    }

    fn binary_side(&mut self, e: &Expr, parent: u8, strict: bool, level: usize) {
        let needs = match &e.kind {
            ExprKind::Binary { op, .. } => {
                op.precedence() < parent || (strict && op.precedence() == parent)
            }
            _ => false,
        };
        if needs {
            self.out.push('(');
            self.expr(e, level);
            self.out.push(')');
        } else {
            self.expr(e, level);
        }
    }

    fn array(&mut self, items: &[Expr], level: usize) {
        if items.is_empty() {
            self.out.push_str("[]");
            return;
        }
        let simple = items.iter().all(|i| {
            !matches!(&i.kind, ExprKind::Object(f) if !f.is_empty())
                && !matches!(&i.kind, ExprKind::Array(a) if !a.is_empty())
        });
        if simple {
            let parts: Option<Vec<String>> = items.iter().map(|i| self.inline(i)).collect();
            if let Some(parts) = parts {
                let line = format!("[{}]", parts.join(", "));
                if line.chars().count() <= MAX_INLINE_ARRAY {
                    self.out.push_str(&line);
                    return;
                }
            }
        }
        self.out.push_str("[\n");
        for item in items {
            self.indent(level + 1);
            self.expr(item, level + 1);
            self.out.push_str(",\n");
        }
        self.indent(level);
        self.out.push(']');
    }
}
