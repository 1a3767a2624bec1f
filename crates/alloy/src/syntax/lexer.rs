//! Hand-written lexer for Alloy.
//!
//! Like Go (and Alloy's own scanner) it inserts [`TokenKind::Terminator`]
//! tokens at line ends that follow a token which can end a statement
//! (identifiers, literals, `)`, `]`, `}`). Comments are collected on the side.

use super::ast::{BinaryOp, Comment};
use super::quote;
use crate::diag::Diagnostic;

/// Kinds of tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Identifier.
    Ident,
    /// Integer literal.
    Number,
    /// Floating point literal.
    Float,
    /// Double-quoted string.
    String,
    /// Backtick raw string.
    RawString,
    /// `true` / `false`.
    Bool,
    /// `null`.
    Null,
    /// `=`
    Assign,
    /// `.`
    Dot,
    /// `,`
    Comma,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBrack,
    /// `]`
    RBrack,
    /// `{`
    LCurly,
    /// `}`
    RCurly,
    /// `!`
    Not,
    /// A binary operator (`-` doubles as unary minus).
    Op(BinaryOp),
    /// End of statement (an inserted newline).
    Terminator,
    /// End of input.
    Eof,
    /// An invalid character.
    Illegal,
}

impl TokenKind {
    /// Name used in error messages, following Alloy's spelling.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Ident => "IDENT",
            TokenKind::Number => "NUMBER",
            TokenKind::Float => "FLOAT",
            TokenKind::String | TokenKind::RawString => "STRING",
            TokenKind::Bool => "BOOL",
            TokenKind::Null => "NULL",
            TokenKind::Assign => "=",
            TokenKind::Dot => ".",
            TokenKind::Comma => ",",
            TokenKind::LParen => "(",
            TokenKind::RParen => ")",
            TokenKind::LBrack => "[",
            TokenKind::RBrack => "]",
            TokenKind::LCurly => "{",
            TokenKind::RCurly => "}",
            TokenKind::Not => "!",
            TokenKind::Op(op) => op.as_str(),
            TokenKind::Terminator => "TERMINATOR",
            TokenKind::Eof => "EOF",
            TokenKind::Illegal => "ILLEGAL",
        }
    }
}

/// One token: kind, byte range and (for strings) the decoded value.
#[derive(Debug, Clone)]
pub struct Token {
    /// Kind of token.
    pub kind: TokenKind,
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Decoded string value for strings and raw strings.
    pub value: Option<String>,
}

pub use crate::diag::LineIndex;

/// Result of lexing a whole source.
#[derive(Debug)]
pub struct Lexed {
    /// Tokens, ending with [`TokenKind::Eof`].
    pub tokens: Vec<Token>,
    /// Comments in source order.
    pub comments: Vec<Comment>,
    /// Lexical errors.
    pub errors: Vec<Diagnostic>,
}

/// Splits `src` into tokens.
pub fn lex(src: &str, lines: &LineIndex) -> Lexed {
    let mut lx = Lexer {
        src,
        bytes: src.as_bytes(),
        i: 0,
        lines,
        out: Lexed {
            tokens: Vec::with_capacity(src.len() / 4),
            comments: Vec::new(),
            errors: Vec::new(),
        },
        insert_terminator: false,
    };
    lx.run();
    lx.out
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    i: usize,
    lines: &'a LineIndex,
    out: Lexed,
    insert_terminator: bool,
}

impl Lexer<'_> {
    fn error(&mut self, offset: usize, msg: impl Into<String>) {
        let p = self.lines.pos(offset);
        self.out.errors.push(Diagnostic::error(p.line, p.col, msg));
    }

    fn push(&mut self, kind: TokenKind, start: usize, value: Option<String>) {
        self.insert_terminator = matches!(
            kind,
            TokenKind::Ident
                | TokenKind::Number
                | TokenKind::Float
                | TokenKind::String
                | TokenKind::RawString
                | TokenKind::Bool
                | TokenKind::Null
                | TokenKind::RParen
                | TokenKind::RBrack
                | TokenKind::RCurly
        );
        self.out.tokens.push(Token {
            kind,
            start,
            end: self.i,
            value,
        });
    }

    fn terminator_at(&mut self, offset: usize) {
        if self.insert_terminator {
            self.insert_terminator = false;
            self.out.tokens.push(Token {
                kind: TokenKind::Terminator,
                start: offset,
                end: offset + 1,
                value: None,
            });
        }
    }

    fn run(&mut self) {
        while self.i < self.bytes.len() {
            let start = self.i;
            let b = self.bytes[self.i];
            match b {
                b'\n' => {
                    self.terminator_at(start);
                    self.i += 1;
                }
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'/' if self.peek(1) == Some(b'/') => {
                    while self.i < self.bytes.len() && self.bytes[self.i] != b'\n' {
                        self.i += 1;
                    }
                    let text = self.src[start..self.i].trim_end_matches('\r').to_string();
                    let pos = self.lines.pos(start);
                    self.out.comments.push(Comment { text, pos });
                }
                b'/' if self.peek(1) == Some(b'*') => {
                    let close = self.src[start + 2..].find("*/");
                    let end = match close {
                        Some(k) => start + 2 + k + 2,
                        None => {
                            self.error(start, "comment not terminated");
                            self.bytes.len()
                        }
                    };
                    self.i = end;
                    let text = self.src[start..end].to_string();
                    if text.contains('\n') {
                        self.terminator_at(start);
                    }
                    let pos = self.lines.pos(start);
                    self.out.comments.push(Comment { text, pos });
                }
                b'"' => self.string(),
                b'`' => self.raw_string(),
                b'0'..=b'9' => self.number(),
                b'.' if self.peek(1).is_some_and(|c| c.is_ascii_digit()) => self.number(),
                _ if b == b'_' || b.is_ascii_alphabetic() || b >= 0x80 => self.ident_or_illegal(),
                _ => self.operator(),
            }
        }
        let end = self.bytes.len();
        self.terminator_at(end);
        self.out.tokens.push(Token {
            kind: TokenKind::Eof,
            start: end,
            end,
            value: None,
        });
    }

    fn peek(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.i + n).copied()
    }

    fn ident_or_illegal(&mut self) {
        let start = self.i;
        let rest = &self.src[start..];
        let mut len = 0;
        for (k, c) in rest.char_indices() {
            let ok = c == '_' || c.is_alphabetic() || (k > 0 && c.is_numeric());
            if !ok {
                break;
            }
            len = k + c.len_utf8();
        }
        if len == 0 {
            let c = rest.chars().next().unwrap_or('\u{fffd}');
            self.i += c.len_utf8().max(1);
            self.error(start, format!("illegal character {c:?}"));
            self.push(TokenKind::Illegal, start, None);
            return;
        }
        self.i += len;
        let kind = match &self.src[start..self.i] {
            "true" | "false" => TokenKind::Bool,
            "null" => TokenKind::Null,
            _ => TokenKind::Ident,
        };
        self.push(kind, start, None);
    }

    fn digits(&mut self) -> usize {
        let s = self.i;
        while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - s
    }

    fn number(&mut self) {
        let start = self.i;
        let mut float = false;
        self.digits();
        if self.peek(0) == Some(b'.') && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
            float = true;
            self.i += 1;
            self.digits();
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            let save = self.i;
            self.i += 1;
            if matches!(self.peek(0), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                self.i = save;
                self.error(save, "exponent has no digits");
            } else {
                float = true;
            }
        }
        let kind = if float {
            TokenKind::Float
        } else {
            TokenKind::Number
        };
        self.push(kind, start, None);
    }

    fn string(&mut self) {
        let start = self.i;
        self.i += 1;
        loop {
            match self.peek(0) {
                None | Some(b'\n') => {
                    self.error(start, "string literal not terminated");
                    break;
                }
                Some(b'\\') => self.i += 2.min(self.bytes.len() - self.i),
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(_) => self.i += 1,
            }
        }
        // Never split a UTF-8 sequence, even on malformed input.
        while !self.src.is_char_boundary(self.i) {
            self.i += 1;
        }
        let raw = &self.src[start..self.i];
        let value = match quote::unquote(raw) {
            Ok(v) => v,
            Err((k, msg)) => {
                self.error(start + k, msg);
                String::new()
            }
        };
        self.push(TokenKind::String, start, Some(value));
    }

    fn raw_string(&mut self) {
        let start = self.i;
        let end = match self.src[start + 1..].find('`') {
            Some(k) => start + 1 + k + 1,
            None => {
                self.error(start, "raw string literal not terminated");
                self.bytes.len()
            }
        };
        self.i = end;
        let inner_end = if end > start + 1 && self.bytes[end - 1] == b'`' {
            end - 1
        } else {
            end
        };
        let value = self.src[start + 1..inner_end].replace('\r', "");
        self.push(TokenKind::RawString, start, Some(value));
    }

    fn operator(&mut self) {
        let start = self.i;
        let b = self.bytes[self.i];
        let next = self.peek(1);
        let (kind, len) = match (b, next) {
            (b'=', Some(b'=')) => (TokenKind::Op(BinaryOp::Eq), 2),
            (b'!', Some(b'=')) => (TokenKind::Op(BinaryOp::Ne), 2),
            (b'<', Some(b'=')) => (TokenKind::Op(BinaryOp::Le), 2),
            (b'>', Some(b'=')) => (TokenKind::Op(BinaryOp::Ge), 2),
            (b'|', Some(b'|')) => (TokenKind::Op(BinaryOp::Or), 2),
            (b'&', Some(b'&')) => (TokenKind::Op(BinaryOp::And), 2),
            (b'=', _) => (TokenKind::Assign, 1),
            (b'!', _) => (TokenKind::Not, 1),
            (b'<', _) => (TokenKind::Op(BinaryOp::Lt), 1),
            (b'>', _) => (TokenKind::Op(BinaryOp::Gt), 1),
            (b'+', _) => (TokenKind::Op(BinaryOp::Add), 1),
            (b'-', _) => (TokenKind::Op(BinaryOp::Sub), 1),
            (b'*', _) => (TokenKind::Op(BinaryOp::Mul), 1),
            (b'/', _) => (TokenKind::Op(BinaryOp::Div), 1),
            (b'%', _) => (TokenKind::Op(BinaryOp::Mod), 1),
            (b'^', _) => (TokenKind::Op(BinaryOp::Pow), 1),
            (b'.', _) => (TokenKind::Dot, 1),
            (b',', _) => (TokenKind::Comma, 1),
            (b'(', _) => (TokenKind::LParen, 1),
            (b')', _) => (TokenKind::RParen, 1),
            (b'[', _) => (TokenKind::LBrack, 1),
            (b']', _) => (TokenKind::RBrack, 1),
            (b'{', _) => (TokenKind::LCurly, 1),
            (b'}', _) => (TokenKind::RCurly, 1),
            _ => {
                self.error(start, format!("illegal character {:?}", b as char));
                (TokenKind::Illegal, 1)
            }
        };
        self.i += len;
        self.push(kind, start, None);
    }
}
