//! What every deployable component of a profile shares, so checks and emitters
//! can walk the components instead of naming each one.

use super::{
    Alloy, Duration, Grafana, Loki, Placement, Profile, PrometheusStack, Quantity, Storage, Tempo,
};

/// A deployable component (a top-level section of the profile).
pub trait Component {
    /// The profile key of the section (`loki`, `prometheus`, ...).
    fn key(&self) -> &'static str;
    /// Whether the component is deployed.
    fn enabled(&self) -> bool;
    /// The component's own namespace, if it overrides the profile's.
    fn namespace_override(&self) -> Option<&str>;
    /// Scheduling and resources.
    fn placement(&self) -> &Placement;
    /// Where the component keeps its data, for stateful components.
    fn storage(&self) -> Option<&Storage> {
        None
    }
    /// How long data is kept, for stores.
    fn retention(&self) -> Option<&Duration> {
        None
    }
    /// The expected data volume per day, when the profile gives one.
    fn ingest_per_day(&self) -> Option<&Quantity> {
        None
    }
}

macro_rules! component {
    ($ty:ty, $key:literal $(, $store:ident)?) => {
        impl Component for $ty {
            fn key(&self) -> &'static str {
                $key
            }
            fn enabled(&self) -> bool {
                self.enabled
            }
            fn namespace_override(&self) -> Option<&str> {
                self.namespace.as_deref()
            }
            fn placement(&self) -> &Placement {
                &self.placement
            }
            $(component!(@$store);)?
        }
    };
    (@store) => {
        fn storage(&self) -> Option<&Storage> {
            Some(&self.storage)
        }
        fn retention(&self) -> Option<&Duration> {
            Some(&self.retention)
        }
        fn ingest_per_day(&self) -> Option<&Quantity> {
            self.ingest_per_day.as_ref()
        }
    };
    (@optional_store) => {
        fn storage(&self) -> Option<&Storage> {
            self.storage.as_ref()
        }
        fn retention(&self) -> Option<&Duration> {
            Some(&self.retention)
        }
        fn ingest_per_day(&self) -> Option<&Quantity> {
            self.ingest_per_day.as_ref()
        }
    };
}

component!(Loki, "loki", store);
component!(Tempo, "tempo", store);
component!(PrometheusStack, "prometheus", optional_store);
component!(Grafana, "grafana");
component!(Alloy, "alloy");

impl Profile {
    /// The components the profile has a section for, enabled or not, in the order of
    /// [`COMPONENTS`](crate::components::COMPONENTS), the one list of components.
    pub fn components(&self) -> Vec<&dyn Component> {
        crate::components::COMPONENTS
            .iter()
            .filter_map(|c| c.section(self))
            .collect()
    }

    /// The components that are deployed.
    pub fn enabled_components(&self) -> impl Iterator<Item = &dyn Component> {
        self.components().into_iter().filter(|c| c.enabled())
    }
}
