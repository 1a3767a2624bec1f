//! The serde error type used by the located deserializer and its conversion to [`Diagnostic`].

use std::fmt;

use serde::de::{self, Expected, Unexpected};

use crate::diag::{Diagnostic, Span, codes, suggest};

/// Where an error happened: the node (or key) span, the key holding the node and its path.
#[derive(Clone, Debug)]
pub(crate) struct Loc {
    /// Span of the node, or of the key when `on_key`.
    pub span: Span,
    /// Span of the key whose value is the node, if any.
    pub key_span: Option<Span>,
    /// Dotted path of the node (of the parent mapping when `on_key`).
    pub path: String,
    /// Whether the error concerns a key (unknown field / variant key) rather than a value.
    pub on_key: bool,
}

/// What went wrong.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Custom(String),
    InvalidType {
        found: String,
        literal: Option<String>,
        expected: String,
        variants: Option<&'static [&'static str]>,
    },
    InvalidValue {
        found: String,
        expected: String,
    },
    InvalidLength {
        len: usize,
        expected: String,
    },
    UnknownVariant {
        variant: String,
        expected: &'static [&'static str],
    },
    UnknownField {
        field: String,
        expected: &'static [&'static str],
    },
    MissingField(&'static str),
    DuplicateField(&'static str),
    OutOfRange {
        value: String,
        ty: &'static str,
        min: String,
        max: String,
    },
    EnumShape {
        keys: usize,
        variants: &'static [&'static str],
    },
}

/// Serde error carrying a [`Kind`] and, once known, its location (boxed to keep `Result`s small).
#[derive(Debug)]
pub(crate) struct Error(Box<Inner>);

#[derive(Clone, Debug)]
struct Inner {
    kind: Kind,
    loc: Option<Loc>,
}

impl Error {
    pub(crate) fn new(kind: Kind) -> Self {
        Error(Box::new(Inner { kind, loc: None }))
    }

    /// For a number or boolean where a string was expected, takes the hint's
    /// literal from the source text, which the typed value has lost
    /// (`0755` is the integer 755, `6.10` the float 6.1).
    #[must_use]
    pub(crate) fn with_source_literal(mut self, text: impl Fn(Span) -> Option<String>) -> Self {
        let span = self.0.loc.as_ref().map(|l| l.span);
        if let (Kind::InvalidType { found, literal, .. }, Some(span)) = (&mut self.0.kind, span)
            && matches!(found.as_str(), "a boolean" | "an integer" | "a float")
            && let Some(raw) = text(span)
        {
            let raw = raw.trim();
            if !raw.is_empty() && !raw.contains(['"', '\'', '\n', '#']) {
                *literal = Some(raw.to_string());
            }
        }
        self
    }

    /// Attaches a location unless the error already has a (more precise, inner) one.
    #[must_use]
    pub(crate) fn at(mut self, loc: Loc) -> Self {
        if self.0.loc.is_none() {
            self.0.loc = Some(loc);
        }
        self
    }

    /// Converts into a user-facing diagnostic.
    pub(crate) fn into_diagnostic(self) -> Diagnostic {
        let Inner { kind, loc } = *self.0;
        let path = loc.as_ref().map_or("", |l| l.path.as_str()).to_string();
        let span = loc.as_ref().map(|l| l.span);
        let key_span = loc.as_ref().and_then(|l| l.key_span);
        let on_key = loc.as_ref().is_some_and(|l| l.on_key);
        let whole = |p: &str| {
            if p.is_empty() {
                "the top level".to_string()
            } else {
                format!("`{p}`")
            }
        };
        let with_path = |d: Diagnostic| {
            if path.is_empty() {
                d
            } else {
                d.key_path(path.clone())
            }
        };

        let code = match &kind {
            Kind::UnknownField { .. } => codes::UNKNOWN_KEY,
            Kind::InvalidType { .. } | Kind::EnumShape { .. } => codes::WRONG_TYPE,
            Kind::UnknownVariant { .. } => codes::UNKNOWN_VALUE,
            Kind::MissingField(_) => codes::MISSING_KEY,
            Kind::InvalidValue { .. }
            | Kind::InvalidLength { .. }
            | Kind::DuplicateField(_)
            | Kind::OutOfRange { .. }
            | Kind::Custom(_) => codes::INVALID_VALUE,
        };
        let d = match kind {
            Kind::UnknownField { field, expected } => {
                let where_ = if path.is_empty() {
                    "at the top level".to_string()
                } else {
                    format!("in `{path}`")
                };
                let mut d = Diagnostic::error(format!("unknown key `{field}` {where_}"))
                    .at_opt(span)
                    .label("unknown key")
                    .key_path(join(&path, &field))
                    .expected(if expected.is_empty() {
                        "no keys here".to_string()
                    } else {
                        suggest::one_of(expected)
                    });
                if let Some(s) = suggest::did_you_mean(&field, expected) {
                    d = d.help(format!("did you mean `{s}`?"));
                } else {
                    d = d.help(format!("remove `{field}` or check its indentation"));
                }
                d
            }
            Kind::MissingField(field) => {
                let where_ = if path.is_empty() {
                    "at the top level".to_string()
                } else {
                    format!("in `{path}`")
                };
                Diagnostic::error(format!("missing key `{field}` {where_}"))
                    .at_opt(key_span.or(span))
                    .label(format!("`{field}` is required here"))
                    .key_path(join(&path, field))
                    .help(format!("add `{field}: ...` under {}", whole(&path)))
            }
            Kind::DuplicateField(field) => with_path(
                Diagnostic::error(format!("duplicate key `{field}` in {}", whole(&path)))
                    .at_opt(span)
                    .label("duplicate key"),
            ),
            Kind::UnknownVariant { variant, expected } => {
                let what = if on_key { "variant" } else { "value" };
                let mut d =
                    Diagnostic::error(format!("unknown {what} `{variant}` for {}", whole(&path)))
                        .at_opt(span)
                        .label(format!("unknown {what}"))
                        .expected(suggest::one_of(expected));
                if let Some(s) = suggest::did_you_mean(&variant, expected) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                with_path(d)
            }
            Kind::InvalidType {
                found,
                literal,
                expected,
                variants,
            } => {
                let expected = friendly_expected(&expected);
                let mut d = Diagnostic::error(format!("expected {expected}, found {found}"))
                    .at_opt(span)
                    .label(format!("expected {expected}"));
                if let Some(v) = variants {
                    d = d.expected(suggest::one_of(v));
                }
                let quoted_scalar =
                    matches!(found.as_str(), "a boolean" | "an integer" | "a float");
                match (expected.as_str(), literal) {
                    ("a string", Some(lit)) if quoted_scalar => {
                        d = d.help(format!("write \"{lit}\" in quotes to make it a string"));
                    }
                    ("a boolean", Some(lit))
                        if found == "a string" && matches!(lit.as_str(), "true" | "false") =>
                    {
                        d = d.help(format!("write {lit} without quotes"));
                    }
                    ("an integer" | "a number", Some(lit))
                        if found == "a string" && lit.parse::<f64>().is_ok() =>
                    {
                        d = d.help(format!("write {lit} without quotes"));
                    }
                    _ if found == "null" && expected == "a mapping" => {
                        d = d.help("write `{}` for an empty mapping, or remove the key");
                    }
                    _ if found == "null" => {
                        d = d.help("give this key a value, or remove it");
                    }
                    _ => {}
                }
                with_path(d)
            }
            Kind::InvalidValue { found, expected } => with_path(
                Diagnostic::error(format!(
                    "invalid value {found}, expected {}",
                    friendly_expected(&expected)
                ))
                .at_opt(span)
                .label("invalid value"),
            ),
            Kind::InvalidLength { len, expected } => with_path(
                Diagnostic::error(format!(
                    "expected {}, found {len} items",
                    friendly_expected(&expected)
                ))
                .at_opt(span)
                .label("wrong number of items"),
            ),
            Kind::OutOfRange {
                value,
                ty,
                min,
                max,
            } => with_path(
                Diagnostic::error(format!(
                    "integer `{value}` is out of range for {}",
                    whole(&path)
                ))
                .at_opt(span)
                .label("out of range")
                .expected(format!("an integer from {min} to {max} ({ty})")),
            ),
            Kind::EnumShape { keys, variants } => with_path(
                Diagnostic::error(format!(
                    "expected a mapping with exactly one key naming the kind, found {keys} keys"
                ))
                .at_opt(key_span.or(span))
                .label("expected a single key")
                .expected(suggest::one_of(variants)),
            ),
            Kind::Custom(msg) => with_path(
                Diagnostic::error(if path.is_empty() {
                    msg
                } else {
                    format!("invalid value for `{path}`: {msg}")
                })
                .at_opt(span)
                .label("invalid value"),
            ),
        };
        d.code(code)
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Rewrites serde's `Expected` texts (`struct Loki`, `u16`, `a borrowed string`) into profile terms.
fn friendly_expected(raw: &str) -> String {
    let s = raw.trim();
    let out = match s {
        "a string" | "a borrowed string" | "string" | "a string or path" => "a string",
        "a boolean" | "bool" => "a boolean",
        "u8" | "u16" | "u32" | "u64" | "u128" | "i8" | "i16" | "i32" | "i64" | "i128" | "usize"
        | "isize" | "an integer" | "integer" => "an integer",
        "f32" | "f64" | "a float" => "a number",
        "a sequence" | "sequence" | "a list" => "a sequence",
        "a map" | "map" | "a mapping" => "a mapping",
        "unit" | "null" => "null",
        "a character" | "char" => "a single character",
        _ if s.starts_with("struct ") || s.starts_with("struct variant") => "a mapping",
        _ if s.starts_with("tuple") || s.starts_with("a tuple") => "a sequence",
        _ if s.starts_with("enum ") => "one of the allowed values",
        _ => return s.to_string(),
    };
    out.to_string()
}

fn describe(unexp: &Unexpected<'_>) -> (String, Option<String>) {
    match *unexp {
        Unexpected::Bool(b) => ("a boolean".into(), Some(b.to_string())),
        Unexpected::Unsigned(u) => ("an integer".into(), Some(u.to_string())),
        Unexpected::Signed(i) => ("an integer".into(), Some(i.to_string())),
        Unexpected::Float(f) => ("a float".into(), Some(format!("{f:?}"))),
        Unexpected::Char(c) => ("a string".into(), Some(c.to_string())),
        Unexpected::Str(s) => ("a string".into(), Some(s.to_string())),
        Unexpected::Unit | Unexpected::Option => ("null".into(), None),
        Unexpected::Seq => ("a sequence".into(), None),
        Unexpected::Map => ("a mapping".into(), None),
        Unexpected::Bytes(_) => ("bytes".into(), None),
        ref other => (other.to_string(), None),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = Error(self.0.clone()).into_diagnostic();
        f.write_str(&d.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(Kind::Custom(msg.to_string()))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let (found, literal) = describe(&unexp);
        Error::new(Kind::InvalidType {
            found,
            literal,
            expected: exp.to_string(),
            variants: None,
        })
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Error::new(Kind::InvalidValue {
            found: unexp.to_string(),
            expected: exp.to_string(),
        })
    }

    fn invalid_length(len: usize, exp: &dyn Expected) -> Self {
        Error::new(Kind::InvalidLength {
            len,
            expected: exp.to_string(),
        })
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::new(Kind::UnknownVariant {
            variant: variant.to_string(),
            expected,
        })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error::new(Kind::UnknownField {
            field: field.to_string(),
            expected,
        })
    }

    fn missing_field(field: &'static str) -> Self {
        Error::new(Kind::MissingField(field))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error::new(Kind::DuplicateField(field))
    }
}
