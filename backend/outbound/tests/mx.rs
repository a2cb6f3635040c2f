//! A receiving SMTP server for queue tests: many connections, replies by rule. A
//! recipient whose local part starts with `temp` gets `451`, with `perm` gets `550`;
//! everyone else is accepted. Accepted messages are recorded with their envelope.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub rcpts: Vec<String>,
    pub data: String,
}

#[derive(Clone, Default)]
pub struct Mx {
    pub addr: Option<SocketAddr>,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub connections: Arc<Mutex<u32>>,
}

fn arg(line: &str) -> String {
    line.split_once(':')
        .map(|(_, a)| {
            a.trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or("")
        })
        .unwrap_or("")
        .to_owned()
}

impl Mx {
    pub async fn start() -> Mx {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mx = Mx {
            addr: Some(listener.local_addr().unwrap()),
            ..Mx::default()
        };
        let shared = mx.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                *shared.connections.lock().unwrap() += 1;
                let received = shared.received.clone();
                tokio::spawn(async move {
                    let (r, mut w) = tcp.into_split();
                    let mut r = BufReader::new(r);
                    let _ = w.write_all(b"220 mx.remote.test ESMTP\r\n").await;
                    let (mut from, mut rcpts) = (String::new(), Vec::new());
                    loop {
                        let mut line = String::new();
                        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let upper = line.to_ascii_uppercase();
                        let reply: String = if upper.starts_with("EHLO") {
                            "250-mx.remote.test\r\n250-PIPELINING\r\n250 8BITMIME".into()
                        } else if upper.starts_with("MAIL FROM") {
                            from = arg(&line);
                            rcpts.clear();
                            "250 2.1.0 ok".into()
                        } else if upper.starts_with("RCPT TO") {
                            let rcpt = arg(&line);
                            if rcpt.starts_with("temp") {
                                "451 4.2.1 mailbox busy, try later".into()
                            } else if rcpt.starts_with("perm") {
                                "550 5.1.1 no such user".into()
                            } else {
                                rcpts.push(rcpt);
                                "250 2.1.5 ok".into()
                            }
                        } else if upper.starts_with("DATA") {
                            let _ = w.write_all(b"354 go ahead\r\n").await;
                            let mut data = String::new();
                            loop {
                                let mut l = String::new();
                                if r.read_line(&mut l).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if l == ".\r\n" {
                                    break;
                                }
                                data.push_str(&l);
                            }
                            received.lock().unwrap().push(Received {
                                from: from.clone(),
                                rcpts: rcpts.clone(),
                                data,
                            });
                            "250 2.0.0 queued".into()
                        } else if upper.starts_with("RSET") {
                            "250 2.0.0 reset".into()
                        } else if upper.starts_with("QUIT") {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            "500 5.5.1 what".into()
                        };
                        if w.write_all(format!("{reply}\r\n").as_bytes())
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        mx
    }
}
