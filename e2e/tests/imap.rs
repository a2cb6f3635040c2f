//! IMAP with an independent Rust client (async-imap over tokio-rustls, trusting only
//! the server's self-signed certificate), over implicit TLS and over STARTTLS
//! (RFC 9051 §6.2.1): login, APPEND, SELECT, FETCH of the body structure and parts,
//! STORE, SEARCH (a base64 attachment's text through the full-text index), MOVE and
//! EXPUNGE; SORT (RFC 5256); IDLE woken by a message delivered over SMTP (RFC 9051
//! §6.3.13), by a POP3 client's deletion and by a flag set over the REST API. LOGIN
//! before STARTTLS is refused (§6.2.3).

use std::sync::Arc;

use async_imap::{
    Session,
    imap_proto::{BodyStructure, SectionPath},
    types::{Fetch, Flag},
};
use futures_util::TryStreamExt;
use tokio::net::TcpStream;
use tokio_rustls::{
    TlsConnector,
    client::TlsStream,
    rustls::{
        ClientConfig, RootCertStore,
        pki_types::{CertificateDer, ServerName, pem::PemObject},
    },
};

use crate::support::{HOSTNAME, Server, osprey, repo_root};

const DOMAIN: &str = "imap.e2e.example";
const USER: &str = "ivy@imap.e2e.example";
const PASSWORD: &str = "Amber-Harbor-93t";

const MESSAGE: &str = "From: Bob <bob@example.com>\r\n\
To: ivy@imap.e2e.example\r\n\
Subject: Quarterly figures\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
The figures are attached.\r\n\
--b1\r\n\
Content-Type: text/csv; name=\"q3.csv\"\r\n\
Content-Disposition: attachment; filename=\"q3.csv\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
cXVhcnRlcixzYWxlcwozLDQy\r\n\
--b1--\r\n";

type Imap = Session<TlsStream<TcpStream>>;

/// A TLS connector trusting only the server's certificate.
fn connector(server: &Server) -> TlsConnector {
    let pem = server.db.dir.join("data/tls/cert.pem");
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&pem).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

async fn handshake(server: &Server, tcp: TcpStream) -> TlsStream<TcpStream> {
    connector(server)
        .connect(ServerName::try_from(HOSTNAME).unwrap(), tcp)
        .await
        .expect("TLS handshake with the server's certificate")
}

/// A session logged in over implicit TLS, verifying the certificate for `HOSTNAME`.
async fn login(server: &Server) -> Imap {
    let tcp = TcpStream::connect(("127.0.0.1", server.imaps_port))
        .await
        .unwrap();
    let mut client = async_imap::Client::new(handshake(server, tcp).await);
    let greeting = client.read_response().await.unwrap();
    assert!(greeting.is_some(), "a greeting");
    client
        .login(USER, PASSWORD)
        .await
        .map_err(|(e, _)| e)
        .expect("LOGIN")
}

/// A session logged in after STARTTLS on the plain port; LOGIN before it is refused.
async fn login_starttls(server: &Server) -> Imap {
    let tcp = TcpStream::connect(("127.0.0.1", server.imap_port))
        .await
        .unwrap();
    let mut client = async_imap::Client::new(tcp);
    let greeting = client.read_response().await.unwrap();
    assert!(greeting.is_some(), "a greeting");
    // RFC 9051 §6.2.3: no password in the clear.
    let Err((e, mut client)) = client.login(USER, PASSWORD).await else {
        panic!("LOGIN before STARTTLS is refused");
    };
    assert!(matches!(e, async_imap::error::Error::No(_)), "{e:?}");
    client
        .run_command_and_check_ok("STARTTLS", None)
        .await
        .expect("STARTTLS");
    let tls = handshake(server, client.into_inner()).await;
    let client = async_imap::Client::new(tls);
    client
        .login(USER, PASSWORD)
        .await
        .map_err(|(e, _)| e)
        .expect("LOGIN after STARTTLS")
}

async fn fetch(s: &mut Imap, set: &str, items: &str) -> Vec<Fetch> {
    s.fetch(set, items)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn async_imap_reads_and_files_a_message() {
    reads_and_files_a_message(false).await;
}

#[tokio::test]
async fn async_imap_reads_and_files_a_message_after_starttls() {
    reads_and_files_a_message(true).await;
}

/// The test domain and its user, made with the CLI.
fn provision(server: &Server) {
    for args in [
        &["domain", "add", DOMAIN][..],
        &["user", "add", USER, "--password", PASSWORD],
    ] {
        let out = osprey(&server.db, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The whole flow, over implicit TLS or after STARTTLS.
async fn reads_and_files_a_message(starttls: bool) {
    let server = Server::start(false).await;
    provision(&server);
    let mut s = if starttls {
        login_starttls(&server).await
    } else {
        login(&server).await
    };
    s.append("INBOX", Some("(\\Flagged)"), None, MESSAGE)
        .await
        .unwrap();
    let inbox = s.select("INBOX").await.unwrap();
    assert_eq!(inbox.exists, 1);

    let f = fetch(
        &mut s,
        "1",
        "(UID FLAGS BODYSTRUCTURE BODY.PEEK[1] BODY.PEEK[2])",
    )
    .await;
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].uid, Some(1));
    assert!(f[0].flags().any(|x| x == Flag::Flagged));
    assert!(!f[0].flags().any(|x| x == Flag::Seen));
    let Some(BodyStructure::Multipart { common, bodies, .. }) = f[0].bodystructure() else {
        panic!("a multipart body structure: {:?}", f[0].bodystructure());
    };
    assert!(common.ty.subtype.eq_ignore_ascii_case("mixed"));
    assert_eq!(bodies.len(), 2);
    let BodyStructure::Text { other, lines, .. } = &bodies[0] else {
        panic!("a text part first: {:?}", bodies[0]);
    };
    assert_eq!((other.octets, *lines), (25, 1));
    let BodyStructure::Text { common, .. } = &bodies[1] else {
        panic!("a text attachment second: {:?}", bodies[1]);
    };
    let disposition = common.disposition.as_ref().expect("a disposition");
    assert!(
        disposition.ty.eq_ignore_ascii_case("attachment"),
        "{disposition:?}"
    );
    assert_eq!(
        f[0].section(&SectionPath::Part(vec![1], None)),
        Some(&b"The figures are attached."[..])
    );
    assert_eq!(
        f[0].section(&SectionPath::Part(vec![2], None)),
        Some(&b"cXVhcnRlcixzYWxlcwozLDQy"[..])
    );

    let stored: Vec<Fetch> = s
        .store("1", "+FLAGS (\\Seen)")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(stored[0].flags().any(|x| x == Flag::Seen), "{stored:?}");
    let found = s.search("SEEN FLAGGED SUBJECT quarterly").await.unwrap();
    assert_eq!(found.into_iter().collect::<Vec<_>>(), [1]);
    assert!(s.search("UNSEEN").await.unwrap().is_empty());
    // The attachment is base64 in the stored message: SEARCH finds its text once the
    // server's indexer has read it, in the background.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let found = s.search("BODY \"QUARTER,sales\"").await.unwrap();
        if !found.is_empty() {
            assert_eq!(found.into_iter().collect::<Vec<_>>(), [1]);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the message was never indexed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    s.create("Projects").await.unwrap();
    s.mv("1", "Projects").await.unwrap();
    let inbox = s.select("INBOX").await.unwrap();
    assert_eq!(inbox.exists, 0);
    let projects = s.select("Projects").await.unwrap();
    assert_eq!(projects.exists, 1);
    let f = fetch(&mut s, "1", "(FLAGS BODY.PEEK[HEADER])").await;
    assert!(f[0].flags().any(|x| x == Flag::Seen), "flags move along");
    let header = String::from_utf8_lossy(f[0].header().unwrap()).into_owned();
    assert!(
        header.contains("Subject: Quarterly figures\r\n"),
        "{header}"
    );
    assert!(header.ends_with("\r\n\r\n"), "{header}");

    let _: Vec<Fetch> = s
        .store("1", "+FLAGS.SILENT (\\Deleted)")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let gone: Vec<u32> = s.expunge().await.unwrap().try_collect().await.unwrap();
    assert_eq!(gone, [1]);
    let projects = s.select("Projects").await.unwrap();
    assert_eq!(projects.exists, 0);
    s.logout().await.unwrap();
}

/// Runs a SORT command and returns the numbers of its `* SORT` answer.
async fn sort(s: &mut Imap, command: &str) -> Vec<u32> {
    use async_imap::imap_proto::{MailboxDatum, Response, Status};
    let tag = s.run_command(command).await.unwrap();
    let mut sorted = None;
    loop {
        let r = s.read_response().await.unwrap().expect("an answer");
        match r.parsed() {
            Response::MailboxData(MailboxDatum::Sort(ids)) => sorted = Some(ids.clone()),
            Response::Done { tag: t, status, .. } if *t == tag => {
                assert_eq!(*status, Status::Ok, "{command}");
                break;
            }
            _ => {}
        }
    }
    sorted.expect("a SORT answer")
}

#[tokio::test]
async fn async_imap_sorts_and_an_smtp_delivery_wakes_idle() {
    use std::time::{Duration, Instant};

    use async_imap::{
        extensions::idle::IdleResponse,
        imap_proto::{MailboxDatum, Response},
    };

    let server = Server::start(false).await;
    provision(&server);
    let mut s = login_starttls(&server).await;
    for subject in ["Charlie", "alpha", "Re: Bravo"] {
        let message = format!("From: bob@example.com\r\nSubject: {subject}\r\n\r\nHi.\r\n");
        s.append("INBOX", None, None, message).await.unwrap();
    }
    s.select("INBOX").await.unwrap();
    // RFC 5256 §2.1: the base subject, without "Re:" and compared without case.
    assert_eq!(sort(&mut s, "SORT (SUBJECT) UTF-8 ALL").await, [2, 3, 1]);
    assert_eq!(
        sort(&mut s, "SORT (REVERSE SUBJECT) UTF-8 ALL").await,
        [1, 3, 2]
    );
    assert_eq!(sort(&mut s, "UID SORT (SUBJECT) UTF-8 1:2").await, [2, 1]);

    // IDLE, then a message from elsewhere through the MX port (Python's smtplib).
    let mut idle = s.idle();
    idle.init().await.unwrap();
    let (wait, _stop) = idle.wait_with_timeout(Duration::from_secs(30));
    let cafile = server.db.dir.join("data/tls/cert.pem");
    let port = server.smtp_port.to_string();
    let send = tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new("python3")
            .arg(repo_root().join("e2e/smtp/client.py"))
            .args(["--mode", "mx", "--port", &port, "--cafile"])
            .arg(&cafile)
            .args(["--sender", "someone@remote.example", "--to", USER])
            .args(["--subject", "While you idle"])
            .output()
            .expect("python3 runs");
        let acked = Instant::now();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["sent"], true, "{v}");
        acked
    });
    let woke = async {
        let r = wait.await.unwrap();
        (r, Instant::now())
    };
    let ((response, woke_at), acked) = tokio::join!(woke, send);
    let acked = acked.unwrap();
    let IdleResponse::NewData(data) = response else {
        panic!("IDLE ended without news: {response:?}");
    };
    assert!(
        matches!(
            data.parsed(),
            Response::MailboxData(MailboxDatum::Exists(4))
        ),
        "{:?}",
        data.parsed()
    );
    // The session hears of the message within a second of the server's 250.
    assert!(
        woke_at <= acked + Duration::from_secs(1),
        "IDLE woke {:?} after the delivery was acknowledged",
        woke_at - acked
    );
    let mut s = idle.done().await.unwrap();
    let found = s.search("SUBJECT idle").await.unwrap();
    assert_eq!(found.into_iter().collect::<Vec<_>>(), [4]);
    s.logout().await.unwrap();
}

/// One store for every protocol: a message that a POP3 client (Python's poplib)
/// deletes leaves the mailbox of an IMAP session idling on it, as an EXPUNGE.
#[tokio::test]
async fn a_pop3_deletion_reaches_an_idling_imap_session() {
    use std::time::Duration;

    use async_imap::{
        extensions::idle::IdleResponse,
        imap_proto::{MailboxDatum, Response},
    };

    let server = Server::start(false).await;
    provision(&server);
    let mut s = login(&server).await;
    for subject in ["first", "second"] {
        let message = format!("From: bob@example.com\r\nSubject: {subject}\r\n\r\nHi.\r\n");
        s.append("INBOX", None, None, message).await.unwrap();
    }
    assert_eq!(s.select("INBOX").await.unwrap().exists, 2);
    let mut idle = s.idle();
    idle.init().await.unwrap();
    let cafile = server.db.dir.join("data/tls/cert.pem");
    let port = server.pop3s_port.to_string();
    let pop = tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new("python3")
            .arg(repo_root().join("e2e/pop3/client.py"))
            .args(["--port", &port, "--tls", "implicit", "--cafile"])
            .arg(&cafile)
            .args(["--user", USER, "--password", PASSWORD, "--dele", "1"])
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    // The client reads both messages (RETR marks them \Seen), then deletes the first;
    // the session may hear of the flags first, or only of the expunge when both changes
    // were made by the time it looked.
    loop {
        let (wait, _stop) = idle.wait_with_timeout(Duration::from_secs(30));
        let IdleResponse::NewData(data) = wait.await.unwrap() else {
            panic!("IDLE ended without news");
        };
        match data.parsed() {
            Response::Expunge(1) => break,
            Response::Fetch(..) => {}
            Response::MailboxData(MailboxDatum::Exists(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    pop.await.unwrap();
    let mut s = idle.done().await.unwrap();
    let f = fetch(&mut s, "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])").await;
    assert_eq!(f.len(), 1);
    let header = String::from_utf8_lossy(f[0].header().unwrap()).into_owned();
    assert!(header.contains("second"), "{header}");
    s.logout().await.unwrap();
}

/// One store for every client: a flag set through the REST API reaches an IMAP session
/// idling on the mailbox as a FETCH of the new flags, and the API lists what IMAP
/// stored, with IMAP's flags.
#[tokio::test]
async fn a_flag_set_over_the_rest_api_reaches_an_idling_imap_session() {
    use std::time::Duration;

    use async_imap::{extensions::idle::IdleResponse, imap_proto::Response};
    use serde_json::{Value, json};

    let server = Server::start(false).await;
    provision(&server);
    let mut s = login(&server).await;
    let message = "From: bob@example.com\r\nSubject: via IMAP\r\n\r\nHi.\r\n";
    s.append("INBOX", Some("($Imap)"), None, message)
        .await
        .unwrap();
    s.select("INBOX").await.unwrap();

    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/api/v1/auth/login", server.url))
        .json(&json!({"username": USER, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let token = r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let get = |path: String| {
        let (http, token) = (http.clone(), token.clone());
        async move {
            let r = http.get(path).bearer_auth(token).send().await.unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            r.json::<Value>().await.unwrap()
        }
    };
    let mailboxes = get(format!("{}/api/v1/mailboxes", server.url)).await;
    let inbox = mailboxes
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "INBOX")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let listed = get(format!("{}/api/v1/mailboxes/{inbox}/messages", server.url)).await;
    let item = &listed["items"][0];
    assert_eq!(item["subject"], "via IMAP");
    assert_eq!(item["flags"], json!(["$Imap"]));
    let id = item["id"].as_str().unwrap().to_owned();

    let mut idle = s.idle();
    idle.init().await.unwrap();
    let (wait, _stop) = idle.wait_with_timeout(Duration::from_secs(30));
    let patch = async {
        let r = http
            .patch(format!("{}/api/v1/messages/{id}/flags", server.url))
            .bearer_auth(&token)
            .json(&json!({"add": ["\\Flagged"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
    };
    let (response, ()) = tokio::join!(wait, patch);
    let IdleResponse::NewData(data) = response.unwrap() else {
        panic!("IDLE ended without news");
    };
    let Response::Fetch(1, attrs) = data.parsed() else {
        panic!("{:?}", data.parsed());
    };
    let text = format!("{attrs:?}");
    assert!(text.contains("Flagged") && text.contains("$Imap"), "{text}");
    let mut s = idle.done().await.unwrap();
    s.logout().await.unwrap();
}
