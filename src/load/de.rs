//! Typed deserialization from a located tree: `serde::Deserializer` for [`Located<Node>`].
//!
//! Every error is tagged with the span and dotted key path of the node being deserialized when
//! it was raised (including `Error::custom` messages from model `FromStr` / `Deserialize` impls),
//! then converted into a [`Diagnostic`] with expected values and a suggested fix.

use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};

use super::derror::{Error, Kind, Loc};
use super::node::{Entry, Located, Node};
use crate::diag::{Diagnostic, SourceMap, Span};

/// Deserializes a located tree into `T`.
///
/// Errors carry the span of the offending node (or key) and its key path, e.g.
/// `loki.storage.size` or `alloy.sources[2].name`. Serde stops at the first error, so the
/// returned list currently holds one diagnostic. (For tests; the driver uses [`from_node_in`].)
#[cfg(test)]
pub fn from_node<T: serde::de::DeserializeOwned>(
    node: &Located<Node>,
) -> Result<T, Vec<Diagnostic>> {
    deserialize_root(node, |_| None)
}

/// Like [`from_node`], with hints quoting numbers and booleans exactly as
/// they are written in `sources` (so unquoted `0755` suggests `"0755"`).
pub fn from_node_in<T: serde::de::DeserializeOwned>(
    node: &Located<Node>,
    sources: &SourceMap,
) -> Result<T, Vec<Diagnostic>> {
    deserialize_root(node, |span: Span| {
        sources
            .text(span.file)
            .get(span.range())
            .map(str::to_string)
    })
}

fn deserialize_root<T: serde::de::DeserializeOwned>(
    node: &Located<Node>,
    text: impl Fn(Span) -> Option<String>,
) -> Result<T, Vec<Diagnostic>> {
    let de = NodeDe {
        node,
        key_span: None,
        path: String::new(),
    };
    let loc = de.loc();
    T::deserialize(de).map_err(|e| vec![e.at(loc).with_source_literal(text).into_diagnostic()])
}

/// A wrong-type error for `found` where `expected` was wanted.
fn mismatch(found: &Node, expected: &str) -> Error {
    let literal = match found {
        Node::Bool(b) => Some(b.to_string()),
        Node::Int(i) => Some(i.to_string()),
        Node::Float(f) => Some(format!("{f:?}")),
        Node::Str(s) => Some(s.clone()),
        _ => None,
    };
    Error::new(Kind::InvalidType {
        found: found.describe().to_string(),
        literal,
        expected: expected.to_string(),
        variants: None,
    })
}

fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Deserializer for one node.
struct NodeDe<'a> {
    node: &'a Located<Node>,
    /// Span of the key this node is the value of, if any.
    key_span: Option<Span>,
    path: String,
}

impl<'a> NodeDe<'a> {
    fn loc(&self) -> Loc {
        Loc {
            span: self.node.span,
            key_span: self.key_span,
            path: self.path.clone(),
            on_key: false,
        }
    }

    fn seq<'de, V: Visitor<'de>>(
        self,
        items: &'a [Located<Node>],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut access = SeqDe {
            iter: items.iter().enumerate(),
            path: &self.path,
        };
        let value = visitor.visit_seq(&mut access)?;
        let rest = access.iter.len();
        if rest > 0 {
            return Err(de::Error::invalid_length(items.len(), &"fewer elements"));
        }
        Ok(value)
    }

    fn map<'de, V: Visitor<'de>>(
        self,
        entries: &'a indexmap::IndexMap<String, Entry>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut access = MapDe {
            iter: entries.iter(),
            pending: None,
            path: &self.path,
        };
        visitor.visit_map(&mut access)
    }

    fn any<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Node::Null => visitor.visit_unit(),
            Node::Bool(b) => visitor.visit_bool(*b),
            Node::Int(i) => visitor.visit_i64(*i),
            Node::Float(f) => visitor.visit_f64(*f),
            Node::Str(s) => visitor.visit_str(s),
            Node::Seq(items) => self.seq(items, visitor),
            Node::Map(entries) => self.map(entries, visitor),
        }
    }

    fn enumeration<'de, V: Visitor<'de>>(
        self,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.node.value {
            Node::Str(name) => visitor.visit_enum(EnumDe {
                name,
                name_loc: self.loc(),
                value: None,
                outer: self.loc(),
                path: self.path.clone(),
            }),
            Node::Map(entries) if entries.len() == 1 => {
                let (name, entry) = entries.first().expect("len checked");
                visitor.visit_enum(EnumDe {
                    name,
                    name_loc: Loc {
                        span: entry.key_span,
                        key_span: Some(entry.key_span),
                        path: self.path.clone(),
                        on_key: true,
                    },
                    value: Some(NodeDe {
                        node: &entry.value,
                        key_span: Some(entry.key_span),
                        path: child_path(&self.path, name),
                    }),
                    outer: self.loc(),
                    path: self.path.clone(),
                })
            }
            Node::Map(entries) => Err(Error::new(Kind::EnumShape {
                keys: entries.len(),
                variants,
            })),
            other => Err(Error::new(Kind::InvalidType {
                found: other.describe().to_string(),
                literal: None,
                expected: "a string naming a value, or a mapping with a single key".to_string(),
                variants: Some(variants),
            })),
        }
    }
}

macro_rules! int_method {
    ($method:ident, $ty:ty, $visit:ident) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let loc = self.loc();
            match self.node.value {
                Node::Int(i) => match <$ty>::try_from(i) {
                    Ok(x) => visitor.$visit(x),
                    Err(_) => Err(Error::new(Kind::OutOfRange {
                        value: i.to_string(),
                        ty: stringify!($ty),
                        min: <$ty>::MIN.to_string(),
                        max: <$ty>::MAX.to_string(),
                    })),
                },
                _ => self.any(visitor),
            }
            .map_err(|e| e.at(loc))
        }
    };
}

macro_rules! located {
    ($method:ident, |$s:ident, $v:ident| $body:expr) => {
        fn $method<V: Visitor<'de>>(self, $v: V) -> Result<V::Value, Error> {
            let loc = self.loc();
            let $s = self;
            let result: Result<V::Value, Error> = $body;
            result.map_err(|e| e.at(loc))
        }
    };
}

impl<'de> de::Deserializer<'de> for NodeDe<'_> {
    type Error = Error;

    located!(deserialize_any, |s, v| s.any(v));
    located!(deserialize_bool, |s, v| match s.node.value {
        Node::Bool(b) => v.visit_bool(b),
        _ => s.any(v),
    });
    int_method!(deserialize_i8, i8, visit_i8);
    int_method!(deserialize_i16, i16, visit_i16);
    int_method!(deserialize_i32, i32, visit_i32);
    int_method!(deserialize_i64, i64, visit_i64);
    int_method!(deserialize_u8, u8, visit_u8);
    int_method!(deserialize_u16, u16, visit_u16);
    int_method!(deserialize_u32, u32, visit_u32);
    int_method!(deserialize_u64, u64, visit_u64);
    int_method!(deserialize_u128, u128, visit_u128);
    located!(deserialize_i128, |s, v| match s.node.value {
        Node::Int(i) => v.visit_i128(i128::from(i)),
        _ => s.any(v),
    });
    located!(deserialize_f32, |s, v| match s.node.value {
        #[allow(clippy::cast_precision_loss)]
        Node::Int(i) => v.visit_f64(i as f64),
        _ => s.any(v),
    });
    located!(deserialize_f64, |s, v| match s.node.value {
        #[allow(clippy::cast_precision_loss)]
        Node::Int(i) => v.visit_f64(i as f64),
        _ => s.any(v),
    });
    located!(deserialize_char, |s, v| s.any(v));
    located!(deserialize_str, |s, v| s.any(v));
    located!(deserialize_string, |s, v| s.any(v));
    located!(deserialize_bytes, |s, v| s.any(v));
    located!(deserialize_byte_buf, |s, v| s.any(v));
    located!(deserialize_option, |s, v| match s.node.value {
        Node::Null => v.visit_none(),
        _ => v.visit_some(s),
    });
    located!(deserialize_unit, |s, v| s.any(v));
    located!(deserialize_seq, |s, v| s.any(v));
    located!(deserialize_map, |s, v| s.any(v));
    located!(deserialize_identifier, |s, v| s.any(v));
    located!(deserialize_ignored_any, |_s, v| v.visit_unit());

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let loc = self.loc();
        visitor.visit_newtype_struct(self).map_err(|e| e.at(loc))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let loc = self.loc();
        match &self.node.value {
            // Not `any`: serde's derived struct visitors would also accept a sequence.
            Node::Map(entries) => self.map(entries, visitor),
            other => Err(mismatch(other, "a mapping")),
        }
        .map_err(|e| e.at(loc))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let loc = self.loc();
        self.enumeration(variants, visitor).map_err(|e| e.at(loc))
    }
}

/// Sequence access; items get `path[i]` paths.
struct SeqDe<'a, 'p> {
    iter: std::iter::Enumerate<std::slice::Iter<'a, Located<Node>>>,
    path: &'p str,
}

impl<'de> SeqAccess<'de> for SeqDe<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.iter.next() {
            None => Ok(None),
            Some((i, node)) => {
                let de = NodeDe {
                    node,
                    key_span: None,
                    path: format!("{}[{i}]", self.path),
                };
                // Errors raised by the seed after the node was read (e.g. `FromStr`) still
                // belong to this node.
                let loc = de.loc();
                seed.deserialize(de).map(Some).map_err(|e| e.at(loc))
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// Mapping access; keys are deserialized from their text and located at the key span.
struct MapDe<'a, 'p> {
    iter: indexmap::map::Iter<'a, String, Entry>,
    pending: Option<(&'a String, &'a Entry)>,
    path: &'p str,
}

impl<'de> MapAccess<'de> for MapDe<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, entry)) = self.iter.next() else {
            return Ok(None);
        };
        self.pending = Some((key, entry));
        let loc = Loc {
            span: entry.key_span,
            key_span: Some(entry.key_span),
            path: self.path.to_string(),
            on_key: true,
        };
        seed.deserialize(KeyDe {
            key,
            loc: loc.clone(),
        })
        .map(Some)
        .map_err(|e| e.at(loc))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, entry)) = self.pending.take() else {
            return Err(de::Error::custom("value requested before key"));
        };
        let de = NodeDe {
            node: &entry.value,
            key_span: Some(entry.key_span),
            path: child_path(self.path, key),
        };
        let loc = de.loc();
        seed.deserialize(de).map_err(|e| e.at(loc))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// Deserializer for a mapping key (or a variant name): a string, parsed for numeric key types.
struct KeyDe<'a> {
    key: &'a str,
    loc: Loc,
}

macro_rules! key_parse {
    ($method:ident, $visit:ident) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.key.parse() {
                Ok(x) => visitor.$visit(x),
                Err(_) => visitor.visit_str(self.key),
            }
        }
    };
}

impl<'de> de::Deserializer<'de> for KeyDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.key)
    }

    key_parse!(deserialize_bool, visit_bool);
    key_parse!(deserialize_i8, visit_i8);
    key_parse!(deserialize_i16, visit_i16);
    key_parse!(deserialize_i32, visit_i32);
    key_parse!(deserialize_i64, visit_i64);
    key_parse!(deserialize_u8, visit_u8);
    key_parse!(deserialize_u16, visit_u16);
    key_parse!(deserialize_u32, visit_u32);
    key_parse!(deserialize_u64, visit_u64);
    key_parse!(deserialize_f32, visit_f32);
    key_parse!(deserialize_f64, visit_f64);

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(EnumDe {
            name: self.key,
            name_loc: self.loc.clone(),
            value: None,
            outer: self.loc.clone(),
            path: self.loc.path,
        })
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// Enum access: `name` is the variant (a string value or the single key of a mapping).
struct EnumDe<'a> {
    name: &'a str,
    name_loc: Loc,
    value: Option<NodeDe<'a>>,
    outer: Loc,
    path: String,
}

impl<'de, 'a> EnumAccess<'de> for EnumDe<'a> {
    type Error = Error;
    type Variant = VariantDe<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantDe<'a>), Error> {
        let loc = self.name_loc.clone();
        let name: de::value::StrDeserializer<'_, Error> = self.name.into_deserializer();
        let v = seed.deserialize(name).map_err(|e| e.at(loc))?;
        Ok((
            v,
            VariantDe {
                name: self.name.to_string(),
                value: self.value,
                outer: self.outer,
                path: self.path,
            },
        ))
    }
}

/// The payload of an enum variant.
struct VariantDe<'a> {
    name: String,
    value: Option<NodeDe<'a>>,
    outer: Loc,
    path: String,
}

impl VariantDe<'_> {
    fn needs_value(&self, what: &str) -> Error {
        Error::new(Kind::Custom(format!(
            "`{}` needs {what}: write it as `{}: ...` under `{}`",
            self.name,
            self.name,
            if self.path.is_empty() {
                "the top level"
            } else {
                &self.path
            }
        )))
        .at(self.outer.clone())
    }
}

impl<'de> VariantAccess<'de> for VariantDe<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            None => Ok(()),
            Some(NodeDe {
                node: Located {
                    value: Node::Null, ..
                },
                ..
            }) => Ok(()),
            Some(nd) => {
                let loc = nd.loc();
                Err(Error::new(Kind::Custom(format!(
                    "`{}` takes no settings, found {}",
                    self.name,
                    nd.node.value.describe()
                )))
                .at(loc))
            }
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.value {
            Some(nd) => {
                let loc = nd.loc();
                seed.deserialize(nd).map_err(|e| e.at(loc))
            }
            None => Err(self.needs_value("a value")),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Some(nd) => de::Deserializer::deserialize_seq(nd, visitor),
            None => Err(self.needs_value("a list")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Some(nd) => de::Deserializer::deserialize_map(nd, visitor),
            None => Err(self.needs_value("settings")),
        }
    }
}
