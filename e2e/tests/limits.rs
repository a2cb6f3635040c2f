//! Connection limits as a client pool meets them: many connections from one address are
//! served with the defaults, and each listener has its own per-IP limit, over which a
//! client is told to come back later in its protocol's words.

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    net::TcpStream,
};

use crate::support::Server;

/// Connects and reads the first line the server sends.
async fn first_line(port: u16) -> (BufReader<TcpStream>, String) {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut reader = BufReader::new(tcp);
    let mut line = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        reader.read_line(&mut line),
    )
    .await
    .expect("a first line within 10 s")
    .unwrap();
    (reader, line)
}

/// A pool of 120 IMAP connections from one address (a webmail back end, a sync tool) is
/// greeted in full with the default limits; the default of earlier versions, 50 per
/// address, refused all beyond the fiftieth.
#[tokio::test]
async fn a_pool_of_connections_from_one_address_is_served_by_default() {
    let server = Server::start(false).await;
    let mut pool = Vec::new();
    for i in 0..120 {
        let (conn, greeting) = first_line(server.imap_port).await;
        assert!(greeting.starts_with("* OK"), "connection {i}: {greeting:?}");
        pool.push(conn);
    }
}

/// A limit set for one listener applies to it alone. Over it, IMAP answers with BYE
/// instead of a greeting, with the UNAVAILABLE code (RFC 9051 §7.1.5 lets a server send
/// BYE as its greeting when it will not serve the client; RFC 5530 §3: UNAVAILABLE is
/// a temporary failure, so a client tries again later); POP3 keeps its own limit.
#[tokio::test]
async fn each_listener_has_its_own_per_address_limit() {
    let server = Server::start_with(false, &[("OSPREY_LIMITS_PER_IP_IMAP", "3")]).await;
    let mut held = Vec::new();
    for i in 0..3 {
        let (conn, greeting) = first_line(server.imap_port).await;
        assert!(greeting.starts_with("* OK"), "connection {i}: {greeting:?}");
        held.push(conn);
    }
    let (_, refused) = first_line(server.imap_port).await;
    assert!(refused.starts_with("* BYE [UNAVAILABLE]"), "{refused:?}");
    // POP3 keeps the default limit: more than three are served.
    for i in 0..5 {
        let (conn, greeting) = first_line(server.pop3_port).await;
        assert!(
            greeting.starts_with("+OK"),
            "POP3 connection {i}: {greeting:?}"
        );
        held.push(conn);
    }
    // A closed connection frees its place.
    held.remove(0);
    let mut greeted = false;
    for _ in 0..50 {
        let (conn, greeting) = first_line(server.imap_port).await;
        if greeting.starts_with("* OK") {
            held.push(conn);
            greeted = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        greeted,
        "the place of a closed connection is given to the next client"
    );
}
