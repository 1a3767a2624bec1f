//! The JSON Schema of the profile format, for editors and CI.

use crate::model::Profile;

/// The schema as pretty JSON ending in a newline.
pub fn schema_json() -> String {
    let mut schema = schemars::schema_for!(Profile);
    schema.insert(
        "$id".to_owned(),
        "https://o11yc.dev/schema/o11yc.schema.json".into(),
    );
    schema.insert("title".to_owned(), "o11yc profile".into());
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    text.push('\n');
    text
}
