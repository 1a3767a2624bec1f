//! Decoding and canonical encoding of double-quoted Alloy strings (Go string
//! syntax: `\"`, `\\`, `\n`, `\t`, `\uXXXX`, `\UXXXXXXXX`, `\xHH`, octal).

/// Decodes a double-quoted literal including its quotes. On failure returns
/// the byte offset (within `raw`) and a message.
pub fn unquote(raw: &str) -> Result<String, (usize, String)> {
    let bytes = raw.as_bytes();
    if bytes.len() < 2 || bytes[0] != b'"' || bytes[bytes.len() - 1] != b'"' {
        return Err((0, "string literal not terminated".into()));
    }
    let inner = &raw[1..raw.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        match c {
            '\n' => return Err((k + 1, "newline in string literal".into())),
            '"' => return Err((k + 1, "unescaped '\"' in string literal".into())),
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    return Err((k + 1, "escape sequence not terminated".into()));
                };
                let simple = match e {
                    'a' => Some('\u{7}'),
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{c}'),
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    'v' => Some('\u{b}'),
                    '\\' => Some('\\'),
                    '"' => Some('"'),
                    _ => None,
                };
                if let Some(s) = simple {
                    out.push(s);
                    continue;
                }
                let (digits, radix) = match e {
                    'x' => (2, 16),
                    'u' => (4, 16),
                    'U' => (8, 16),
                    '0'..='7' => (3, 8),
                    _ => return Err((k + 1, format!("unknown escape sequence \\{e}"))),
                };
                let mut value: u32 = 0;
                let mut seen = 0;
                if radix == 8 {
                    value = e as u32 - '0' as u32;
                    seen = 1;
                }
                while seen < digits {
                    match chars.next().and_then(|(_, d)| d.to_digit(radix)) {
                        Some(d) => value = value * radix + d,
                        None => return Err((k + 1, "invalid escape sequence".into())),
                    }
                    seen += 1;
                }
                if radix == 8 && value > 255 {
                    return Err((k + 1, "octal escape value > 255".into()));
                }
                match char::from_u32(value) {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err((
                            k + 1,
                            "escape sequence is invalid Unicode code point".into(),
                        ));
                    }
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Encodes `s` as a double-quoted literal the way Go's `%q` does for
/// printable text: `"` and `\` escaped, control characters as `\n`, `\t`,
/// `\xHH` or `\uXXXX`, everything else verbatim.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() || c == '\u{feff}' || ('\u{2028}'..='\u{2029}').contains(&c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` is a valid Alloy identifier (letter or `_`, then letters,
/// digits or `_`).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphanumeric())
}
