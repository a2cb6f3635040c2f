//! What the benches share: percentiles of their timings, printed one line per measure,
//! and the runtime they run on. (Each bench uses what it needs of it.)
#![allow(dead_code)]

use std::time::Duration;

/// The `p` quantile (0 to 1) of `sorted`.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Prints `what` with the p50 and p99 of `times`, in milliseconds.
pub fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "  {what:<40}  p50 {:>8.2} ms  p99 {:>8.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
    );
}

/// Runs a bench's `run` on a multi-threaded runtime.
pub fn block_on<F: std::future::Future>(run: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(run)
}
