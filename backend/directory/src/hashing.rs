//! The one place password hashes are computed in the process: checking a login (every
//! mail protocol and the web API) and hashing a new password (accounts created or
//! changed) all queue here, and a small fixed set of threads works the queue.
//!
//! Why a pool of its own rather than `spawn_blocking` behind a semaphore: argon2 takes
//! about 19 MiB per hash. glibc's allocator gives each thread an arena and, once a block
//! that size has been freed, raises its mmap threshold so the next ones come from the
//! arena and stay there after they are freed. Hashes spread over the runtime's many
//! blocking threads therefore leave a hash-sized block behind in every arena they touch
//! (up to eight per core), and a burst of failed logins grew the server from 44 MiB to
//! nearly 1 GiB. With the same few threads doing every hash, at most that many blocks
//! stay resident, whatever the load. A job whose caller has gone (the client hung up)
//! is skipped, and jobs queue rather than run at once, so concurrency is bounded even
//! when callers are cancelled.

use std::sync::{Mutex, OnceLock, mpsc};

use osprey_core::StoredCredentials;

type Job = Box<dyn FnOnce() + Send>;

/// Hashing threads: as many as there are cores, up to four.
fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
}

fn queue() -> &'static Mutex<mpsc::Sender<Job>> {
    static QUEUE: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = std::sync::Arc::new(Mutex::new(rx));
        for i in 0..threads() {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("osprey-hash-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while taking a job, not while running it.
                        let job = rx.lock().expect("hash queue").recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("the OS starts a hashing thread");
        }
        Mutex::new(tx)
    })
}

/// Runs `f` on a hashing thread and returns its result; `None` if the pool is gone.
pub(crate) async fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        if !tx.is_closed() {
            let _ = tx.send(f());
        }
    });
    queue().lock().expect("hash queue").send(job).ok()?;
    rx.await.ok()
}

/// Returns `true` if and only if `password` matches the PHC string `hash`.
pub(crate) async fn verify(password: String, hash: String) -> bool {
    run(move || osprey_core::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// The stored credentials (argon2 and SCRAM) of a new password.
pub(crate) async fn credentials(password: String) -> Option<StoredCredentials> {
    run(move || osprey_core::hash_credentials(&password)).await
}

#[cfg(test)]
mod tests {
    use std::{
        sync::atomic::{AtomicUsize, Ordering},
        time::Duration,
    };

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_the_pool_runs_at_once_and_abandoned_jobs_are_skipped() {
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static PEAK: AtomicUsize = AtomicUsize::new(0);
        static RAN: AtomicUsize = AtomicUsize::new(0);
        let job = || {
            let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
            PEAK.fetch_max(now, Ordering::SeqCst);
            RAN.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            RUNNING.fetch_sub(1, Ordering::SeqCst);
        };
        let waits: Vec<_> = (0..24).map(|_| tokio::spawn(run(job))).collect();
        for w in waits {
            w.await.unwrap().unwrap();
        }
        assert!(PEAK.load(Ordering::SeqCst) <= threads());
        assert_eq!(RAN.load(Ordering::SeqCst), 24);
        // Forty callers that give up at once: most of their jobs never run.
        let abandoned: Vec<_> = (0..40).map(|_| tokio::spawn(run(job))).collect();
        for a in &abandoned {
            a.abort();
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(RAN.load(Ordering::SeqCst) < 24 + 40);
    }
}
