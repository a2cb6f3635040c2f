//! A small authoritative DNS server on a loopback UDP port, answering from a fixed zone,
//! for tests that point the server's resolver at it (`dns_servers`). Tests only (the
//! `testing` feature).

use std::{
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
};

use hickory_resolver::proto::{
    op::{Message, MessageType, ResponseCode},
    rr::{
        Name, RData, Record,
        rdata::{A, AAAA, CNAME, MX, SRV, TXT},
    },
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, UdpSocket},
};

/// The records served, as `(name, type, data)` in presentation form: `("example.org",
/// "MX", "10 mx.example.org")`, `("example.org", "TXT", "v=spf1 mx -all")` (one string),
/// `("_imaps._tcp.example.org", "SRV", "0 1 993 mx.example.org")`, `A`, `AAAA`, `CNAME`.
#[derive(Clone, Default)]
pub struct Zone(Arc<Mutex<Vec<Record>>>);

impl Zone {
    /// Adds a record; panics on data that does not parse (a test's mistake).
    pub fn add(&self, name: &str, kind: &str, data: &str) {
        let owner = name_of(name);
        let fields: Vec<&str> = data.split_whitespace().collect();
        let rdata = match kind {
            "MX" => RData::MX(MX::new(fields[0].parse().unwrap(), name_of(fields[1]))),
            // RFC 1035 §3.3.14: strings of at most 255 octets, joined by readers.
            "TXT" => RData::TXT(TXT::new(
                data.as_bytes()
                    .chunks(255)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect(),
            )),
            "SRV" => RData::SRV(SRV::new(
                fields[0].parse().unwrap(),
                fields[1].parse().unwrap(),
                fields[2].parse().unwrap(),
                name_of(fields[3]),
            )),
            "CNAME" => RData::CNAME(CNAME(name_of(data))),
            "A" | "AAAA" => match data.parse::<IpAddr>().unwrap() {
                IpAddr::V4(ip) => RData::A(A(ip)),
                IpAddr::V6(ip) => RData::AAAA(AAAA(ip)),
            },
            other => panic!("the test zone does not serve {other} records"),
        };
        self.0
            .lock()
            .unwrap()
            .push(Record::from_rdata(owner, 60, rdata));
    }

    /// Removes every record of `name`.
    pub fn remove(&self, name: &str) {
        let owner = name_of(name);
        self.0.lock().unwrap().retain(|r| r.name != owner);
    }

    /// The query in `bytes` and the reply to it; `None` for what is not a query.
    fn reply_to(&self, bytes: &[u8]) -> Option<(Message, Message)> {
        let query = Message::from_vec(bytes).ok()?;
        if query.metadata.message_type != MessageType::Query {
            return None;
        }
        let reply = self.answer(&query);
        Some((query, reply))
    }

    fn answer(&self, query: &Message) -> Message {
        let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
        reply.metadata.authoritative = true;
        reply.metadata.recursion_desired = query.metadata.recursion_desired;
        let records = self.0.lock().unwrap();
        for q in &query.queries {
            reply.add_query(q.clone());
            let at_name: Vec<&Record> = records
                .iter()
                .filter(|r| r.name.eq_case(&q.name) || r.name == q.name)
                .collect();
            if at_name.is_empty() {
                reply.metadata.response_code = ResponseCode::NXDomain;
            }
            for r in at_name {
                if r.record_type() == q.query_type {
                    reply.add_answer(r.clone());
                }
            }
        }
        reply
    }
}

fn name_of(text: &str) -> Name {
    let text = text.trim_end_matches('.').to_ascii_lowercase();
    Name::from_ascii(format!("{text}.")).unwrap()
}

/// A running server; it stops when dropped.
pub struct DnsServer {
    pub addr: SocketAddr,
    pub zone: Zone,
    tasks: [tokio::task::JoinHandle<()>; 2],
}

impl DnsServer {
    /// Serves `zone` on a free loopback port, over UDP and TCP (RFC 1035 §4.2: an answer
    /// too long for a UDP message is truncated, and the client asks again over TCP).
    pub async fn start(zone: Zone) -> DnsServer {
        // A free UDP port whose TCP twin is free too (a TCP connection may hold it).
        let mut tries = 0;
        let (socket, tcp, addr) = loop {
            let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let addr = socket.local_addr().unwrap();
            match TcpListener::bind(addr).await {
                Ok(tcp) => break (socket, tcp, addr),
                Err(e) if tries < 100 => {
                    tries += 1;
                    tracing::debug!(error = %e, %addr, "the test DNS server's TCP port is taken");
                }
                Err(e) => panic!("no port for the test DNS server: {e}"),
            }
        };
        let (udp_zone, tcp_zone) = (zone.clone(), zone.clone());
        let udp = tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            loop {
                let Ok((len, peer)) = socket.recv_from(&mut buf).await else {
                    return;
                };
                let Some((query, reply)) = udp_zone.reply_to(&buf[..len]) else {
                    continue;
                };
                let Ok(bytes) = reply.to_vec() else { continue };
                let bytes = if bytes.len() <= usize::from(query.max_payload()) {
                    bytes
                } else {
                    reply.truncate().to_vec().unwrap_or_default()
                };
                let _ = socket.send_to(&bytes, peer).await;
            }
        });
        let tcp = tokio::spawn(async move {
            while let Ok((mut stream, _)) = tcp.accept().await {
                let zone = tcp_zone.clone();
                tokio::spawn(async move {
                    // RFC 1035 §4.2.2: each message is preceded by its length in two octets.
                    loop {
                        let Ok(len) = stream.read_u16().await else {
                            return;
                        };
                        let mut buf = vec![0u8; usize::from(len)];
                        if stream.read_exact(&mut buf).await.is_err() {
                            return;
                        }
                        let Some(bytes) = zone.reply_to(&buf).and_then(|(_, r)| r.to_vec().ok())
                        else {
                            return;
                        };
                        let Ok(len) = u16::try_from(bytes.len()) else {
                            return;
                        };
                        if stream.write_u16(len).await.is_err()
                            || stream.write_all(&bytes).await.is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        DnsServer {
            addr,
            zone,
            tasks: [udp, tcp],
        }
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
