//! Value types with units: storage quantities and durations.
//!
//! They are written in profiles as strings (`200Gi`, `7d`) and checked when the
//! profile is loaded, so a typo such as `200GB` is reported at its location.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Kubernetes storage quantity such as `200Gi`, kept as written and as bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    text: String,
    bytes: u64,
}

const QUANTITY_SUFFIXES: &[(&str, u64)] = &[
    ("Ki", 1 << 10),
    ("Mi", 1 << 20),
    ("Gi", 1 << 30),
    ("Ti", 1 << 40),
    ("Pi", 1 << 50),
    ("k", 1_000),
    ("M", 1_000_000),
    ("G", 1_000_000_000),
    ("T", 1_000_000_000_000),
    ("P", 1_000_000_000_000_000),
];

impl Quantity {
    /// The size in bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl FromStr for Quantity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (digits, suffix) = text.split_at(split);
        let invalid = || {
            format!(
                "invalid storage size `{text}`: expected a whole number with a binary suffix such as `50Gi` or `200Gi` (Ki, Mi, Gi, Ti, Pi; or k, M, G, T, P)"
            )
        };
        let number: u64 = digits.parse().map_err(|_| invalid())?;
        let factor = if suffix.is_empty() {
            1
        } else {
            QUANTITY_SUFFIXES
                .iter()
                .find(|(s, _)| *s == suffix)
                .map(|(_, f)| *f)
                .ok_or_else(invalid)?
        };
        let bytes = number
            .checked_mul(factor)
            .ok_or_else(|| format!("storage size `{text}` is too large"))?;
        if bytes == 0 {
            return Err(format!("storage size `{text}` must be greater than zero"));
        }
        Ok(Quantity {
            text: text.to_owned(),
            bytes,
        })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$",
            "description": "A storage size in Kubernetes quantity form, e.g. `50Gi`.",
            "examples": ["10Gi", "200Gi"]
        })
    }
}

/// A duration in Prometheus form (`30s`, `5m`, `168h`, `7d`, `1w`), kept in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    seconds: u64,
}

const DURATION_UNITS: &[(char, u64)] = &[
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

impl Duration {
    /// A duration of whole seconds.
    pub const fn from_secs(seconds: u64) -> Self {
        Duration { seconds }
    }

    /// The length in seconds.
    pub fn seconds(&self) -> u64 {
        self.seconds
    }

    /// Whole days, rounded up (used for capacity estimates).
    pub fn days_ceil(&self) -> u64 {
        self.seconds.div_ceil(86_400)
    }

    /// Prometheus form with days as the largest unit (`7d`, `1h30m`, `1d12h`).
    /// Loki, Prometheus and Alertmanager accept it.
    pub fn prometheus(&self) -> String {
        self.format(&DURATION_UNITS[1..])
    }

    /// Go `time.Duration` form, whose largest unit is hours (`168h`). Tempo requires it.
    pub fn go(&self) -> String {
        self.format(&DURATION_UNITS[2..])
    }

    fn format(&self, units: &[(char, u64)]) -> String {
        if self.seconds == 0 {
            return "0s".to_owned();
        }
        let mut rest = self.seconds;
        let mut out = String::new();
        for (unit, size) in units {
            if rest >= *size {
                out.push_str(&format!("{}{unit}", rest / size));
                rest %= size;
            }
        }
        out
    }
}

impl FromStr for Duration {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let invalid = || {
            format!(
                "invalid duration `{text}`: expected a number with a unit such as `30s`, `5m`, `168h`, `7d` or `1w` (units can be combined: `1d12h`)"
            )
        };
        if text.is_empty() {
            return Err(invalid());
        }
        let mut seconds: u64 = 0;
        let mut digits = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let size = DURATION_UNITS
                .iter()
                .find(|(u, _)| *u == c)
                .map(|(_, s)| *s)
                .ok_or_else(invalid)?;
            let n: u64 = digits.parse().map_err(|_| invalid())?;
            seconds = n
                .checked_mul(size)
                .and_then(|v| v.checked_add(seconds))
                .ok_or_else(invalid)?;
            digits.clear();
        }
        if !digits.is_empty() {
            return Err(invalid());
        }
        Ok(Duration { seconds })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.prometheus())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.prometheus())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^([0-9]+[wdhms])+$",
            "description": "A duration such as `30s`, `5m`, `168h`, `7d`, `1w` or `1d12h`.",
            "examples": ["30s", "7d"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_to_bytes() {
        assert_eq!("200Gi".parse::<Quantity>().unwrap().bytes(), 200 << 30);
        assert_eq!("1G".parse::<Quantity>().unwrap().bytes(), 1_000_000_000);
        assert_eq!("512".parse::<Quantity>().unwrap().bytes(), 512);
    }

    #[test]
    fn bad_quantities_are_rejected_with_the_expected_form() {
        for bad in ["200GB", "Gi", "", "-1Gi", "1.5Gi", "0Gi", "99999999999Pi"] {
            let err = bad.parse::<Quantity>().unwrap_err();
            assert!(err.contains(bad), "{bad}: {err}");
        }
    }

    #[test]
    fn durations_parse_and_print_in_each_dialect() {
        let week: Duration = "7d".parse().unwrap();
        assert_eq!(week.seconds(), 604_800);
        assert_eq!(week.prometheus(), "7d");
        assert_eq!("2w".parse::<Duration>().unwrap().prometheus(), "14d");
        assert_eq!(week.go(), "168h");
        let mixed: Duration = "1d12h".parse().unwrap();
        assert_eq!(mixed.prometheus(), "1d12h");
        assert_eq!(mixed.go(), "36h");
        assert_eq!("90s".parse::<Duration>().unwrap().prometheus(), "1m30s");
        assert_eq!("30d".parse::<Duration>().unwrap().days_ceil(), 30);
    }

    #[test]
    fn bad_durations_are_rejected() {
        for bad in ["", "7", "d", "7x", "1.5h", "7 d"] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
    }
}
