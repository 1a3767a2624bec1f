//! What `o11yc build --all` does for the shipped profiles, in process.
//!
//! Run: `cargo bench --bench build -- --warm-up-time 1 --measurement-time 3`
//!
//! * `build_all/compile`: discover `profiles/`, then load + validate + compile +
//!   render every profile with a fresh `SourceMap` (no file system writes).
//! * `build_all/compile+write_fresh`: the same, then `write_tree` every profile
//!   into an empty temporary directory (a first build).
//! * `build_all/compile+write_unchanged`: the same, into a temporary directory that
//!   already holds the output (a rebuild where nothing changed).
//!
//! Nothing is written to `generated/`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use o11yc::SourceMap;
use o11yc::write_tree;
use o11yc::{Compiled, compile_profile, discover};

fn profiles_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles")
}

/// `discover` + `compile_profile` for every profile, as `build --all` does.
fn compile_all(dir: &Path) -> Vec<Compiled> {
    let profiles = discover(dir).expect("read profiles/");
    let mut sources = SourceMap::new();
    profiles
        .iter()
        .map(|p| match compile_profile(p, &mut sources) {
            Ok(c) => c,
            Err(diags) => panic!("profile {} is invalid: {diags:?}", p.name),
        })
        .collect()
}

fn write_all(out: &Path, compiled: &[Compiled]) -> usize {
    compiled
        .iter()
        .map(|c| write_tree(&out.join(&c.profile.name), &c.tree).expect("write_tree"))
        .sum()
}

fn bench_build(c: &mut Criterion) {
    let dir = profiles_dir();
    let sanity = compile_all(&dir);
    assert!(!sanity.is_empty(), "no profiles in {}", dir.display());

    let mut group = c.benchmark_group("build_all");
    group.bench_function("compile", |b| {
        b.iter(|| black_box(compile_all(black_box(&dir))))
    });
    group.bench_function("compile+write_fresh", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("tempdir"),
            |out| {
                let compiled = compile_all(&dir);
                black_box(write_all(out.path(), &compiled));
                out // dropped (deleted) outside the timed section
            },
            BatchSize::PerIteration,
        )
    });
    let existing = tempfile::tempdir().expect("tempdir");
    write_all(existing.path(), &sanity);
    group.bench_function("compile+write_unchanged", |b| {
        b.iter(|| {
            let compiled = compile_all(&dir);
            let changed = write_all(existing.path(), &compiled);
            assert_eq!(changed, 0);
        })
    });
    group.finish();
}

criterion_group!(benches, bench_build);
criterion_main!(benches);
