//! How `o11yc build` grows with the size of a profile: 10 / 100 / 1,000 / 10,000
//! monitors, custom alert rules, Alloy scrape targets and lines of `alloy.custom`.
//!
//! Run: `cargo bench --bench scale -- --warm-up-time 1 --measurement-time 5`
//! (one group per dimension: `scale/<dimension>/<count>`).
//!
//! Each iteration compiles one generated profile (load + validate, including the
//! Alloy check and PromQL parsing, + compile + verify + render) and writes the tree
//! into an empty temporary directory, as a first `o11yc build` does. Wall-clock
//! comparisons with `cp -r`, peak memory and the linearity ratio are measured on the
//! real binary by `scripts/bench/measure.sh`.

#[path = "support/scaled.rs"]
mod scaled;

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use o11yc::SourceMap;
use o11yc::write_tree;
use o11yc::{ProfileRef, compile_profile};
use scaled::Dimension;

const COUNTS: [usize; 4] = [10, 100, 1_000, 10_000];

/// Compiles the profile at `path` and writes it to `out/bench`; the number of files.
fn build(path: &Path, out: &Path) -> usize {
    let profile = ProfileRef {
        name: "bench".to_owned(),
        path: path.to_owned(),
    };
    let mut sources = SourceMap::new();
    let compiled = match compile_profile(&profile, &mut sources) {
        Ok(c) => c,
        Err(diags) => panic!("{} is invalid: {diags:?}", path.display()),
    };
    write_tree(&out.join("bench"), &compiled.tree).expect("write_tree")
}

fn bench_scale(c: &mut Criterion) {
    let profiles = tempfile::tempdir().expect("tempdir");
    for dim in Dimension::ALL {
        let mut group = c.benchmark_group(format!("scale/{}", dim.name()));
        group.sample_size(10);
        for n in COUNTS {
            let path = profiles.path().join(format!("{}-{n}.yaml", dim.name()));
            std::fs::write(&path, scaled::profile(dim, n)).expect("write profile");
            // Fails here, not inside the timing loop, when a generated profile is invalid.
            let check = tempfile::tempdir().expect("tempdir");
            assert!(build(&path, check.path()) > 0);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &path, |b, path| {
                b.iter_batched(
                    || tempfile::tempdir().expect("tempdir"),
                    |out| {
                        black_box(build(path, out.path()));
                        out // deleted outside the timed section
                    },
                    BatchSize::PerIteration,
                )
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_scale);
criterion_main!(benches);
