//! A scripted SMTP server on a loopback port: it plays its lines in order, reads what the
//! client sends where the script says so, and hands back everything it read.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use osprey_outbound::{ClientConfig, TlsPolicy};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader},
    net::TcpListener,
    task::JoinHandle,
};
use tokio_rustls::TlsAcceptor;

/// One step of the server's part.
pub enum Step {
    /// Writes the line(s) and CRLF.
    Say(&'static str),
    /// Reads one line into the transcript (`<EOF>` if the client closed).
    Recv,
    /// Reads message data up to and including the `.` line, as one transcript entry.
    Data,
    /// Reads whatever bytes the client has sent (at least one), recording nothing.
    Skip,
    /// Runs the server side of the TLS handshake.
    Tls,
    /// Reads until the client goes away, answering nothing.
    Hang,
}

pub use Step::*;

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub struct Scripted {
    pub addr: SocketAddr,
    pub cert: CertificateDer<'static>,
    task: JoinHandle<Vec<String>>,
}

impl Scripted {
    /// Listens and plays `steps` to the first client; the connection closes after the last.
    pub async fn start(steps: Vec<Step>) -> Scripted {
        let (acceptor, cert) = self_signed();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut conn: BufReader<Box<dyn Io>> = BufReader::new(Box::new(tcp));
            let mut transcript = Vec::new();
            for step in steps {
                match step {
                    Say(text) => {
                        let out = format!("{text}\r\n");
                        if conn.get_mut().write_all(out.as_bytes()).await.is_err() {
                            break;
                        }
                    }
                    Recv => {
                        let mut line = String::new();
                        if conn.read_line(&mut line).await.unwrap_or(0) == 0 {
                            transcript.push("<EOF>".to_owned());
                            break;
                        }
                        transcript.push(line.trim_end_matches("\r\n").to_owned());
                    }
                    Data => {
                        let mut data = String::new();
                        loop {
                            let mut line = String::new();
                            if conn.read_line(&mut line).await.unwrap_or(0) == 0 {
                                break;
                            }
                            data.push_str(&line);
                            if line == ".\r\n" {
                                break;
                            }
                        }
                        transcript.push(data);
                    }
                    Skip => {
                        let mut buf = [0u8; 4096];
                        if conn.read(&mut buf).await.unwrap_or(0) == 0 {
                            break;
                        }
                    }
                    Tls => {
                        assert!(
                            conn.buffer().is_empty(),
                            "client wrote before the handshake"
                        );
                        let tls = acceptor.accept(conn.into_inner()).await.unwrap();
                        conn = BufReader::new(Box::new(tls));
                    }
                    Hang => {
                        let mut line = String::new();
                        while conn.read_line(&mut line).await.unwrap_or(0) > 0 {
                            line.clear();
                        }
                    }
                }
            }
            transcript
        });
        Scripted { addr, cert, task }
    }

    /// Everything the server read, once the script has ended.
    pub async fn transcript(self) -> Vec<String> {
        self.task.await.unwrap()
    }
}

fn self_signed() -> (TlsAcceptor, CertificateDer<'static>) {
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = generated.cert.der().clone();
    let key = PrivateKeyDer::try_from(generated.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    (TlsAcceptor::from(Arc::new(config)), cert)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A client TLS configuration trusting exactly `roots`.
pub fn trusting(roots: &[CertificateDer<'static>]) -> Arc<rustls::ClientConfig> {
    let mut store = rustls::RootCertStore::empty();
    for cert in roots {
        store.add(cert.clone()).unwrap();
    }
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(store)
            .with_no_client_auth(),
    )
}

/// No TLS unless a test asks, and timeouts that end a broken test instead of hanging it.
pub fn config() -> ClientConfig {
    let mut cfg = ClientConfig::new("client.test", trusting(&[]));
    cfg.tls = TlsPolicy::Disabled;
    let wait = Duration::from_secs(20);
    cfg.connect_timeout = wait;
    cfg.command_timeout = wait;
    cfg.data_init_timeout = wait;
    cfg.data_block_timeout = wait;
    cfg.data_end_timeout = wait;
    cfg
}
