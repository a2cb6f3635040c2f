//! The one place password hashes are computed in the process: checking a login (every
//! mail protocol and the web API) and hashing a new password (accounts created or
//! changed) all queue here, and a small fixed set of threads works the queue.
//!
//! Why threads of its own rather than `spawn_blocking` behind a semaphore: argon2 works
//! in about 19 MiB per hash. Allocated and freed for every hash, those blocks stayed with
//! glibc's allocator: 300 wrong passwords, four at a time, grew the server from 25 MiB
//! to 1.2-1.7 GiB, with one malloc arena as with many, but not with a fixed mmap
//! threshold (`MALLOC_MMAP_THRESHOLD_`): after the first such block is freed, glibc's
//! dynamic threshold rises to its size, the next ones come from the heap, and since each
//! 64-byte-aligned request is a little larger than the block freed before it, freed
//! blocks are seldom reused. Here each thread keeps one argon2 memory
//! (`osprey_core::HashMemory`) and reuses it for every hash, so the hashing memory is the
//! threads' and nothing more, whatever the load. A semaphore also gave its permit back
//! when a caller was cancelled while its hash went on; here a job whose caller has gone
//! (the client hung up) is skipped, and jobs queue rather than run at once.

use std::sync::{Mutex, OnceLock, mpsc};

use osprey_core::{HashMemory, StoredCredentials};

/// A job gets its thread's argon2 memory.
type Job = Box<dyn FnOnce(&mut HashMemory) + Send>;

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
                    // Allocated by the first hash, reused by every later one.
                    let mut memory = HashMemory::new();
                    loop {
                        // The lock is held only while taking a job, not while running it.
                        let job = rx.lock().expect("hash queue").recv();
                        match job {
                            Ok(job) => job(&mut memory),
                            Err(_) => return,
                        }
                    }
                })
                .expect("the OS starts a hashing thread");
        }
        Mutex::new(tx)
    })
}

/// Runs `f` on a hashing thread, with the thread's argon2 memory, and returns its
/// result; `None` if the pool is gone.
pub(crate) async fn run<T: Send + 'static>(
    f: impl FnOnce(&mut HashMemory) -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move |memory| {
        if !tx.is_closed() {
            let _ = tx.send(f(memory));
        }
    });
    queue().lock().expect("hash queue").send(job).ok()?;
    rx.await.ok()
}

/// Returns `true` if and only if `password` matches the PHC string `hash`.
pub(crate) async fn verify(password: String, hash: String) -> bool {
    run(move |m| osprey_core::verify_password_with(m, &password, &hash))
        .await
        .unwrap_or(false)
}

/// The stored credentials (argon2 and SCRAM) of a new password.
pub(crate) async fn credentials(password: String) -> Option<StoredCredentials> {
    run(move |m| osprey_core::hash_credentials_with(m, &password)).await
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
        let job = |_: &mut HashMemory| {
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
