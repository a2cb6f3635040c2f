//! The SQLite writers' gate: one holder at a time, in arrival order, entered either by
//! an async task (which waits without blocking its thread) or by a thread that may block
//! (a write running on a thread of its own, see [`crate::Store::write`]).
//!
//! Leaving hands the gate straight to the first waiter: a blocked thread is unparked,
//! a task is woken. A waiter that gives up (its time ran out, or its future was
//! dropped) leaves the queue, or, if the gate reached it in that moment, passes it on.

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use tokio::sync::Notify;

/// The gate. Cheap to share behind an `Arc`.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    held: bool,
    queue: VecDeque<Arc<Waiter>>,
}

#[derive(Debug)]
struct Waiter {
    /// Set, under the state's lock, when the gate passes to this waiter.
    granted: AtomicBool,
    wake: Wake,
}

#[derive(Debug)]
enum Wake {
    Thread(std::thread::Thread),
    Task(Notify),
}

impl Waiter {
    fn wake(&self) {
        match &self.wake {
            Wake::Thread(t) => t.unpark(),
            Wake::Task(n) => n.notify_one(),
        }
    }
}

/// The time ran out before the gate came free.
#[derive(Debug)]
pub(crate) struct TimedOut;

/// Holding the gate; leaving it when dropped.
#[derive(Debug)]
pub(crate) struct Held(Arc<Gate>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.leave();
    }
}

impl Gate {
    /// Enters without waiting if the gate is free and nobody queues; else queues `wake`.
    fn arrive(self: &Arc<Self>, wake: impl FnOnce() -> Wake) -> Result<Held, Arc<Waiter>> {
        let mut s = self.state.lock().expect("gate state");
        if !s.held {
            s.held = true;
            return Ok(Held(self.clone()));
        }
        let w = Arc::new(Waiter {
            granted: AtomicBool::new(false),
            wake: wake(),
        });
        s.queue.push_back(w.clone());
        Err(w)
    }

    /// Passes the gate to the first waiter, or frees it.
    fn leave(&self) {
        let mut s = self.state.lock().expect("gate state");
        match s.queue.pop_front() {
            Some(next) => {
                next.granted.store(true, Ordering::Release);
                drop(s);
                next.wake();
            }
            None => s.held = false,
        }
    }

    /// A waiter gives up: leaves the queue, or, if the gate reached it meanwhile, holds it
    /// (`Some`), for the caller to keep or drop.
    fn give_up(self: &Arc<Self>, w: &Arc<Waiter>) -> Option<Held> {
        let mut s = self.state.lock().expect("gate state");
        if w.granted.load(Ordering::Acquire) {
            return Some(Held(self.clone()));
        }
        s.queue.retain(|q| !Arc::ptr_eq(q, w));
        None
    }

    /// Waits for the gate, blocking this thread, at most `wait`.
    pub(crate) fn enter_blocking(self: &Arc<Self>, wait: Duration) -> Result<Held, TimedOut> {
        let w = match self.arrive(|| Wake::Thread(std::thread::current())) {
            Ok(held) => return Ok(held),
            Err(w) => w,
        };
        let deadline = Instant::now() + wait;
        loop {
            if w.granted.load(Ordering::Acquire) {
                return Ok(Held(self.clone()));
            }
            let now = Instant::now();
            if now >= deadline {
                return self.give_up(&w).ok_or(TimedOut);
            }
            std::thread::park_timeout(deadline - now);
        }
    }

    /// Waits for the gate without blocking the thread, at most `wait`. Dropping the
    /// future while it waits leaves the queue (or passes the gate on).
    pub(crate) async fn enter(self: &Arc<Self>, wait: Duration) -> Result<Held, TimedOut> {
        let w = match self.arrive(|| Wake::Task(Notify::new())) {
            Ok(held) => return Ok(held),
            Err(w) => w,
        };
        let mut queued = Queued {
            gate: self,
            waiter: Some(w.clone()),
        };
        let Wake::Task(notify) = &w.wake else {
            unreachable!("queued as a task")
        };
        let granted = async {
            // `notify_one` keeps a permit for a wake that comes before this waits.
            while !w.granted.load(Ordering::Acquire) {
                notify.notified().await;
            }
        };
        match tokio::time::timeout(wait, granted).await {
            Ok(()) => {
                queued.waiter = None;
                Ok(Held(self.clone()))
            }
            Err(_) => {
                queued.waiter = None;
                self.give_up(&w).ok_or(TimedOut)
            }
        }
    }
}

/// A task's place in the queue while it waits; if the task stops waiting early, the place
/// is given up on drop.
struct Queued<'a> {
    gate: &'a Arc<Gate>,
    waiter: Option<Arc<Waiter>>,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        if let Some(w) = self.waiter.take() {
            // Granted in the meantime: the `Held` dropped here passes it on.
            drop(self.gate.give_up(&w));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tasks_and_threads_enter_in_arrival_order() {
        let gate = Arc::new(Gate::default());
        let first = gate.enter(Duration::from_secs(5)).await.unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        let mut threads = Vec::new();
        for i in 0..6 {
            let (g, order) = (gate.clone(), order.clone());
            if i % 2 == 0 {
                tasks.push(tokio::spawn(async move {
                    let _held = g.enter(Duration::from_secs(5)).await.unwrap();
                    order.lock().unwrap().push(i);
                }));
            } else {
                threads.push(std::thread::spawn(move || {
                    let _held = g.enter_blocking(Duration::from_secs(5)).unwrap();
                    order.lock().unwrap().push(i);
                }));
            }
            // Let each one queue before the next arrives.
            while gate.state.lock().unwrap().queue.len() < i + 1 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        drop(first);
        for t in tasks {
            t.await.unwrap();
        }
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4, 5]);
        assert!(
            !gate.state.lock().unwrap().held,
            "the last one freed the gate"
        );
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_leaves_the_queue_and_the_gate_still_passes() {
        let gate = Arc::new(Gate::default());
        let held = gate.enter(Duration::from_secs(5)).await.unwrap();
        // Time runs out, for a task and for a thread.
        assert!(gate.enter(Duration::from_millis(20)).await.is_err());
        let g = gate.clone();
        let blocked = std::thread::spawn(move || g.enter_blocking(Duration::from_millis(20)));
        assert!(blocked.join().unwrap().is_err());
        // A task whose future is dropped while it waits.
        let g = gate.clone();
        let waiting = tokio::spawn(async move { g.enter(Duration::from_secs(5)).await });
        while gate.state.lock().unwrap().queue.is_empty() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        waiting.abort();
        let _ = waiting.await;
        assert!(gate.state.lock().unwrap().queue.is_empty());
        drop(held);
        // Nobody is left holding it: the next writer gets in at once.
        let again = gate.enter(Duration::from_millis(20)).await;
        assert!(again.is_ok(), "the gate was lost to a writer that gave up");
    }

    #[test]
    fn a_waiter_granted_as_it_gives_up_passes_the_gate_on() {
        let gate = Arc::new(Gate::default());
        let held = gate.enter_blocking(Duration::from_secs(1)).unwrap();
        let w = gate.arrive(|| Wake::Task(Notify::new())).unwrap_err();
        // The holder leaves, and the gate reaches the waiter just as it gives up.
        drop(held);
        let passed = gate.give_up(&w).expect("granted before it gave up");
        drop(passed);
        assert!(gate.enter_blocking(Duration::from_millis(20)).is_ok());
    }
}
