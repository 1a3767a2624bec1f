//! The seeded random source and the run budget of the fuzz and property
//! harnesses, shared by both crates' test trees (`tests/fuzz_profiles.rs`
//! includes this file by path).
#![allow(dead_code)] // each test binary uses part of this module

use std::time::{Duration, Instant};

/// Small deterministic xorshift generator (no dependency needed).
pub struct Rng(pub u64);

impl Rng {
    /// The next number of the sequence.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True `percent` times out of a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The number in environment variable `name`, or `default`.
pub fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `one` with a generator seeded from `O11YC_FUZZ_SEED` (or
/// `default_seed`), `O11YC_FUZZ_ITERATIONS` times (or `default_iterations`),
/// or for `O11YC_FUZZ_SECONDS` when that is set. Returns how many inputs ran.
pub fn run(default_iterations: u64, default_seed: u64, mut one: impl FnMut(&mut Rng)) -> u64 {
    let iterations = env("O11YC_FUZZ_ITERATIONS", default_iterations);
    let mut rng = Rng(env("O11YC_FUZZ_SEED", default_seed) | 1);
    let deadline = std::env::var("O11YC_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(|s| Instant::now() + Duration::from_secs(s));
    let mut done: u64 = 0;
    while deadline.map_or(done < iterations, |d| Instant::now() < d) {
        one(&mut rng);
        done += 1;
    }
    done
}
