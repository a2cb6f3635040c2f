//! Durability under `kill -9`: clients send a stream of messages over several SMTP
//! connections, the server is killed at random moments and restarted; every message that
//! got its `250` must be in the mailbox exactly once, and the store must open and read.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader, Write},
    net::TcpStream,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, SystemTime},
};

use osprey_core::Address;
use osprey_store::blob::FsBlobStore;

use crate::support::{Server, osprey};

const USER: &str = "kim@crash.e2e.example";

/// Reads one reply; `Err` on anything but `code`.
fn expect(r: &mut BufReader<TcpStream>, code: &str) -> std::io::Result<()> {
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line.as_bytes().get(3) != Some(&b'-') {
            return if line.starts_with(code) {
                Ok(())
            } else {
                Err(std::io::Error::other(line))
            };
        }
    }
}

/// Sends messages until `stop`, reconnecting as needed; records each acknowledged subject.
fn client(port: u16, tag: String, stop: Arc<AtomicBool>, acked: Arc<Mutex<Vec<String>>>) {
    let mut n = 0u32;
    while !stop.load(Ordering::Relaxed) {
        let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) else {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut w = stream.try_clone().unwrap();
        let mut r = BufReader::new(stream);
        let session = (|| -> std::io::Result<()> {
            expect(&mut r, "220")?;
            w.write_all(b"EHLO crash.client\r\n")?;
            expect(&mut r, "250")?;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let subject = format!("{tag}-{n}");
                w.write_all(
                    format!("MAIL FROM:<load@remote.example>\r\nRCPT TO:<{USER}>\r\nDATA\r\n")
                        .as_bytes(),
                )?;
                expect(&mut r, "250")?;
                expect(&mut r, "250")?;
                expect(&mut r, "354")?;
                let body = format!("Subject: {subject}\r\n\r\n{}\r\n.\r\n", "x".repeat(2000));
                w.write_all(body.as_bytes())?;
                expect(&mut r, "250")?;
                acked.lock().unwrap().push(subject);
            }
            Ok(())
        })();
        let _ = session;
    }
}

fn pseudo_random_ms(lo: u64, hi: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    lo + nanos % (hi - lo)
}

#[tokio::test]
async fn every_acknowledged_message_survives_kill_9_exactly_once() {
    let mut server = Server::start(false).await;
    assert!(
        osprey(&server.db, &["domain", "add", "crash.e2e.example"])
            .status
            .success()
    );
    assert!(
        osprey(
            &server.db,
            &["user", "add", USER, "--password", "Quartz-Willow-64n"]
        )
        .status
        .success()
    );
    let acked = Arc::new(Mutex::new(Vec::new()));
    for round in 0..4 {
        let stop = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (stop, acked, port) = (stop.clone(), acked.clone(), server.smtp_port);
                std::thread::spawn(move || client(port, format!("r{round}-t{t}"), stop, acked))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(pseudo_random_ms(300, 1200))).await;
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            t.join().unwrap();
        }
        server.restart().await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 20,
        "the clients sent too little to mean anything: {}",
        acked.len()
    );

    let store = server.db.store().await;
    let account = store
        .accounts()
        .account_by_address(&Address::parse(USER).unwrap())
        .await
        .unwrap();
    let inbox = store
        .messages()
        .mailbox_by_name(&account.id, "INBOX")
        .await
        .unwrap();
    let blobs = FsBlobStore::open(server.db.dir.join("data/blobs")).unwrap();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let rows = store.messages().in_mailbox(&inbox.id).await.unwrap();
    for m in &rows {
        let body = String::from_utf8(
            blobs
                .get(&m.blob_hash)
                .await
                .expect("every row has its body"),
        )
        .unwrap();
        let subject = body
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .expect("a subject")
            .to_owned();
        *seen.entry(subject).or_default() += 1;
    }
    eprintln!(
        "crash test: {} messages acknowledged over 4 kill -9 rounds, {} stored",
        acked.len(),
        rows.len()
    );
    for s in &acked {
        assert_eq!(
            seen.get(s),
            Some(&1),
            "{s} was acknowledged: it must be stored exactly once"
        );
    }
    assert!(seen.values().all(|&c| c == 1), "no message is stored twice");
    assert_eq!(
        store
            .accounts()
            .account(&account.id)
            .await
            .unwrap()
            .used_bytes,
        rows.iter().map(|m| m.size).sum::<u64>(),
        "the usage counter matches the rows"
    );
}
