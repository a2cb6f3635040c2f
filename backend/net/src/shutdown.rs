//! The shutdown signal: set once, seen by every listener and session, which then say
//! goodbye in their protocol's words (`421`, `* BYE`, `-ERR`).

use tokio::sync::watch;

/// Fires the signal.
#[derive(Debug)]
pub struct ShutdownTrigger(watch::Sender<bool>);

/// Waits for the signal; cheap to clone.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// A new signal and its trigger.
    pub fn new() -> (ShutdownTrigger, Shutdown) {
        let (tx, rx) = watch::channel(false);
        (ShutdownTrigger(tx), Shutdown(rx))
    }

    /// Returns `true` if and only if shutdown has begun.
    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes when shutdown begins (at once if it has). If the trigger is dropped
    /// without firing, it never completes.
    pub async fn wait(&mut self) {
        if self.0.wait_for(|v| *v).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl ShutdownTrigger {
    /// Begins shutdown.
    pub fn fire(&self) {
        let _ = self.0.send(true);
    }
}
