//! IDLE, RFC 9051 §6.3.13: changes to the selected mailbox are sent as they are
//! committed (the change bus wakes the session) until the client sends `DONE`.

use osprey_directory::session_ended;
use osprey_net::Line;
use osprey_proto::imap::{Continue, Response, is_idle_done};

use crate::{
    op::{Completion, OpResult},
    session::{Session, State},
};

/// How often an idling session asks the store whether its mailbox changed, for the
/// changes of other processes that the change bus does not carry.
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

impl Session {
    pub(crate) async fn idle(&mut self) -> OpResult {
        self.respond(Response::Continue(Continue::Text("idling".into())));
        let deadline = tokio::time::Instant::now() + self.timeout();
        let max = 1024;
        loop {
            if let Err(e) = Box::pin(self.sync_selected(true)).await {
                tracing::error!(error = %e, "reading the selected mailbox failed");
            }
            // RFC 5465 §4: in IDLE, "exactly the same events as instructed by the client
            // using the NOTIFY command".
            Box::pin(self.report_notify()).await;
            if self.flush().await.is_err() {
                return Err(Completion::closed());
            }
            let Session {
                conn,
                state,
                shutdown,
                watch,
                notify,
                ..
            } = self;
            let conn = conn.as_mut().expect("connection present outside STARTTLS");
            let mut shutdown = shutdown.clone();
            let changed = async {
                match state {
                    State::Selected { mailbox, .. } => mailbox.changed().await,
                    _ => std::future::pending().await,
                }
            };
            let notified = async {
                match notify {
                    Some(n) => n.changed().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = shutdown.wait() => {
                    self.bye(None, "server shutting down");
                    return Err(Completion::closed());
                }
                _ = tokio::time::sleep_until(deadline) => {
                    // RFC 9051 §5.4
                    self.bye(None, "autologout, idle for too long");
                    return Err(Completion::closed());
                }
                end = session_ended(watch) => {
                    self.bye(None, end.text());
                    return Err(Completion::closed());
                }
                _ = changed => continue,
                _ = notified => continue,
                _ = tokio::time::sleep(POLL_EVERY) => {
                    if let State::Selected { mailbox, .. } = &mut self.state {
                        mailbox.request_poll();
                    }
                    continue;
                }
                r = conn.wait_input() => {
                    if r.is_err() {
                        return Err(Completion::closed());
                    }
                }
            }
            // The client sent something: read the whole line (cancel-safety matters only
            // while waiting, above).
            let read = Box::pin(self.conn_mut().read_line(max));
            let line = match tokio::time::timeout_at(deadline, read).await {
                Ok(Ok(Line::Line(l))) => l,
                Ok(Ok(Line::TooLong)) => Vec::new(),
                _ => return Err(Completion::closed()),
            };
            return if is_idle_done(&line) {
                Ok(Completion::ok(None, "IDLE terminated"))
            } else {
                Err(Completion::bad(None, "expected DONE"))
            };
        }
    }
}
