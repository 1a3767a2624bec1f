//! Prints a benchmark profile: `cargo run --example scaled_profile -- targets 10000`.
//!
//! Dimensions: `monitors`, `rules`, `targets`, `custom_lines` (see `benches/support/scaled.rs`).

#[path = "../benches/support/scaled.rs"]
mod scaled;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [dim, n] => scaled::Dimension::ALL
            .into_iter()
            .find(|d| d.name() == dim)
            .zip(n.parse::<usize>().ok()),
        _ => None,
    };
    let Some((dim, n)) = parsed else {
        eprintln!("usage: scaled_profile <monitors|rules|targets|custom_lines> <count>");
        std::process::exit(2);
    };
    print!("{}", scaled::profile(dim, n));
}
