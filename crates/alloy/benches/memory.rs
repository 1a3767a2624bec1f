//! Peak heap of `parse` + `check` per byte of source, measured with a counting global
//! allocator (`scripts/bench/alloy_memory.sh` runs it; a report, not a timed test).
//!
//! Inputs: a generated pipeline of 10,000 scrape targets (each a `discovery.relabel` and a
//! `prometheus.scrape` writing to one `prometheus.remote_write`), and every file of the Alloy
//! corpus (`../shared/conformance/alloy-corpus`) concatenated into one (its duplicate
//! component names make the checker report thousands of errors, which counts too).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = CURRENT.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// A pipeline with `n` scrape targets.
fn targets(n: usize) -> String {
    let mut s = String::from(
        "prometheus.remote_write \"default\" {\n\tendpoint {\n\t\turl = \"http://prometheus:9090/api/v1/write\"\n\t}\n}\n\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "discovery.relabel \"t{i}\" {{\n\ttargets = [{{\"__address__\" = \"host-{i}:9100\"}}]\n\n\trule {{\n\t\ttarget_label = \"job\"\n\t\treplacement  = \"job-{i}\"\n\t}}\n}}\n\n\
             prometheus.scrape \"t{i}\" {{\n\ttargets    = discovery.relabel.t{i}.output\n\tforward_to = [prometheus.remote_write.default.receiver]\n}}\n\n"
        ));
    }
    s
}

fn corpus() -> Option<String> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/alloy-corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "alloy"))
        .collect();
    files.sort();
    let mut all = String::new();
    for p in files {
        all.push_str(&std::fs::read_to_string(p).ok()?);
        all.push('\n');
    }
    Some(all)
}

/// Peak heap while the source (counted) is parsed and checked, above what was allocated
/// before the source existed.
fn measure(name: &str, make: impl FnOnce() -> Option<String>) {
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let Some(mut src) = make() else {
        println!("{name}: SKIPPED (../shared/conformance/alloy-corpus not found)");
        return;
    };
    // As `read_to_string` of the file would hold it: no spare capacity.
    src.shrink_to_fit();
    let len = src.len();
    // Generating the source may have peaked higher (format! buffers); start from the source.
    PEAK.store(CURRENT.load(Ordering::Relaxed), Ordering::Relaxed);
    let (errors, warnings) = match o11yc_alloy::parse(&src) {
        Ok(file) => {
            // The tree alone, and the parse's own peak (spare capacity while it grows).
            if std::env::var_os("O11YC_MEMORY_DETAIL").is_some() {
                let base = before + src.capacity();
                println!(
                    "  parse peak {} tree {}",
                    PEAK.load(Ordering::Relaxed) - base,
                    CURRENT.load(Ordering::Relaxed) - base
                );
            }
            let diags = o11yc_alloy::check(&file);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            (errors, diags.len() - errors)
        }
        Err(diags) => (diags.len(), 0),
    };
    let peak = PEAK.load(Ordering::Relaxed) - before;
    drop(src);
    println!(
        "{name}: {len} bytes of source, peak {peak} bytes of heap = {:.2} bytes per byte ({errors} errors, {warnings} warnings)",
        peak as f64 / len as f64
    );
}

fn main() {
    // The registry is parsed once per process: load it before measuring.
    let warm = o11yc_alloy::parse("").expect("empty file parses");
    let _ = o11yc_alloy::check(&warm);
    measure("10,000 targets", || Some(targets(10_000)));
    measure("corpus concatenated", corpus);
}
