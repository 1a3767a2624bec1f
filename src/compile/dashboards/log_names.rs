//! The source label and values the profile's log pipelines write: o11yc's
//! defaults (`source="pod_log"`, `source="k8s_event"`, ...) or the profile's
//! (`alloy.logs.sourceLabel`, `alloy.logs.sourceValues`, e.g. KAIWO's
//! `log_type` and seed 004's `kubernetes-events`). The dashboard catalog and
//! the datasources build their log queries from [`LogNames`], so every
//! shipped query selects the streams that exist.

use crate::model::Logs;
use crate::resolve::stack::Stack;

/// The source label and its value per kind of log, as the profile's Alloy writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogNames {
    /// The label naming the kind of log (`source` by default).
    pub label: String,
    /// Pod logs (`pod_log`).
    pub pod_log: String,
    /// Kubernetes events (`k8s_event`).
    pub k8s_event: String,
    /// The API server's audit log (`k8s_audit_log`).
    pub k8s_audit_log: String,
    /// The systemd journal (`journal`).
    pub journal: String,
    /// RKE2's own log files (`rke2`).
    pub rke2: String,
}

impl Default for LogNames {
    /// o11yc's defaults (`source`, `pod_log`, ...).
    fn default() -> LogNames {
        LogNames::from_logs(&Logs::default())
    }
}

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
            None => LogNames::default(),
        }
    }

    fn from_logs(logs: &Logs) -> LogNames {
        let v = &logs.source_values;
        LogNames {
            label: logs.source_label.clone(),
            pod_log: v.pod_log.clone(),
            k8s_event: v.k8s_event.clone(),
            k8s_audit_log: v.k8s_audit_log.clone(),
            journal: v.journal.clone(),
            rke2: v.rke2.clone(),
        }
    }

    /// The profile's values in the catalog's order (pod logs, events, audit, journal, RKE2).
    pub fn ordered(&self) -> impl Iterator<Item = &str> {
        [
            &self.pod_log,
            &self.k8s_event,
            &self.k8s_audit_log,
            &self.journal,
            &self.rke2,
        ]
        .into_iter()
        .map(String::as_str)
    }

    /// The matcher selecting the streams whose source label is `value`
    /// (`source="pod_log"`).
    pub fn is(&self, value: &str) -> String {
        format!("{}=\"{value}\"", self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_use_the_profiles_label_and_values() {
        assert_eq!(
            LogNames::default().is(&LogNames::default().pod_log),
            r#"source="pod_log""#
        );
        let mut logs = Logs {
            source_label: "log_type".to_owned(),
            ..Logs::default()
        };
        logs.source_values.k8s_event = "kubernetes-events".to_owned();
        let names = LogNames::from_logs(&logs);
        assert_eq!(
            names.is(&names.k8s_event),
            r#"log_type="kubernetes-events""#
        );
        assert_eq!(
            names.ordered().collect::<Vec<_>>(),
            [
                "pod_log",
                "kubernetes-events",
                "k8s_audit_log",
                "journal",
                "rke2"
            ]
        );
    }
}
