//! Recursive-descent parser with precedence climbing for binary operators.
//!
//! The parser keeps going after errors (skipping to the next statement) so a
//! single run reports as many problems as possible; like Alloy it reports at
//! most one error per line. It never panics: nesting depth is bounded and
//! every loop consumes at least one token.

use super::ast::*;
use super::lexer::{Lexer, LineIndex, Token, TokenKind, token_value};
use super::quote::is_identifier;
use crate::diag::{Diagnostic, Kind};

/// Deepest nesting of expressions or blocks accepted before giving up.
///
/// Every node of a parsed tree is at most this deep (a chain such as
/// `1+1+...` or `a.b.b...` counts one level per operator), so the printer,
/// the checker and `Drop`, which all recurse, are safe on any parsed input.
pub const MAX_DEPTH: usize = 200;

/// Parses a whole file. On failure returns every error found, in source order.
pub fn parse_file(src: &str) -> Result<File, Vec<Diagnostic>> {
    let (file, errors) = parse_file_lossy(src);
    if errors.is_empty() {
        Ok(file)
    } else {
        Err(errors)
    }
}

/// Parses a whole file and returns the (possibly partial) tree together with
/// all errors. The tree should be discarded when errors are present.
pub fn parse_file_lossy(src: &str) -> (File, Vec<Diagnostic>) {
    let lines = LineIndex::new(src);
    let mut lexer = Lexer::new(src, &lines);
    let cur = lexer.next_token();
    let mut p = Parser {
        src,
        lexer,
        cur,
        lines: &lines,
        errors: Vec::new(),
        last_error_line: 0,
        depth: 0,
    };
    let body = p.parse_body(TokenKind::Eof);
    let mut errors = p.lexer.errors;
    errors.extend(p.errors);
    errors.sort_by_key(Diagnostic::offset);
    errors.dedup_by_key(|d| lines.line_of(d.offset()).0);
    let file = File {
        body,
        comments: p.lexer.comments,
    };
    (file, errors)
}

struct BlockName {
    parts: Vec<String>,
    label: Option<String>,
    start: Pos,
    label_pos: Pos,
}

struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// The current token.
    cur: Token,
    lines: &'a LineIndex,
    errors: Vec<Diagnostic>,
    last_error_line: u32,
    depth: usize,
}

impl Parser<'_> {
    fn tok(&self) -> &Token {
        &self.cur
    }

    fn kind(&self) -> TokenKind {
        self.tok().kind
    }

    fn next(&mut self) {
        if self.cur.kind != TokenKind::Eof {
            self.cur = self.lexer.next_token();
        }
    }

    fn pos(&self) -> Pos {
        self.lines.pos(self.tok().start as usize)
    }

    /// Position of the last character of the current token.
    fn end_pos(&self) -> Pos {
        let t = self.tok();
        self.lines.pos(t.end.max(t.start + 1) as usize - 1)
    }

    fn text(&self) -> &str {
        let t = self.tok();
        self.src.get(t.range()).unwrap_or("")
    }

    /// The decoded value of the current string token.
    fn value(&self) -> String {
        token_value(self.kind(), self.text())
    }

    fn error_at(&mut self, pos: Pos, msg: impl Into<String>) {
        if pos.line == self.last_error_line {
            return;
        }
        self.last_error_line = pos.line;
        self.errors.push(Diagnostic::error(Kind::Syntax, pos, msg));
    }

    fn error(&mut self, msg: impl Into<String>) {
        let pos = self.pos();
        self.error_at(pos, msg);
    }

    /// Consumes the current token, reporting an error if it is not `want`.
    /// Returns the position of the consumed token and whether it matched.
    fn expect(&mut self, want: TokenKind) -> (Pos, bool) {
        let pos = self.pos();
        let ok = self.kind() == want;
        if !ok {
            let got = self.kind().describe();
            self.error(format!("expected {}, got {got}", want.describe()));
        }
        self.next();
        (pos, ok)
    }

    fn advance_to(&mut self, to: TokenKind) {
        while self.kind() != TokenKind::Eof && self.kind() != to {
            self.next();
        }
    }

    fn advance_to_statement_end(&mut self) {
        while !matches!(
            self.kind(),
            TokenKind::Eof
                | TokenKind::Terminator
                | TokenKind::RParen
                | TokenKind::RCurly
                | TokenKind::RBrack
                | TokenKind::Comma
        ) {
            self.next();
        }
    }

    /// Skips the rest of a statement, keeping track of bracket pairs.
    fn consume_statement(&mut self) {
        let (mut curly, mut brack, mut paren) = (0i64, 0i64, 0i64);
        while self.kind() != TokenKind::Eof {
            match self.kind() {
                TokenKind::LCurly => curly += 1,
                TokenKind::RCurly => curly -= 1,
                TokenKind::LBrack => brack += 1,
                TokenKind::RBrack => brack -= 1,
                TokenKind::LParen => paren += 1,
                TokenKind::RParen => paren -= 1,
                TokenKind::Terminator if curly <= 0 && brack <= 0 && paren <= 0 => return,
                _ => {}
            }
            self.next();
        }
    }

    fn parse_body(&mut self, until: TokenKind) -> Vec<Stmt> {
        let mut body = Vec::new();
        if self.depth > MAX_DEPTH {
            self.error(format!("blocks nested more than {MAX_DEPTH} levels deep"));
            self.consume_statement();
            return body;
        }
        self.depth += 1;
        while self.kind() != until && self.kind() != TokenKind::Eof {
            // Blank statements (stray terminators) are skipped.
            if self.kind() == TokenKind::Terminator {
                self.next();
                continue;
            }
            if let Some(stmt) = self.parse_statement() {
                body.push(stmt);
            }
            if self.kind() == until {
                break;
            }
            if self.kind() != TokenKind::Terminator {
                let got = self.kind().describe();
                self.error(format!(
                    "expected a new line after the statement, got {got}"
                ));
                self.consume_statement();
            }
            self.next();
        }
        self.depth -= 1;
        // Trees of large files are held whole: no spare capacity (see `benches/memory.rs`).
        body.shrink_to_fit();
        body
    }

    fn parse_statement(&mut self) -> Option<Stmt> {
        let Some(bn) = self.parse_block_name() else {
            self.advance_to(TokenKind::Ident);
            return None;
        };
        match self.kind() {
            TokenKind::Assign => {
                self.next();
                if bn.parts.len() != 1 {
                    let start = bn.start;
                    self.error_at(
                        start,
                        "attribute names may only consist of a single identifier with no \".\"",
                    );
                } else if bn.label.is_some() {
                    self.error_at(bn.label_pos, "attribute names may not have labels");
                }
                let value = self.parse_expr();
                let span = Span::new(bn.start, value.span.end);
                Some(Stmt::Attribute(Attribute {
                    name: bn.parts.join("."),
                    value,
                    span,
                    leading_comments: LeadingComments::default(),
                }))
            }
            TokenKind::LCurly => {
                let (lcurly, _) = self.expect(TokenKind::LCurly);
                let body = self.parse_body(TokenKind::RCurly);
                let rcurly = self.pos();
                self.expect(TokenKind::RCurly);
                Some(Stmt::Block(Block {
                    name: {
                        let mut parts = bn.parts;
                        parts.shrink_to_fit();
                        parts
                    },
                    label: bn.label,
                    body,
                    span: Span::new(bn.start, rcurly),
                    label_pos: bn.label_pos,
                    lcurly,
                    rcurly,
                    leading_comments: LeadingComments::default(),
                }))
            }
            other => {
                let name = bn.parts.join(".");
                if bn.parts.len() == 1 && bn.label.is_none() {
                    self.error(format!(
                        "expected \"=\" or \"{{\" after \"{name}\", got {}",
                        other.describe()
                    ));
                } else {
                    self.error(format!(
                        "expected \"{{\" after block name \"{name}\", got {}",
                        other.describe()
                    ));
                }
                self.advance_to(TokenKind::Ident);
                None
            }
        }
    }

    fn parse_block_name(&mut self) -> Option<BlockName> {
        if self.kind() != TokenKind::Ident {
            let got = self.kind().describe();
            self.error(format!("expected identifier, got {got}"));
            return None;
        }
        let mut bn = BlockName {
            parts: vec![self.text().to_string()],
            label: None,
            start: self.pos(),
            label_pos: Pos::default(),
        };
        self.next();
        while self.kind() == TokenKind::Dot {
            self.next();
            if self.kind() != TokenKind::Ident {
                let got = self.kind().describe();
                self.error(format!("expected identifier, got {got}"));
            }
            bn.parts.push(self.text().to_string());
            self.next();
        }
        if self.kind() != TokenKind::Assign && self.kind() != TokenKind::LCurly {
            match self.kind() {
                TokenKind::String | TokenKind::RawString => {
                    if self.kind() == TokenKind::RawString {
                        let lit = self.text().to_string();
                        self.error(format!(
                            "expected block label to be a double quoted string, but got {lit:?}"
                        ));
                    }
                    let label = self.value();
                    if !label.is_empty() {
                        if !is_identifier(&label) {
                            self.error(format!(
                                "expected block label to be a valid identifier, but got {label:?}"
                            ));
                        }
                        bn.label = Some(label);
                    }
                    bn.label_pos = self.pos();
                }
                TokenKind::Ident => self.error("expected block label, got IDENT"),
                other => {
                    let name = bn.parts.join(".");
                    let what = if bn.parts.len() == 1 {
                        "\"=\" or \"{\""
                    } else {
                        "a block label or \"{\""
                    };
                    self.error(format!(
                        "expected {what} after \"{name}\", got {}",
                        other.describe()
                    ));
                }
            }
            self.next();
        }
        Some(bn)
    }

    /// Expression = binary expression of any precedence.
    fn parse_expr(&mut self) -> Expr {
        self.parse_binop(1)
    }

    fn parse_binop(&mut self, min_prec: u8) -> Expr {
        let outer = self.depth;
        let lhs = self.parse_binop_chain(min_prec);
        self.depth = outer;
        lhs
    }

    /// The loop of [`Self::parse_binop`]: each operator wraps the tree built
    /// so far, so it counts one level of depth.
    fn parse_binop_chain(&mut self, min_prec: u8) -> Expr {
        let mut lhs = self.parse_pow();
        loop {
            let TokenKind::Op(op) = self.kind() else {
                return lhs;
            };
            let prec = op.precedence();
            if prec < min_prec || op == BinaryOp::Pow {
                return lhs;
            }
            self.depth += 1;
            if self.too_deep() {
                return lhs;
            }
            let op_pos = self.pos();
            self.next();
            let rhs = self.parse_binop(prec + 1);
            let span = Span::new(lhs.span.start, rhs.span.end);
            lhs = Expr {
                kind: ExprKind::Binary {
                    op,
                    op_pos,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            };
        }
    }

    /// `^` is right associative: PowExpr = UnaryExpr [ "^" PowExpr ].
    fn parse_pow(&mut self) -> Expr {
        let lhs = self.parse_unary();
        if self.kind() == TokenKind::Op(BinaryOp::Pow) {
            let op_pos = self.pos();
            self.next();
            let rhs = self.nested(Self::parse_pow);
            let span = Span::new(lhs.span.start, rhs.span.end);
            return Expr {
                kind: ExprKind::Binary {
                    op: BinaryOp::Pow,
                    op_pos,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            };
        }
        lhs
    }

    /// Runs `f` one nesting level deeper, bailing out with an error when the
    /// input nests too deeply.
    fn nested(&mut self, f: fn(&mut Self) -> Expr) -> Expr {
        if self.too_deep() {
            let pos = self.pos();
            return Expr {
                kind: ExprKind::Null,
                span: Span::new(pos, pos),
            };
        }
        self.depth += 1;
        let e = f(self);
        self.depth -= 1;
        e
    }

    /// Reports and skips the rest of the statement when the current depth is
    /// over the limit.
    fn too_deep(&mut self) -> bool {
        if self.depth <= MAX_DEPTH {
            return false;
        }
        self.error(format!(
            "expression nested more than {MAX_DEPTH} levels deep (operators, `.`, `[` and calls each count)"
        ));
        self.consume_statement();
        true
    }

    fn parse_unary(&mut self) -> Expr {
        let op = match self.kind() {
            TokenKind::Not => Some(UnaryOp::Not),
            TokenKind::Op(BinaryOp::Sub) => Some(UnaryOp::Neg),
            _ => None,
        };
        if let Some(op) = op {
            let start = self.pos();
            self.next();
            let value = self.nested(Self::parse_unary);
            let span = Span::new(start, value.span.end);
            return Expr {
                kind: ExprKind::Unary {
                    op,
                    value: Box::new(value),
                },
                span,
            };
        }
        let outer = self.depth;
        let primary = self.parse_postfix();
        self.depth = outer;
        primary
    }

    /// A primary expression followed by `.name`, `[index]` and `(args)`;
    /// each of them wraps the tree built so far and counts one level.
    fn parse_postfix(&mut self) -> Expr {
        let mut primary = self.nested(Self::parse_primary);
        loop {
            if matches!(
                self.kind(),
                TokenKind::Dot | TokenKind::LBrack | TokenKind::LParen
            ) {
                self.depth += 1;
                if self.too_deep() {
                    return primary;
                }
            }
            match self.kind() {
                TokenKind::Dot => {
                    self.next();
                    let end = self.end_pos();
                    let name = self.text().to_string();
                    let (_, ok) = self.expect(TokenKind::Ident);
                    let start = primary.span.start;
                    primary = Expr {
                        kind: ExprKind::Access {
                            value: Box::new(primary),
                            name: if ok { name } else { String::new() },
                        },
                        span: Span::new(start, end),
                    };
                }
                TokenKind::LBrack => {
                    let (lbrack, _) = self.expect(TokenKind::LBrack);
                    let index = self.nested(Self::parse_expr);
                    let rbrack = self.pos();
                    self.expect(TokenKind::RBrack);
                    let start = primary.span.start;
                    primary = Expr {
                        kind: ExprKind::Index {
                            value: Box::new(primary),
                            index: Box::new(index),
                            lbrack,
                        },
                        span: Span::new(start, rbrack),
                    };
                }
                TokenKind::LParen => {
                    let (lparen, _) = self.expect(TokenKind::LParen);
                    let args = if self.kind() != TokenKind::RParen {
                        self.parse_expr_list(TokenKind::RParen)
                    } else {
                        Vec::new()
                    };
                    let rparen = self.pos();
                    self.expect(TokenKind::RParen);
                    let start = primary.span.start;
                    primary = Expr {
                        kind: ExprKind::Call {
                            func: Box::new(primary),
                            args,
                            lparen,
                        },
                        span: Span::new(start, rparen),
                    };
                }
                TokenKind::String | TokenKind::RawString | TokenKind::LCurly => {
                    // Looks like a block assigned to an attribute; parse it as a
                    // block to report a helpful error.
                    if self.kind() != TokenKind::LCurly {
                        self.next();
                    }
                    if !self.expect(TokenKind::LCurly).1 {
                        self.consume_statement();
                        return primary;
                    }
                    self.parse_body(TokenKind::RCurly);
                    if !self.expect(TokenKind::RCurly).1 {
                        self.consume_statement();
                        return primary;
                    }
                    let start = primary.span.start;
                    self.last_error_line = 0;
                    self.error_at(start, "cannot use a block as an expression");
                }
                _ => return primary,
            }
        }
    }

    fn parse_primary(&mut self) -> Expr {
        let start = self.pos();
        let end = self.end_pos();
        let span = Span::new(start, end);
        let kind = match self.kind() {
            TokenKind::Ident => ExprKind::Ident(self.text().to_string()),
            TokenKind::Number | TokenKind::Float => ExprKind::Number(self.text().to_string()),
            TokenKind::String => ExprKind::String(self.value()),
            TokenKind::RawString => ExprKind::RawString(self.value()),
            TokenKind::Bool => ExprKind::Bool(self.text() == "true"),
            TokenKind::Null => ExprKind::Null,
            TokenKind::LParen => {
                self.next();
                let inner = self.parse_expr();
                let rparen = self.pos();
                self.expect(TokenKind::RParen);
                return Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span: Span::new(start, rparen),
                };
            }
            TokenKind::LBrack => {
                self.next();
                let items = if self.kind() != TokenKind::RBrack {
                    self.parse_expr_list(TokenKind::RBrack)
                } else {
                    Vec::new()
                };
                let rbrack = self.pos();
                self.expect(TokenKind::RBrack);
                return Expr {
                    kind: ExprKind::Array(items),
                    span: Span::new(start, rbrack),
                };
            }
            TokenKind::LCurly => {
                self.next();
                let fields = if self.kind() != TokenKind::RCurly {
                    self.parse_field_list()
                } else {
                    Vec::new()
                };
                let rcurly = self.pos();
                self.expect(TokenKind::RCurly);
                return Expr {
                    kind: ExprKind::Object(fields),
                    span: Span::new(start, rcurly),
                };
            }
            other => {
                self.error(format!("expected expression, got {}", other.describe()));
                self.advance_to_statement_end();
                return Expr {
                    kind: ExprKind::Null,
                    span,
                };
            }
        };
        self.next();
        Expr { kind, span }
    }

    fn parse_expr_list(&mut self, until: TokenKind) -> Vec<Expr> {
        let mut items = Vec::new();
        while self.kind() != until && self.kind() != TokenKind::Eof {
            items.push(self.parse_expr());
            if self.kind() == until {
                break;
            }
            if self.kind() != TokenKind::Comma {
                self.error("missing ',' in expression list");
            }
            self.next();
        }
        items.shrink_to_fit();
        items
    }

    fn parse_field_list(&mut self) -> Vec<ObjectField> {
        let mut fields = Vec::new();
        while self.kind() != TokenKind::RCurly && self.kind() != TokenKind::Eof {
            fields.push(self.parse_field());
            if self.kind() == TokenKind::RCurly {
                break;
            }
            if self.kind() != TokenKind::Comma {
                self.error("missing ',' in field list");
            }
            self.next();
        }
        fields.shrink_to_fit();
        fields
    }

    fn parse_field(&mut self) -> ObjectField {
        let key_pos = self.pos();
        let (key, quoted) = match self.kind() {
            TokenKind::Ident => (self.text().to_string(), false),
            TokenKind::String => (self.value(), true),
            other => {
                self.error(format!(
                    "expected field name (string or identifier), got {}",
                    other.describe()
                ));
                self.advance_to(TokenKind::Assign);
                (String::new(), false)
            }
        };
        if matches!(self.kind(), TokenKind::Ident | TokenKind::String) {
            self.next();
        }
        self.expect(TokenKind::Assign);
        let value = self.parse_expr();
        ObjectField {
            key,
            quoted,
            value,
            key_pos,
        }
    }
}
