//! Hand-written lexer for Alloy.
//!
//! Like Go (and Alloy's own scanner) it inserts [`TokenKind::Terminator`]
//! tokens at line ends that follow a token which can end a statement
//! (identifiers, literals, `)`, `]`, `}`). Comments are collected on the side.

use super::ast::{BinaryOp, Comment};
use super::quote;
use crate::diag::{Diagnostic, Kind};

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

/// One token: kind and byte range (12 bytes; string values are decoded by the parser from
/// the source, see [`quote::unquote`]).
#[derive(Debug, Clone, Copy)]
pub struct Token {
    /// Kind of token.
    pub kind: TokenKind,
    /// Start byte offset.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
}

impl Token {
    /// The byte range as indices into the source.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

pub use crate::diag::LineIndex;
use crate::diag::to_u32;

/// Result of lexing a whole source (see [`Lexer`] for lexing on demand).
#[derive(Debug)]
pub struct Lexed {
    /// Tokens, ending with [`TokenKind::Eof`].
    pub tokens: Vec<Token>,
    /// Comments in source order.
    pub comments: Vec<Comment>,
}

/// Splits `src` into tokens, all at once.
pub fn lex(src: &str, lines: &LineIndex) -> Lexed {
    let mut lx = Lexer::new(src, lines);
    let mut tokens = Vec::new();
    loop {
        let t = lx.next_token();
        tokens.push(t);
        if t.kind == TokenKind::Eof {
            break;
        }
    }
    Lexed {
        tokens,
        comments: lx.comments,
    }
}

/// Produces tokens one at a time, so a parse never holds the token list of a large file.
/// Comments and lexical errors are collected on the side.
pub struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    i: usize,
    lines: &'a LineIndex,
    /// Tokens lexed but not yet taken (at most two: a terminator and a token).
    pending: std::collections::VecDeque<Token>,
    /// Comments in source order.
    pub comments: Vec<Comment>,
    /// Lexical errors.
    pub errors: Vec<Diagnostic>,
    insert_terminator: bool,
    done: bool,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `src`.
    pub fn new(src: &'a str, lines: &'a LineIndex) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            i: 0,
            lines,
            pending: std::collections::VecDeque::with_capacity(4),
            comments: Vec::new(),
            errors: Vec::new(),
            insert_terminator: false,
            done: false,
        }
    }

    /// The next token; [`TokenKind::Eof`] at the end, and again on every later call.
    pub fn next_token(&mut self) -> Token {
        while self.pending.is_empty() {
            if self.i < self.bytes.len() {
                self.step();
            } else if !self.done {
                let end = self.bytes.len();
                self.terminator_at(end);
                self.done = true;
            } else {
                let end = to_u32(self.bytes.len());
                return Token {
                    kind: TokenKind::Eof,
                    start: end,
                    end,
                };
            }
        }
        self.pending.pop_front().unwrap_or(Token {
            kind: TokenKind::Eof,
            start: to_u32(self.bytes.len()),
            end: to_u32(self.bytes.len()),
        })
    }

    fn error(&mut self, offset: usize, msg: impl Into<String>) {
        let p = self.lines.pos(offset);
        self.errors.push(Diagnostic::error(Kind::Syntax, p, msg));
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
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
        self.pending.push_back(Token {
            kind,
            start: to_u32(start),
            end: to_u32(self.i),
        });
    }

    fn terminator_at(&mut self, offset: usize) {
        if self.insert_terminator {
            self.insert_terminator = false;
            self.pending.push_back(Token {
                kind: TokenKind::Terminator,
                start: to_u32(offset),
                end: to_u32(offset + 1),
            });
        }
    }

    /// Lexes what starts at `self.i` (whitespace, a comment or one token).
    fn step(&mut self) {
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
                self.comments.push(Comment { text, pos });
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
                self.comments.push(Comment { text, pos });
            }
            b'"' => self.string(),
            b'`' => self.raw_string(),
            b'0'..=b'9' => self.number(),
            b'.' if self.peek(1).is_some_and(|c| c.is_ascii_digit()) => self.number(),
            _ if b == b'_' || b.is_ascii_alphabetic() || b >= 0x80 => self.ident_or_illegal(),
            _ => self.operator(),
        }
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
            self.push(TokenKind::Illegal, start);
            return;
        }
        self.i += len;
        let kind = match &self.src[start..self.i] {
            "true" | "false" => TokenKind::Bool,
            "null" => TokenKind::Null,
            _ => TokenKind::Ident,
        };
        self.push(kind, start);
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
        self.push(kind, start);
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
        if let Err((k, msg)) = quote::unquote(raw) {
            self.error(start + k, msg);
        }
        self.push(TokenKind::String, start);
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
        self.push(TokenKind::RawString, start);
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
        self.push(kind, start);
    }
}

/// The value of a string or raw string token from its source text: unquoted (invalid escapes,
/// already reported by the lexer, give an empty string), or the raw text without its
/// backticks and carriage returns.
pub fn token_value(kind: TokenKind, text: &str) -> String {
    match kind {
        TokenKind::RawString => {
            let inner = text.strip_prefix('`').unwrap_or(text);
            let inner = if inner.ends_with('`') && text.len() > 1 {
                &inner[..inner.len() - 1]
            } else {
                inner
            };
            inner.replace('\r', "")
        }
        _ => quote::unquote(text).unwrap_or_default(),
    }
}
