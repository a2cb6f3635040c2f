//! One client connection: a buffered stream with its addresses, read line by line with a
//! length limit, upgraded in place by STARTTLS and by COMPRESS.

use std::{
    future::poll_fn,
    io,
    net::SocketAddr,
    pin::Pin,
    task::{Poll, ready},
};

use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf};
use tokio_rustls::TlsAcceptor;

use crate::Stream;

/// Bytes read from the socket at a time, into a buffer on the stack of the read; longer
/// lines and literals are assembled across reads.
const READ_CHUNK: usize = 4 * 1024;

/// How long a write may wait for a client that does not read: a stalled client must not
/// hold a session (and its locks) for ever.
const WRITE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// What [`Connection::read_line`] read.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line without its line ending (CRLF, or a bare LF from lax clients).
    Line(Vec<u8>),
    /// The line was longer than the limit; it has been read and thrown away.
    TooLong,
    /// The client closed the connection (a partial last line is dropped).
    Eof,
}

/// What [`Connection::read_line_ends`] read.
#[derive(Debug, PartialEq, Eq)]
pub enum LongLine {
    /// A line without its line ending.
    Line(Vec<u8>),
    /// The line was longer than the limit: it has been read to its end, and only its
    /// first and last bytes kept (the tail without its line ending).
    TooLong { head: Vec<u8>, tail: Vec<u8> },
    /// The client closed the connection (a partial last line is dropped).
    Eof,
}

/// A client connection.
///
/// Input is read into a chunk on the stack and kept in `pending` only until it is
/// consumed, so a connection that waits for its client (an IDLE session, say) holds no
/// read buffer at all: thousands of idle sessions cost no more than their sockets and
/// session state.
pub struct Connection {
    stream: Stream,
    /// Input read and not consumed yet: `pending[pos..]`; empty (no allocation) when
    /// all of it has been consumed.
    pending: Vec<u8>,
    pos: usize,
    peer: SocketAddr,
    local: SocketAddr,
}

impl Connection {
    pub fn new(stream: Stream, peer: SocketAddr, local: SocketAddr) -> Self {
        Self {
            stream,
            pending: Vec::new(),
            pos: 0,
            peer,
            local,
        }
    }

    /// The input read and not consumed yet; reads more (one read, up to
    /// [`READ_CHUNK`] bytes) when there is none. Empty at the end of the input.
    /// Cancel-safe: nothing is read unless the read completes.
    async fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.pending.len() {
            let (stream, pending) = (&mut self.stream, &mut self.pending);
            poll_fn(|cx| {
                let mut chunk = [0u8; READ_CHUNK];
                let mut buf = ReadBuf::new(&mut chunk);
                ready!(Pin::new(&mut *stream).poll_read(cx, &mut buf))?;
                *pending = buf.filled().to_vec();
                Poll::Ready(Ok::<(), io::Error>(()))
            })
            .await?;
            self.pos = 0;
        }
        Ok(&self.pending[self.pos..])
    }

    /// Marks `n` bytes of [`Connection::fill_buf`]'s answer as used; frees the buffer
    /// once everything is.
    fn consume(&mut self, n: usize) {
        self.pos += n;
        if self.pos >= self.pending.len() {
            self.pending = Vec::new();
            self.pos = 0;
        }
    }

    /// The input read and not consumed yet, without reading.
    fn buffer(&self) -> &[u8] {
        &self.pending[self.pos..]
    }

    /// The client's address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// The address the client connected to.
    pub fn local(&self) -> SocketAddr {
        self.local
    }

    /// Returns `true` if and only if the connection is encrypted.
    pub fn is_tls(&self) -> bool {
        self.stream.is_tls()
    }

    /// Returns `true` if and only if the connection is compressed.
    pub fn is_compressed(&self) -> bool {
        self.stream.is_compressed()
    }

    /// Returns `true` if and only if the client is on this machine.
    pub fn is_loopback(&self) -> bool {
        self.peer.ip().is_loopback()
    }

    /// Returns `true` if and only if a whole line the client sent is buffered, unread.
    pub fn has_buffered_line(&self) -> bool {
        self.buffer().contains(&b'\n')
    }

    /// Reads one line of at most `max` bytes including its line ending.
    pub async fn read_line(&mut self, max: usize) -> io::Result<Line> {
        Ok(match self.read_line_ends(max, 0).await? {
            LongLine::Line(l) => Line::Line(l),
            LongLine::TooLong { .. } => Line::TooLong,
            LongLine::Eof => Line::Eof,
        })
    }

    /// Like [`Connection::read_line`], but a line longer than `max` is read to its end
    /// keeping its first and last `keep` bytes: enough for a protocol to find the tag
    /// of a refused command and whether a literal follows it, so it can answer that
    /// command and read on.
    pub async fn read_line_ends(&mut self, max: usize, keep: usize) -> io::Result<LongLine> {
        let mut line = Vec::new();
        let mut too_long = false;
        let mut tail: Vec<u8> = Vec::new();
        loop {
            let buf = self.fill_buf().await?;
            if buf.is_empty() {
                return Ok(LongLine::Eof);
            }
            let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..=i], true),
                None => (buf, false),
            };
            let n = chunk.len();
            if !too_long && line.len() + n > max {
                too_long = true;
                tail = line[line.len().saturating_sub(keep)..].to_vec();
                line.truncate(keep);
            }
            if too_long {
                if line.len() < keep {
                    let room = keep - line.len();
                    line.extend_from_slice(&chunk[..room.min(n)]);
                }
                // Two more, for the line ending trimmed below.
                tail.extend_from_slice(chunk);
                if tail.len() > keep + 2 {
                    tail.drain(..tail.len() - keep - 2);
                }
            } else {
                line.extend_from_slice(chunk);
            }
            self.consume(n);
            if done {
                let trim = |l: &mut Vec<u8>| {
                    if l.last() == Some(&b'\n') {
                        l.pop();
                    }
                    if l.last() == Some(&b'\r') {
                        l.pop();
                    }
                };
                if too_long {
                    trim(&mut tail);
                    tail.drain(..tail.len().saturating_sub(keep));
                    return Ok(LongLine::TooLong { head: line, tail });
                }
                trim(&mut line);
                return Ok(LongLine::Line(line));
            }
        }
    }

    /// Waits until the client has sent something (or closed the connection) without
    /// consuming it. Unlike [`Connection::read_line`] it is cancel-safe, so a session can
    /// wait for input and for other events at once (IMAP IDLE).
    pub async fn wait_input(&mut self) -> io::Result<()> {
        self.fill_buf().await.map(|_| ())
    }

    /// Writes the replies queued in `out` (if any) and empties it, keeping its capacity.
    pub async fn flush_from(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        if out.is_empty() {
            return Ok(());
        }
        let res = self.write_all(out).await;
        out.clear();
        res
    }

    /// Appends exactly `n` bytes from the client to `into` (SMTP BDAT chunks).
    pub async fn read_exact(&mut self, mut n: usize, into: &mut Vec<u8>) -> io::Result<()> {
        into.reserve(n);
        while n > 0 {
            let buf = self.fill_buf().await?;
            if buf.is_empty() {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let take = buf.len().min(n);
            into.extend_from_slice(&buf[..take]);
            self.consume(take);
            n -= take;
        }
        Ok(())
    }

    /// Reads and throws away exactly `n` bytes.
    pub async fn discard(&mut self, mut n: usize) -> io::Result<()> {
        while n > 0 {
            let buf = self.fill_buf().await?;
            if buf.is_empty() {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let take = buf.len().min(n);
            self.consume(take);
            n -= take;
        }
        Ok(())
    }

    /// Writes `bytes` and flushes; fails with `TimedOut` if the client does not take
    /// them within a minute.
    pub async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        let stream = &mut self.stream;
        let write = async {
            stream.write_all(bytes).await?;
            stream.flush().await
        };
        match tokio::time::timeout(WRITE_TIMEOUT, write).await {
            Ok(r) => r,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            )),
        }
    }

    /// Upgrades a plain connection to TLS. Input the client sent before the handshake
    /// and that is still buffered is thrown away, so that commands pipelined after
    /// STARTTLS/STLS cannot be injected into the encrypted session (RFC 3207 §4.2,
    /// RFC 2595 §3.1).
    pub async fn start_tls(self, acceptor: &TlsAcceptor) -> io::Result<Connection> {
        let stream = self.stream.start_tls(acceptor).await?;
        Ok(Connection::new(stream, self.peer, self.local))
    }

    /// Compresses the connection from now on, both ways, with raw DEFLATE (RFC 4978):
    /// call it after the answer that starts compression has been written. Input the
    /// client sent after its command and that is already buffered was compressed by the
    /// client, so unlike [`Connection::start_tls`] it is kept and inflated first. Every
    /// write ends with a sync flush, so the client can decode each answer at once.
    pub fn start_compress(self) -> io::Result<Connection> {
        let Connection {
            stream,
            pending,
            pos,
            peer,
            local,
        } = self;
        let stream = stream.start_compress(&pending[pos..])?;
        Ok(Connection::new(stream, peer, local))
    }

    /// Closes the write side, telling the client we are done.
    pub async fn shutdown(&mut self) {
        let _ = tokio::time::timeout(WRITE_TIMEOUT, self.stream.shutdown()).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::{
        io::AsyncWriteExt,
        net::{TcpListener, TcpStream},
    };

    use super::*;

    /// A server-side connection and the client's socket, over loopback.
    async fn pair() -> (Connection, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, peer) = listener.accept().await.unwrap();
        (Connection::new(Stream::Plain(server), peer, addr), client)
    }

    #[tokio::test]
    async fn pipelined_lines_are_kept_until_read_and_then_the_buffer_is_freed() {
        let (mut conn, mut client) = pair().await;
        client.write_all(b"a1 NOOP\r\na2 NOOP\nrest").await.unwrap();
        // One small write on loopback arrives in one read.
        conn.wait_input().await.unwrap();
        assert_eq!(conn.buffer(), b"a1 NOOP\r\na2 NOOP\nrest");
        assert_eq!(
            conn.read_line(100).await.unwrap(),
            Line::Line(b"a1 NOOP".to_vec())
        );
        assert!(conn.has_buffered_line());
        assert_eq!(
            conn.read_line(100).await.unwrap(),
            Line::Line(b"a2 NOOP".to_vec())
        );
        assert!(!conn.has_buffered_line());
        let mut rest = Vec::new();
        conn.read_exact(4, &mut rest).await.unwrap();
        assert_eq!(rest, b"rest");
        assert_eq!(conn.pending.capacity(), 0, "consumed input keeps no buffer");
    }

    #[tokio::test]
    async fn a_waiting_connection_holds_no_read_buffer() {
        let (mut conn, mut client) = pair().await;
        // Waiting for input that does not come, then giving up (as IDLE's select does).
        let waited = tokio::time::timeout(Duration::from_millis(50), conn.wait_input()).await;
        assert!(waited.is_err());
        assert_eq!(conn.pending.capacity(), 0);
        // Input after a cancelled wait is not lost.
        client.write_all(b"x DONE\r\n").await.unwrap();
        assert_eq!(
            conn.read_line(100).await.unwrap(),
            Line::Line(b"x DONE".to_vec())
        );
    }

    #[tokio::test]
    async fn a_line_too_long_keeps_its_ends() {
        let (mut conn, mut client) = pair().await;
        let mut line = b"t1 SEARCH ".to_vec();
        line.extend(std::iter::repeat_n(b'x', 3 * READ_CHUNK));
        line.extend_from_slice(b" {12}\r\nnext\r\n");
        client.write_all(&line).await.unwrap();
        let long = conn.read_line_ends(READ_CHUNK, 16).await.unwrap();
        assert_eq!(
            long,
            LongLine::TooLong {
                head: b"t1 SEARCH xxxxxx".to_vec(),
                tail: b"xxxxxxxxxxx {12}".to_vec(),
            }
        );
        assert_eq!(
            conn.read_line(100).await.unwrap(),
            Line::Line(b"next".to_vec())
        );
    }

    #[tokio::test]
    async fn long_lines_and_exact_reads_span_many_reads() {
        let (mut conn, mut client) = pair().await;
        let long = vec![b'x'; 3 * READ_CHUNK + 17];
        let literal = vec![b'y'; 5 * READ_CHUNK + 3];
        let writer = tokio::spawn(async move {
            client.write_all(&long).await.unwrap();
            client.write_all(b"\r\n").await.unwrap();
            client.write_all(&literal).await.unwrap();
            client.write_all(b"too long\r\nok\r\n").await.unwrap();
            client
        });
        match conn.read_line(4 * READ_CHUNK).await.unwrap() {
            Line::Line(l) => assert_eq!(l.len(), 3 * READ_CHUNK + 17),
            other => panic!("{other:?}"),
        }
        let mut into = b"head:".to_vec();
        conn.read_exact(5 * READ_CHUNK + 3, &mut into)
            .await
            .unwrap();
        assert_eq!(into.len(), 5 + 5 * READ_CHUNK + 3);
        assert!(into[5..].iter().all(|&b| b == b'y'));
        assert_eq!(conn.read_line(5).await.unwrap(), Line::TooLong);
        assert_eq!(conn.read_line(5).await.unwrap(), Line::Line(b"ok".to_vec()));
        drop(writer.await.unwrap());
        assert_eq!(conn.read_line(5).await.unwrap(), Line::Eof);
    }
}
