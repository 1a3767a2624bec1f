//! Stage 2, **resolve**: what every later stage needs to know about a loaded profile,
//! computed once: which components are on, their names, namespaces and addresses
//! ([`Stack`]), their placement and their sizing.

pub mod namespace_format;
pub mod placement;
pub mod sizing;
pub mod stack;
pub mod tempo_sizing;

pub use stack::Stack;

/// Which Alloy a pipeline is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The Alloy deployed with the stack, in the cluster the stack runs in.
    Stack,
    /// The Alloy installed inside each vCluster; it writes to the host stack.
    VCluster,
}

impl Side {
    /// Which Alloy runs the pipeline, as the README and `o11yc graph` say it.
    pub fn title(self) -> &'static str {
        match self {
            Side::Stack => "the stack's Alloy",
            Side::VCluster => "the Alloy inside each vCluster",
        }
    }
}
