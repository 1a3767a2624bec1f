//! The catalog writes log queries with o11yc's default source label and values
//! (`source="pod_log"`, `source="k8s_event"`, ...); a profile may rename both
//! (`alloy.logs.sourceLabel`, `alloy.logs.sourceValues`, e.g. KAIWO's
//! `log_type` and seed 004's `kubernetes-events`). [`LogNames`] maps the
//! defaults to the names the profile's pipelines write, so every shipped query
//! selects the streams that exist.

use crate::model::Logs;
use crate::resolve::stack::Stack;

/// The source label and its value per kind of log, as the profile's Alloy writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogNames {
    /// The label naming the kind of log (`source` by default).
    pub label: String,
    /// (default value, the profile's value) per kind of log.
    values: Vec<(&'static str, String)>,
}

/// o11yc's default source label.
pub const DEFAULT_LABEL: &str = "source";

impl LogNames {
    /// The names of the Alloy that collects logs: the one inside each vCluster when it
    /// collects any, otherwise the stack's (the defaults without an Alloy).
    pub fn of(stack: &Stack) -> LogNames {
        let in_vcluster = stack
            .profile
            .vcluster
            .as_ref()
            .and_then(|v| v.alloy.as_ref())
            .filter(|a| a.enabled && a.logs.any_enabled());
        match in_vcluster.or(stack.alloy()) {
            Some(alloy) => LogNames::from_logs(&alloy.logs),
            None => LogNames::from_logs(&Logs::default()),
        }
    }

    fn from_logs(logs: &Logs) -> LogNames {
        let v = &logs.source_values;
        LogNames {
            label: logs.source_label.clone(),
            values: vec![
                ("pod_log", v.pod_log.clone()),
                ("k8s_event", v.k8s_event.clone()),
                ("k8s_audit_log", v.k8s_audit_log.clone()),
                ("journal", v.journal.clone()),
                ("rke2", v.rke2.clone()),
            ],
        }
    }

    /// The profile's values in the catalog's order (pod logs, events, audit, journal, RKE2).
    pub fn ordered(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|(_, v)| v.as_str())
    }

    /// `query` with the default source label and values replaced by the profile's:
    /// `source="pod_log"`, `source=~"$source"`, `by (source)` and `{{source}}`.
    pub fn rename(&self, query: &str) -> String {
        let mut out = query.to_owned();
        for (default, value) in &self.values {
            out = out.replace(
                &format!("{DEFAULT_LABEL}=\"{default}\""),
                &format!("{}=\"{value}\"", self.label),
            );
        }
        out.replace(
            &format!("{DEFAULT_LABEL}=~\"$source\""),
            &format!("{}=~\"$source\"", self.label),
        )
        .replace(
            &format!("by ({DEFAULT_LABEL})"),
            &format!("by ({})", self.label),
        )
        .replace(
            &format!("{{{{{DEFAULT_LABEL}}}}}"),
            &format!("{{{{{}}}}}", self.label),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kaiwo() -> LogNames {
        let mut logs = Logs {
            source_label: "log_type".to_owned(),
            ..Logs::default()
        };
        logs.source_values.k8s_event = "kubernetes-events".to_owned();
        LogNames::from_logs(&logs)
    }

    #[test]
    fn default_names_leave_queries_unchanged() {
        let names = LogNames::from_logs(&Logs::default());
        let q = r#"sum by (source) (count_over_time({cluster="$cluster", source=~"$source"} [$__auto]))"#;
        assert_eq!(names.rename(q), q);
    }

    #[test]
    fn renamed_label_and_values_reach_every_form() {
        let names = kaiwo();
        assert_eq!(
            names.rename(r#"{cluster="$cluster", source="k8s_event", namespace="$namespace"}"#),
            r#"{cluster="$cluster", log_type="kubernetes-events", namespace="$namespace"}"#
        );
        assert_eq!(
            names.rename(
                r#"sum by (source) (count_over_time({source=~"$source", source="pod_log"} [1m]))"#
            ),
            r#"sum by (log_type) (count_over_time({log_type=~"$source", log_type="pod_log"} [1m]))"#
        );
        assert_eq!(names.rename("{{source}}"), "{{log_type}}");
    }
}
