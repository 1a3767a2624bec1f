//! Parses the whole k8s-monitoring corpus (267 files) per iteration.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;

fn corpus() -> Vec<String> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/alloy-corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED: corpus {} not found", dir.display());
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "alloy"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable corpus file"))
        .collect()
}

fn bench(c: &mut Criterion) {
    let sources = corpus();
    if sources.is_empty() {
        return;
    }
    c.bench_function("parse whole corpus", |b| {
        b.iter(|| {
            for src in &sources {
                black_box(o11yc_alloy::parse(black_box(src)).expect("corpus parses"));
            }
        })
    });
    let files: Vec<_> = sources
        .iter()
        .map(|s| o11yc_alloy::parse(s).unwrap())
        .collect();
    c.bench_function("print whole corpus", |b| {
        b.iter(|| {
            for f in &files {
                black_box(o11yc_alloy::print(black_box(f)));
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
