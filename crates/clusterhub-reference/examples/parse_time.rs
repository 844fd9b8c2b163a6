//! Measures how long parsing all embedded reference data takes (run with `--release`).

use std::time::{Duration, Instant};

use clusterhub_reference::Reference;

/// The budget for parsing everything: a small part of the server's 5 s cold start.
const BUDGET: Duration = Duration::from_millis(200);

fn main() {
    let rounds = 10;
    let mut fastest = Duration::MAX;
    let mut total = Duration::ZERO;
    for _ in 0..rounds {
        let started = Instant::now();
        let reference = Reference::parse().expect("the embedded data parses");
        let elapsed = started.elapsed();
        std::hint::black_box(&reference);
        fastest = fastest.min(elapsed);
        total += elapsed;
    }
    let mean = total / rounds;
    println!(
        "Reference::parse: fastest {:.1} ms, mean {:.1} ms over {rounds} rounds (budget {} ms, ratio {:.2})",
        fastest.as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
        BUDGET.as_millis(),
        mean.as_secs_f64() / BUDGET.as_secs_f64(),
    );
}
