//! The parts of Grafana's dashboard JSON model o11yc writes, as typed structs,
//! and a builder that numbers panels and lays them out on the 24-column grid.

use serde::Serialize;

/// Dashboard JSON schema version written: what Grafana 12 writes (12.3: 42), so
/// Grafana runs no migration on load.
pub const SCHEMA_VERSION: u32 = 42;

/// The kind of datasource a query runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// Prometheus (PromQL), through the `${datasource}` variable.
    Prometheus,
    /// Loki (LogQL), through the `${loki}` variable.
    Loki,
}

impl Source {
    /// Grafana's plugin id.
    pub fn kind(self) -> &'static str {
        match self {
            Source::Prometheus => "prometheus",
            Source::Loki => "loki",
        }
    }

    /// The datasource variable's name.
    pub fn variable(self) -> &'static str {
        match self {
            Source::Prometheus => "datasource",
            Source::Loki => "loki",
        }
    }

    fn reference(self) -> DatasourceRef {
        DatasourceRef {
            kind: self.kind(),
            uid: format!("${{{}}}", self.variable()),
        }
    }
}

/// A datasource reference through a variable (never a hard-coded uid).
#[derive(Clone, Debug, Serialize)]
pub struct DatasourceRef {
    /// Plugin id.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `${datasource}` or `${loki}`.
    pub uid: String,
}

/// A dashboard.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Stable uid (also the file name).
    pub uid: &'static str,
    /// Title.
    pub title: &'static str,
    /// Tags.
    pub tags: Vec<&'static str>,
    /// Time zone of the browser.
    pub timezone: &'static str,
    /// JSON model version.
    pub schema_version: u32,
    /// Read-only in the UI: the profile is the source.
    pub editable: bool,
    /// Auto-refresh.
    pub refresh: &'static str,
    /// Default time range.
    pub time: TimeRange,
    /// Template variables.
    pub templating: Templating,
    /// Annotation queries: Grafana's built-in one (alerts and dashboard annotations).
    pub annotations: Annotations,
    /// Panels.
    pub panels: Vec<Panel>,
}

/// The annotation queries of a dashboard (required by Grafana's schema).
#[derive(Clone, Debug, Serialize)]
pub struct Annotations {
    /// In display order.
    pub list: Vec<Annotation>,
}

/// One annotation query.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    /// `1` for the built-in "Annotations & Alerts" query.
    pub built_in: u8,
    /// Grafana's own datasource.
    pub datasource: DatasourceRef,
    /// Queried on every refresh.
    pub enable: bool,
    /// No toggle shown.
    pub hide: bool,
    /// Marker colour.
    pub icon_color: &'static str,
    /// Name shown.
    pub name: &'static str,
    /// `dashboard`: annotations stored with the dashboard.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl Annotation {
    /// The query every Grafana dashboard has by default.
    pub fn built_in() -> Self {
        Annotation {
            built_in: 1,
            datasource: DatasourceRef {
                kind: "grafana",
                uid: "-- Grafana --".to_owned(),
            },
            enable: true,
            hide: true,
            icon_color: "rgba(0, 211, 255, 1)",
            name: "Annotations & Alerts",
            kind: "dashboard",
        }
    }
}

/// A time range.
#[derive(Clone, Debug, Serialize)]
pub struct TimeRange {
    /// Start (`now-1h`).
    pub from: &'static str,
    /// End (`now`).
    pub to: &'static str,
}

/// The variables of a dashboard.
#[derive(Clone, Debug, Serialize)]
pub struct Templating {
    /// In display order.
    pub list: Vec<Variable>,
}

/// A template variable.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    /// `datasource`, `query`, `custom` or `textbox`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Name used as `$name`.
    pub name: String,
    /// Label shown.
    pub label: String,
    /// Plugin id (datasource variables), query, comma-separated values (custom) or default text.
    pub query: String,
    /// Datasource of a query variable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DatasourceRef>,
    /// Refresh on time range change (query variables).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh: Option<u8>,
    /// Several values at once.
    pub multi: bool,
    /// An "All" option.
    pub include_all: bool,
    /// The regex "All" stands for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_value: Option<&'static str>,
}

impl Variable {
    /// A datasource picker for `source`.
    pub fn datasource(source: Source, label: &'static str) -> Self {
        Variable {
            kind: "datasource",
            name: source.variable().to_owned(),
            label: label.to_owned(),
            query: source.kind().to_owned(),
            datasource: None,
            refresh: None,
            multi: false,
            include_all: false,
            all_value: None,
        }
    }

    /// Values of a label (`label_values(...)`) from `source`.
    pub fn query(
        source: Source,
        name: impl Into<String>,
        label: impl Into<String>,
        query: String,
    ) -> Self {
        Variable {
            kind: "query",
            name: name.into(),
            label: label.into(),
            query,
            datasource: Some(source.reference()),
            refresh: Some(2),
            multi: false,
            include_all: false,
            all_value: None,
        }
    }

    /// Lets users pick several values or all (`.*`).
    pub fn multi_all(mut self) -> Self {
        self.multi = true;
        self.include_all = true;
        self.all_value = Some(".*");
        self
    }

    /// A free-text box.
    pub fn textbox(name: &'static str, label: &'static str) -> Self {
        Variable {
            kind: "textbox",
            name: name.to_owned(),
            label: label.to_owned(),
            query: String::new(),
            datasource: None,
            refresh: None,
            multi: false,
            include_all: false,
            all_value: None,
        }
    }

    /// A fixed list of values.
    pub fn custom(name: &'static str, label: &'static str, values: &[impl AsRef<str>]) -> Self {
        let values: Vec<&str> = values.iter().map(AsRef::as_ref).collect();
        Variable {
            kind: "custom",
            query: values.join(","),
            ..Variable::textbox(name, label)
        }
        .multi_all()
    }
}

/// The visualizations o11yc uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PanelKind {
    /// A graph over time.
    Timeseries,
    /// Log lines.
    Logs,
    /// One big number.
    Stat,
    /// States over time.
    StateTimeline,
}

impl PanelKind {
    /// The options Grafana's schema of this panel type requires, at Grafana's defaults.
    fn options(self) -> Options {
        let legend = Legend {
            display_mode: "list",
            placement: "bottom",
            show_legend: true,
            calcs: Vec::new(),
        };
        let tooltip = Tooltip {
            mode: "multi",
            sort: "none",
        };
        match self {
            PanelKind::Timeseries => Options::Chart(ChartOptions { legend, tooltip }),
            PanelKind::StateTimeline => Options::Timeline(TimelineOptions {
                show_value: "auto",
                row_height: 0.9,
                merge_values: true,
                legend,
                tooltip: Tooltip {
                    mode: "single",
                    ..tooltip
                },
            }),
            PanelKind::Stat => Options::Stat(StatOptions {
                graph_mode: "area",
                color_mode: "value",
                justify_mode: "auto",
                text_mode: "auto",
                wide_layout: true,
                show_percent_change: false,
                percent_change_color_mode: "standard",
                orientation: "auto",
                reduce_options: ReduceOptions {
                    calcs: vec!["lastNotNull"],
                    values: false,
                },
            }),
            PanelKind::Logs => Options::Logs(LogsOptions {
                show_labels: false,
                show_common_labels: false,
                show_time: true,
                show_log_context_toggle: true,
                wrap_log_message: true,
                prettify_log_message: false,
                enable_log_details: true,
                sort_order: "Descending",
                dedup_strategy: "none",
            }),
        }
    }
}

/// Panel options, by panel type.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Options {
    /// `timeseries`.
    Chart(ChartOptions),
    /// `state-timeline`.
    Timeline(TimelineOptions),
    /// `stat`.
    Stat(StatOptions),
    /// `logs`.
    Logs(LogsOptions),
}

/// Options of a time series panel.
#[derive(Clone, Debug, Serialize)]
pub struct ChartOptions {
    legend: Legend,
    tooltip: Tooltip,
}

/// Options of a state timeline panel.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineOptions {
    show_value: &'static str,
    row_height: f64,
    merge_values: bool,
    legend: Legend,
    tooltip: Tooltip,
}

/// Options of a stat panel.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatOptions {
    graph_mode: &'static str,
    color_mode: &'static str,
    justify_mode: &'static str,
    text_mode: &'static str,
    wide_layout: bool,
    show_percent_change: bool,
    percent_change_color_mode: &'static str,
    orientation: &'static str,
    reduce_options: ReduceOptions,
}

/// Options of a logs panel.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogsOptions {
    show_labels: bool,
    show_common_labels: bool,
    show_time: bool,
    show_log_context_toggle: bool,
    wrap_log_message: bool,
    prettify_log_message: bool,
    enable_log_details: bool,
    sort_order: &'static str,
    dedup_strategy: &'static str,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Legend {
    display_mode: &'static str,
    placement: &'static str,
    show_legend: bool,
    calcs: Vec<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
struct Tooltip {
    mode: &'static str,
    sort: &'static str,
}

#[derive(Clone, Debug, Serialize)]
struct ReduceOptions {
    calcs: Vec<&'static str>,
    values: bool,
}

/// A panel.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Panel {
    /// Unique in the dashboard.
    pub id: u32,
    /// Visualization.
    #[serde(rename = "type")]
    pub kind: PanelKind,
    /// Title.
    pub title: &'static str,
    /// Where its queries run.
    pub datasource: DatasourceRef,
    /// Position on the grid.
    pub grid_pos: GridPos,
    /// Queries.
    pub targets: Vec<Target>,
    /// Field defaults (the unit) and overrides.
    pub field_config: FieldConfig,
    /// Visualization options.
    pub options: Options,
}

/// Position and size in grid units (24 columns).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct GridPos {
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}

/// A query of a panel.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// `A`, `B`, ...
    pub ref_id: String,
    /// Where it runs.
    pub datasource: DatasourceRef,
    /// PromQL or LogQL.
    pub expr: String,
    /// Series name template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legend_format: Option<String>,
}

/// Field defaults and per-field overrides.
#[derive(Clone, Debug, Serialize)]
pub struct FieldConfig {
    /// Defaults for every field.
    pub defaults: FieldDefaults,
    /// Per-field overrides (none; required by Grafana's schema).
    pub overrides: Vec<serde_json::Value>,
}

/// The unit of a panel's values.
#[derive(Clone, Debug, Serialize)]
pub struct FieldDefaults {
    /// Grafana unit id (`bytes`, `percent`, `s`, ...), when the values have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<&'static str>,
}

/// A query of a panel, before ids are assigned.
pub struct Query {
    /// PromQL or LogQL.
    pub expr: String,
    /// Series name template.
    pub legend: Option<String>,
}

/// Shorthand for a query with a legend.
pub fn q(expr: impl Into<String>, legend: impl Into<String>) -> Query {
    let legend = legend.into();
    Query {
        expr: expr.into(),
        legend: (!legend.is_empty()).then_some(legend),
    }
}

impl Dashboard {
    /// Keeps the panels `keep` accepts, numbered from 1 again and laid out
    /// as the builder lays them out.
    pub fn retain_panels(&mut self, keep: impl FnMut(&Panel) -> bool) {
        self.panels.retain(keep);
        let (mut x, mut y, mut row_height) = (0, 0, 0);
        for (panel, id) in self.panels.iter_mut().zip(1..) {
            let GridPos { w, h, .. } = panel.grid_pos;
            if x + w > 24 {
                x = 0;
                y += row_height;
                row_height = 0;
            }
            panel.id = id;
            panel.grid_pos = GridPos { x, y, w, h };
            x += w;
            row_height = row_height.max(h);
        }
    }
}

/// Builds a dashboard: numbers panels from 1 and fills rows left to right.
pub struct Builder {
    dashboard: Dashboard,
    x: u32,
    y: u32,
    row_height: u32,
}

impl Builder {
    /// A dashboard with a 1-hour default range.
    pub fn new(uid: &'static str, title: &'static str, tags: Vec<&'static str>) -> Self {
        Builder {
            dashboard: Dashboard {
                uid,
                title,
                tags,
                timezone: "browser",
                schema_version: SCHEMA_VERSION,
                editable: false,
                refresh: "30s",
                time: TimeRange {
                    from: "now-1h",
                    to: "now",
                },
                templating: Templating { list: Vec::new() },
                annotations: Annotations {
                    list: vec![Annotation::built_in()],
                },
                panels: Vec::new(),
            },
            x: 0,
            y: 0,
            row_height: 0,
        }
    }

    /// Adds a variable.
    pub fn variable(mut self, variable: Variable) -> Self {
        self.dashboard.templating.list.push(variable);
        self
    }

    /// Adds a panel `w` columns wide and `h` rows high.
    #[allow(clippy::too_many_arguments)]
    pub fn panel(
        mut self,
        kind: PanelKind,
        title: &'static str,
        source: Source,
        unit: Option<&'static str>,
        (w, h): (u32, u32),
        queries: Vec<Query>,
    ) -> Self {
        if self.x + w > 24 {
            self.x = 0;
            self.y += self.row_height;
            self.row_height = 0;
        }
        let id = u32::try_from(self.dashboard.panels.len()).unwrap_or(u32::MAX) + 1;
        let targets = queries
            .into_iter()
            .zip('A'..='Z')
            .map(|(query, ref_id)| Target {
                ref_id: ref_id.to_string(),
                datasource: source.reference(),
                expr: query.expr,
                legend_format: query.legend,
            })
            .collect();
        self.dashboard.panels.push(Panel {
            id,
            kind,
            title,
            datasource: source.reference(),
            grid_pos: GridPos {
                x: self.x,
                y: self.y,
                w,
                h,
            },
            targets,
            field_config: FieldConfig {
                defaults: FieldDefaults { unit },
                overrides: Vec::new(),
            },
            options: kind.options(),
        });
        self.x += w;
        self.row_height = self.row_height.max(h);
        self
    }

    /// The finished dashboard.
    pub fn build(self) -> Dashboard {
        self.dashboard
    }
}
