//! `o11yc init` (a starter profile) and `o11yc completions`.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use super::{Cli, EXIT_ERROR, EXIT_OK, report};
use crate::driver::display_path;

/// The starter profile; `{name}` is replaced by the profile's name.
const STARTER: &str = include_str!("starter.yaml");

/// `o11yc completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "o11yc", &mut out);
    match std::io::stdout().write_all(&out) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            report::error(&format!("cannot write to standard output: {e}"));
            EXIT_ERROR
        }
    }
}

/// Whether `name` can be a profile name (it names a file and a generated directory).
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !crate::driver::is_partial(name)
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
}

/// `o11yc init`: writes `profiles/NAME.yaml`; never overwrites a file.
pub fn init(name: &str, profiles: &Path) -> i32 {
    if !valid_name(name) {
        report::error(&format!(
            "invalid profile name `{name}`\nhelp: use lowercase letters, digits and `-`, for example `homelab`"
        ));
        return EXIT_ERROR;
    }
    let path = profiles.join(format!("{name}.yaml"));
    let text = STARTER.replace("{name}", name);
    let written = std::fs::create_dir_all(profiles).and_then(|()| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?
            .write_all(text.as_bytes())
    });
    match written {
        Ok(()) => {
            eprintln!(
                "wrote {}\nnext: edit it, then `o11yc build --profile {name}` and commit profiles/ and generated/",
                display_path(&path)
            );
            EXIT_OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            report::error(&format!(
                "{} already exists; not overwriting it\nhelp: choose another name with `--name`",
                display_path(&path)
            ));
            EXIT_ERROR
        }
        Err(e) => {
            report::error(&format!("cannot write {}: {e}", display_path(&path)));
            EXIT_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{STARTER, valid_name};
    use crate::diag::SourceMap;
    use crate::model::{Charts, Profile};

    /// The starter pins the charts o11yc's values are written for; when a default moves,
    /// this fails until the starter moves with it.
    #[test]
    fn starter_pins_the_default_charts() {
        let mut sources = SourceMap::new();
        let file = sources.add("starter.yaml".into(), STARTER.replace("{name}", "x"));
        let root = crate::load::parse_yaml(file, sources.text(file)).unwrap();
        let profile: Profile = crate::load::from_node(&root).unwrap();
        let (pinned, defaults) = (&profile.delivery.charts, Charts::default());
        for (name, a, b) in [
            ("loki", &pinned.loki, &defaults.loki),
            ("grafana", &pinned.grafana, &defaults.grafana),
            ("alloy", &pinned.alloy, &defaults.alloy),
        ] {
            assert_eq!(
                (&a.version, &a.repository),
                (&b.version, &b.repository),
                "{name}"
            );
        }
    }

    #[test]
    fn profile_names() {
        assert!(valid_name("main"));
        assert!(valid_name("prod-2"));
        for bad in ["", "_base", "-x", "Prod", "a/b", "a.yaml", "../x"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
