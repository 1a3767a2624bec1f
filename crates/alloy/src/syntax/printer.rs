//! Prints a [`File`] exactly the way `alloy fmt` does.
//!
//! The printer walks the tree and emits tokens plus abstract whitespace
//! (blank, alignment tab, newline, section break, indent, unindent). Layout
//! decisions follow the source positions: elements that shared a line keep
//! sharing it, blank lines between statements are kept (at most one), and
//! comments are re-inserted before the first token that followed them.
//! Runs of `name = value` lines and trailing comments are aligned with
//! elastic tabstops ([`super::tabwriter`]).
//!
//! Trees built in code (unknown positions) are first printed in a canonical
//! layout by [`super::canonical`], re-parsed, and then printed here, so both
//! kinds of tree end up in `alloy fmt` form.

use super::ast::*;
use super::quote::quote;
use super::tabwriter::{self, ESCAPE};

/// Prints `file` in `alloy fmt` style, ending with a single newline (or
/// returning an empty string for an empty file).
pub fn print_file(file: &File) -> String {
    if !file.fully_positioned() {
        return reprint(super::canonical::print(file));
    }
    print_positioned(file)
}

/// [`print_file`], consuming `file`: a tree built in code is dropped as soon as its
/// canonical text exists, and that text as soon as it is parsed back, so at most one
/// tree of the file is alive at a time (what bounds the memory of a large pipeline).
pub fn print_file_owned(file: File) -> String {
    if file.fully_positioned() {
        return print_positioned(&file);
    }
    let canonical = super::canonical::print(&file);
    drop(file);
    reprint(canonical)
}

/// Parses canonical text back (for positions) and prints that tree.
fn reprint(canonical: String) -> String {
    match super::parser::parse_file(&canonical) {
        Ok(reparsed) if reparsed.fully_positioned() => {
            drop(canonical);
            print_positioned(&reparsed)
        }
        // Unreachable for well-formed trees; fall back to the canonical text.
        _ => canonical,
    }
}

fn print_positioned(file: &File) -> String {
    let mut p = Printer::new(&file.comments);
    p.walk_stmts(&file.body);
    p.flush(
        Pos {
            offset: u32::MAX,
            line: u32::MAX,
        },
        Tok::Eof,
    );
    let mut text = tabwriter::align(&p.output);
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ws {
    Ignore,
    Blank,
    VTab,
    Newline,
    Formfeed,
    Indent,
    Unindent,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    Whitespace,
    Ident,
    Number,
    String,
    Div,
    Other,
    Eof,
}

/// Printer position. Unlike [`Pos`] it compares by value.
#[derive(Clone, Copy, Debug)]
struct P {
    offset: usize,
    line: usize,
    col: usize,
}

impl From<Pos> for P {
    fn from(p: Pos) -> Self {
        // The source column is never consulted; the output column is tracked separately.
        P {
            offset: p.offset as usize,
            line: p.line as usize,
            col: 1,
        }
    }
}

struct Printer<'a> {
    output: Vec<u8>,
    indent: usize,
    last_tok: Tok,
    whitespace: Vec<Ws>,
    comments: &'a [Comment],
    next_comment: usize,
    pos: P,
    last: P,
    out: P,
}

fn different_lines(a: Pos, b: Pos) -> bool {
    a.line != b.line
}

fn node_lines(span: Span) -> usize {
    span.end.line.saturating_sub(span.start.line) as usize + 1
}

impl<'a> Printer<'a> {
    fn new(comments: &'a [Comment]) -> Self {
        let start = P {
            offset: 0,
            line: 1,
            col: 1,
        };
        Printer {
            output: Vec::new(),
            indent: 0,
            last_tok: Tok::Whitespace,
            whitespace: Vec::with_capacity(16),
            comments,
            next_comment: 0,
            pos: start,
            last: start,
            out: start,
        }
    }

    // ----- low-level writing --------------------------------------------

    fn ws(&mut self, w: Ws) {
        self.whitespace.push(w);
        self.last_tok = Tok::Whitespace;
    }

    fn set_pos(&mut self, pos: Pos) {
        if pos.is_known() {
            self.pos = pos.into();
        }
    }

    fn text(&mut self, data: &str, tok: Tok) {
        let may_combine = match self.last_tok {
            Tok::Number => data.starts_with('.'),
            Tok::Div => data.starts_with('*'),
            _ => false,
        };
        if may_combine && tok != Tok::Ident && tok != Tok::String {
            self.whitespace.clear();
            self.whitespace.push(Ws::Blank);
        }
        self.last_tok = tok;
        let next = self.pos;
        self.flush(next.into_pos(), tok);
        // String literals are opaque to the tab writer, like comments: a tab,
        // vertical tab or form feed inside one is text, not layout.
        self.write_string(next, data, tok == Tok::String);
    }

    fn comment_before(&self, next: Pos) -> bool {
        self.comments
            .get(self.next_comment)
            .is_some_and(|c| c.pos.offset <= next.offset)
    }

    fn flush(&mut self, next: Pos, tok: Tok) {
        if self.comment_before(next) {
            self.inject_comments(next, tok);
        } else if tok != Tok::Eof {
            let n = self.whitespace.len();
            self.write_whitespace(n);
        }
    }

    fn inject_comments(&mut self, next: Pos, tok: Tok) {
        let mut last: Option<&Comment> = None;
        while self.comment_before(next) {
            let c = &self.comments[self.next_comment];
            self.next_comment += 1;
            self.write_comment_prefix(next, c);
            self.write_string(c.pos.into(), &c.text, true);
            last = Some(c);
        }
        if let Some(c) = last {
            self.write_comment_suffix(next, tok, c);
        }
    }

    fn write_comment_prefix(&mut self, next: Pos, c: &Comment) {
        if self.output.is_empty() {
            return;
        }
        let line = c.pos.line as usize;
        if line == self.last.line {
            let sep = if c.pos.line == next.line { b' ' } else { b'\t' };
            self.write_byte(sep, 1);
        } else {
            let mut count = 0;
            for i in 0..self.whitespace.len() {
                match self.whitespace[i] {
                    Ws::Indent | Ws::Unindent => continue,
                    Ws::Blank | Ws::VTab | Ws::Newline | Ws::Formfeed => {
                        self.whitespace[i] = Ws::Ignore;
                    }
                    Ws::Ignore => {}
                }
                count = i;
                break;
            }
            self.write_whitespace(count);
            let newlines = line.saturating_sub(self.last.line);
            if newlines > 0 {
                self.write_byte(b'\x0c', newlines.min(2));
            }
        }
    }

    fn write_comment_suffix(&mut self, next: Pos, tok: Tok, last: &Comment) {
        if tok == Tok::Eof {
            return;
        }
        let end_line = last.pos.line as usize + last.text.bytes().filter(|&b| b == b'\n').count();
        if last.text.starts_with("/*") && next.line as usize == end_line {
            self.write_byte(b' ', 1);
        }
        let newlines = (next.line as usize).saturating_sub(self.last.line);
        let mut dropped_ff = false;
        for w in self.whitespace.iter_mut() {
            match *w {
                Ws::Blank | Ws::VTab => *w = Ws::Ignore,
                Ws::Newline => *w = Ws::Ignore,
                Ws::Formfeed => {
                    dropped_ff = true;
                    *w = Ws::Ignore;
                }
                _ => {}
            }
        }
        let n = self.whitespace.len();
        self.write_whitespace(n);
        if newlines > 0 {
            let ch = if dropped_ff { b'\x0c' } else { b'\n' };
            self.write_byte(ch, newlines.min(2));
        }
    }

    fn write_string(&mut self, pos: P, s: &str, literal: bool) {
        if self.out.col == 1 {
            self.write_indent();
        }
        if pos.line > 0 {
            self.pos = pos;
        }
        if literal {
            self.output.push(ESCAPE);
        }
        self.output.extend_from_slice(s.as_bytes());
        if literal {
            self.output.push(ESCAPE);
        }
        let mut newlines = 0;
        let mut last_nl = 0;
        // Only `\n` ends a line of the source: a form feed inside a comment
        // or raw string is text (counting it made the printer think the
        // comment already ended its line, joining the next line into it).
        for (i, b) in s.bytes().enumerate() {
            if b == b'\n' {
                newlines += 1;
                last_nl = i;
            }
        }
        self.pos.offset = self.pos.offset.saturating_add(s.len());
        if newlines > 0 {
            self.pos.line += newlines;
            self.out.line += newlines;
            let col = s.len() - last_nl;
            self.pos.col = col;
            self.out.col = col;
        } else {
            self.pos.col += s.len();
            self.out.col += s.len();
        }
        self.last = self.pos;
    }

    fn write_indent(&mut self) {
        for _ in 0..self.indent {
            self.output.push(b'\t');
        }
        self.pos.offset = self.pos.offset.saturating_add(self.indent);
        self.pos.col += self.indent;
        self.out.col += self.indent;
    }

    fn write_byte(&mut self, ch: u8, n: usize) {
        if self.out.col == 1 {
            self.write_indent();
        }
        for _ in 0..n {
            self.output.push(ch);
        }
        self.pos.offset = self.pos.offset.saturating_add(n);
        if ch == b'\n' || ch == b'\x0c' {
            self.pos.line += n;
            self.out.line += n;
            self.pos.col = 1;
            self.out.col = 1;
        } else {
            self.pos.col += n;
            self.out.col += n;
        }
    }

    fn write_whitespace(&mut self, n: usize) {
        let n = n.min(self.whitespace.len());
        for i in 0..n {
            match self.whitespace[i] {
                Ws::Ignore => {}
                Ws::Indent => self.indent += 1,
                Ws::Unindent => self.indent = self.indent.saturating_sub(1),
                Ws::Blank => self.write_byte(b' ', 1),
                Ws::VTab => self.write_byte(b'\x0b', 1),
                Ws::Newline => self.write_byte(b'\n', 1),
                Ws::Formfeed => self.write_byte(b'\x0c', 1),
            }
        }
        self.whitespace.drain(..n);
    }

    // ----- layout queries -----------------------------------------------

    /// Whether a comment starts strictly inside `span`.
    fn has_comment_inside(&self, span: Span) -> bool {
        let i = self
            .comments
            .partition_point(|c| c.pos.offset <= span.start.offset);
        self.comments
            .get(i)
            .is_some_and(|c| c.pos.offset < span.end.offset)
    }

    /// Whether the statement will be printed on more than one line.
    ///
    /// `alloy fmt` uses the statement's *source* line count here, which makes
    /// it non-idempotent for inputs like `x = {\n}` (printed as `x = {}`).
    /// Using the printed line count gives the same result on formatted input
    /// and makes printing idempotent.
    fn stmt_multiline(&self, s: &Stmt) -> bool {
        let span = s.span();
        if node_lines(span) > 1 && self.has_comment_inside(span) {
            return true;
        }
        match s {
            Stmt::Attribute(a) => self.expr_multiline(&a.value),
            Stmt::Block(b) => !b.body.is_empty(),
        }
    }

    /// Whether the expression will be printed on more than one line.
    fn expr_multiline(&self, e: &Expr) -> bool {
        if node_lines(e.span) > 1 && self.has_comment_inside(e.span) {
            return true;
        }
        match &e.kind {
            ExprKind::RawString(s) => s.contains('\n'),
            ExprKind::Access { value, .. } => self.expr_multiline(value),
            ExprKind::Index { value, index, .. } => {
                self.expr_multiline(value) || self.expr_multiline(index)
            }
            ExprKind::Unary { value, .. } => self.expr_multiline(value),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr_multiline(lhs) || self.expr_multiline(rhs)
            }
            ExprKind::Paren(inner) => self.expr_multiline(inner),
            ExprKind::Array(items) => {
                let mut prev = e.span.start;
                for item in items {
                    if different_lines(prev, item.span.start) || self.expr_multiline(item) {
                        return true;
                    }
                    prev = item.span.end;
                }
                !items.is_empty() && different_lines(prev, e.span.end)
            }
            ExprKind::Object(fields) => {
                let mut prev = e.span.start;
                for f in fields {
                    if different_lines(prev, f.key_pos) || self.expr_multiline(&f.value) {
                        return true;
                    }
                    prev = f.key_pos;
                }
                !fields.is_empty() && different_lines(prev, e.span.end)
            }
            ExprKind::Call { func, args, lparen } => {
                if self.expr_multiline(func) {
                    return true;
                }
                let mut prev = *lparen;
                for a in args {
                    if different_lines(prev, a.span.start) || self.expr_multiline(a) {
                        return true;
                    }
                    prev = a.span.end;
                }
                !args.is_empty() && different_lines(prev, e.span.end)
            }
            _ => false,
        }
    }

    // ----- tree walking -------------------------------------------------

    fn walk_stmts(&mut self, stmts: &[Stmt]) {
        for (i, s) in stmts.iter().enumerate() {
            let mut added_spacing = false;
            if i > 0 && matches!(s, Stmt::Block(_)) {
                self.ws(Ws::Formfeed);
                added_spacing = true;
            }
            if i > 0 && !added_spacing {
                let prev = stmts[i - 1].span().end.line;
                let cur = s.span().start.line;
                if cur > prev + 1 {
                    self.ws(Ws::Formfeed);
                }
            }
            match s {
                Stmt::Attribute(a) => self.walk_attribute(a),
                Stmt::Block(b) => self.walk_block(b),
            }
            if self.stmt_multiline(s) {
                self.ws(Ws::Formfeed);
            } else {
                self.ws(Ws::Newline);
            }
        }
    }

    fn walk_attribute(&mut self, a: &Attribute) {
        self.set_pos(a.span.start);
        self.text(&a.name, Tok::Ident);
        self.ws(Ws::VTab);
        self.text("=", Tok::Other);
        self.ws(Ws::Blank);
        self.walk_expr(&a.value);
    }

    fn walk_block(&mut self, b: &Block) {
        self.set_pos(b.span.start);
        self.text(&b.full_name(), Tok::Ident);
        if let Some(label) = &b.label {
            self.ws(Ws::Blank);
            self.set_pos(b.label_pos);
            self.text(&quote(label), Tok::String);
        }
        self.ws(Ws::Blank);
        self.set_pos(b.lcurly);
        self.text("{", Tok::Other);
        self.ws(Ws::Indent);
        if b.body.is_empty() {
            self.ws(Ws::Blank);
        } else {
            self.ws(Ws::Formfeed);
            self.walk_stmts(&b.body);
        }
        self.ws(Ws::Unindent);
        self.set_pos(b.rcurly);
        self.text("}", Tok::Other);
    }

    fn walk_expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Null => self.literal(e, "null", Tok::Other),
            ExprKind::Bool(b) => self.literal(e, if *b { "true" } else { "false" }, Tok::Other),
            ExprKind::Number(n) => {
                let tok = if n.contains(['.', 'e', 'E']) {
                    Tok::Other
                } else {
                    Tok::Number
                };
                self.literal(e, n, tok)
            }
            ExprKind::String(s) => self.literal(e, &quote(s), Tok::String),
            ExprKind::RawString(s) => self.literal(e, &format!("`{s}`"), Tok::String),
            ExprKind::Ident(name) => self.literal(e, name, Tok::Ident),
            ExprKind::Access { value, name } => {
                self.walk_expr(value);
                self.text(".", Tok::Other);
                self.text(name, Tok::Ident);
            }
            ExprKind::Index {
                value,
                index,
                lbrack,
            } => {
                self.walk_expr(value);
                self.set_pos(*lbrack);
                self.text("[", Tok::Other);
                self.walk_expr(index);
                self.set_pos(e.span.end);
                self.text("]", Tok::Other);
            }
            ExprKind::Call { func, args, lparen } => self.walk_call(e, func, args, *lparen),
            ExprKind::Array(items) => self.walk_array(e, items),
            ExprKind::Object(fields) => self.walk_object(e, fields),
            ExprKind::Unary { op, value } => {
                self.set_pos(e.span.start);
                self.text(op.as_str(), Tok::Other);
                self.walk_expr(value);
            }
            ExprKind::Binary {
                op,
                op_pos,
                lhs,
                rhs,
            } => {
                self.walk_expr(lhs);
                self.ws(Ws::Blank);
                self.set_pos(*op_pos);
                let tok = if *op == BinaryOp::Div {
                    Tok::Div
                } else {
                    Tok::Other
                };
                self.text(op.as_str(), tok);
                self.ws(Ws::Blank);
                self.walk_expr(rhs);
            }
            ExprKind::Paren(inner) => {
                self.set_pos(e.span.start);
                self.text("(", Tok::Other);
                self.walk_expr(inner);
                self.set_pos(e.span.end);
                self.text(")", Tok::Other);
            }
        }
    }

    fn literal(&mut self, e: &Expr, text: &str, tok: Tok) {
        self.set_pos(e.span.start);
        self.text(text, tok);
        // An escaped string is longer than its source; continue from the
        // source offset so comments after it keep their place.
        if e.span.end.is_known() {
            self.pos.offset = e.span.end.index() + 1;
            self.last.offset = self.pos.offset;
        }
    }

    fn walk_array(&mut self, e: &Expr, items: &[Expr]) {
        self.set_pos(e.span.start);
        self.text("[", Tok::Other);
        let mut prev = e.span.start;
        for (i, item) in items.iter().enumerate() {
            let mut added_newline = false;
            if different_lines(prev, item.span.start) {
                self.ws(Ws::Indent);
                self.ws(Ws::Formfeed);
                added_newline = true;
            } else if i > 0 {
                self.ws(Ws::Blank);
            }
            prev = item.span.end;
            self.walk_expr(item);
            if i + 1 < items.len() {
                self.text(",", Tok::Other);
            }
            if added_newline {
                self.ws(Ws::Unindent);
            }
        }
        let rbrack = e.span.end;
        if !items.is_empty() && different_lines(prev, rbrack) {
            self.text(",", Tok::Other);
            self.ws(Ws::Indent);
            self.ws(Ws::Formfeed);
            self.ws(Ws::Unindent);
        }
        self.set_pos(rbrack);
        self.text("]", Tok::Other);
    }

    fn walk_object(&mut self, e: &Expr, fields: &[ObjectField]) {
        self.set_pos(e.span.start);
        self.text("{", Tok::Other);
        self.ws(Ws::Indent);
        let mut prev = e.span.start;
        for (i, field) in fields.iter().enumerate() {
            if different_lines(prev, field.key_pos) {
                if i > 0 && !self.expr_multiline(&fields[i - 1].value) {
                    self.ws(Ws::Newline);
                } else {
                    self.ws(Ws::Formfeed);
                }
            } else if i > 0 {
                self.ws(Ws::Blank);
            }
            prev = field.key_pos;
            self.set_pos(field.key_pos);
            if field.quoted {
                self.text(&quote(&field.key), Tok::String);
            } else {
                self.text(&field.key, Tok::Ident);
            }
            self.ws(Ws::VTab);
            self.text("=", Tok::Other);
            self.ws(Ws::Blank);
            self.walk_expr(&field.value);
            if i + 1 < fields.len() {
                self.text(",", Tok::Other);
            }
        }
        let rcurly = e.span.end;
        if !fields.is_empty() && different_lines(prev, rcurly) {
            self.text(",", Tok::Other);
            self.ws(Ws::Formfeed);
        }
        self.ws(Ws::Unindent);
        self.set_pos(rcurly);
        self.text("}", Tok::Other);
    }

    fn walk_call(&mut self, e: &Expr, func: &Expr, args: &[Expr], lparen: Pos) {
        self.walk_expr(func);
        self.set_pos(lparen);
        self.text("(", Tok::Other);
        let mut prev = lparen;
        for (i, arg) in args.iter().enumerate() {
            let mut added_newline = false;
            if different_lines(prev, arg.span.start) {
                self.ws(Ws::Formfeed);
                self.ws(Ws::Indent);
                added_newline = true;
            }
            self.walk_expr(arg);
            prev = arg.span.end;
            if i + 1 < args.len() {
                self.text(",", Tok::Other);
                self.ws(Ws::Blank);
            }
            if added_newline {
                self.ws(Ws::Unindent);
            }
        }
        if !args.is_empty() && different_lines(prev, e.span.end) {
            self.text(",", Tok::Other);
            self.ws(Ws::Formfeed);
        }
        self.set_pos(e.span.end);
        self.text(")", Tok::Other);
    }
}

impl P {
    fn into_pos(self) -> Pos {
        Pos {
            offset: crate::diag::to_u32(self.offset),
            line: crate::diag::to_u32(self.line),
        }
    }
}
