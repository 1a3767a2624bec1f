//! The `o11yc` binary.

fn main() {
    std::process::exit(o11yc::run());
}
