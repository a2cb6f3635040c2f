//! Accepting connections: limits on connections in total and per client IP, the TLS
//! handshake for implicit-TLS ports off the accept loop, and an orderly stop.

use std::{
    collections::HashMap,
    future::Future,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use osprey_core::{
    Live,
    activity::{self, SessionKind},
};
use tokio::{net::TcpListener, task::JoinSet};
use tokio_rustls::TlsAcceptor;

use crate::{Connection, Shutdown, Stream};

/// How long sessions get to say goodbye after shutdown begins before they are dropped.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// A protocol server: runs one session per connection.
pub trait Protocol: Send + Sync + 'static {
    /// Runs a session to its end. It should watch `shutdown` and say goodbye in its
    /// protocol's words when it fires.
    fn session(
        self: Arc<Self>,
        conn: Connection,
        shutdown: Shutdown,
    ) -> impl Future<Output = ()> + Send;

    /// The reply sent to a client refused because of the connection limits.
    fn busy_reply(&self) -> &'static [u8];

    /// Which sessions it runs, for the count of open sessions.
    fn kind(&self) -> SessionKind;
}

/// Limits of one listener.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections at once, from all clients.
    pub max_connections: usize,
    /// Connections at once from one IP address.
    pub max_per_ip: usize,
    /// How long an implicit-TLS client has to finish its handshake.
    pub tls_handshake_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 10_000,
            max_per_ip: 50,
            tls_handshake_timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Default)]
struct Counts {
    total: usize,
    by_ip: HashMap<IpAddr, usize>,
}

/// Counts a connection for as long as it lives.
struct Slot {
    counts: Arc<Mutex<Counts>>,
    ip: IpAddr,
}

impl Slot {
    fn take(counts: &Arc<Mutex<Counts>>, ip: IpAddr, limits: &ConnectionLimits) -> Option<Slot> {
        let mut c = counts.lock().expect("connection counts");
        let of_ip = c.by_ip.get(&ip).copied().unwrap_or(0);
        if c.total >= limits.max_connections || of_ip >= limits.max_per_ip {
            return None;
        }
        c.total += 1;
        c.by_ip.insert(ip, of_ip + 1);
        Some(Slot {
            counts: counts.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = self.counts.lock().expect("connection counts");
        c.total -= 1;
        if let Some(n) = c.by_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                c.by_ip.remove(&self.ip);
            }
        }
    }
}

/// Accepts connections on `listener` until `shutdown` fires, then waits a while for the
/// sessions to finish. With `implicit_tls`, every connection starts with a TLS handshake.
/// `limits` may change while it serves (a [`Live`] value): each connection meets the
/// limits of the moment it arrives.
pub async fn serve<P: Protocol>(
    listener: TcpListener,
    implicit_tls: Option<TlsAcceptor>,
    limits: impl Into<Live<ConnectionLimits>>,
    protocol: Arc<P>,
    shutdown: Shutdown,
) {
    let live = limits.into();
    let counts = Arc::new(Mutex::new(Counts::default()));
    let mut sessions = JoinSet::new();
    let mut stop = shutdown.clone();
    loop {
        while sessions.try_join_next().is_some() {}
        let (tcp, peer) = tokio::select! {
            _ = stop.wait() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = tcp.set_nodelay(true);
        let local = match tcp.local_addr() {
            Ok(a) => a,
            Err(_) => continue,
        };
        let limits = *live.get();
        let Some(slot) = Slot::take(&counts, peer.ip(), &limits) else {
            tracing::debug!(%peer, "connection refused: limit reached");
            let protocol = protocol.clone();
            let plain = implicit_tls.is_none();
            sessions.spawn(async move {
                if plain {
                    let mut conn = Connection::new(Stream::Plain(tcp), peer, local);
                    let _ = tokio::time::timeout(
                        Duration::from_secs(5),
                        conn.write_all(protocol.busy_reply()),
                    )
                    .await;
                }
            });
            continue;
        };
        let protocol = protocol.clone();
        let acceptor = implicit_tls.clone();
        let session_shutdown = shutdown.clone();
        let open = activity::session_opened(protocol.kind());
        sessions.spawn(async move {
            let (_slot, _open) = (slot, open);
            let stream = match acceptor {
                None => Stream::Plain(tcp),
                Some(acceptor) => {
                    let handshake = Stream::Plain(tcp).start_tls(&acceptor);
                    match tokio::time::timeout(limits.tls_handshake_timeout, handshake).await {
                        Ok(Ok(s)) => s,
                        Ok(Err(e)) => {
                            tracing::debug!(%peer, error = %e, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(%peer, "TLS handshake timed out");
                            return;
                        }
                    }
                }
            };
            protocol
                .session(Connection::new(stream, peer, local), session_shutdown)
                .await;
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, async {
        while sessions.join_next().await.is_some() {}
    })
    .await
    .is_err()
    {
        tracing::warn!(
            left = sessions.len(),
            "sessions still open after shutdown; dropping them"
        );
        sessions.abort_all();
    }
}
