//! A client connection's byte stream: plain TCP, or TLS over TCP after an implicit-TLS
//! handshake or a STARTTLS upgrade, either of them possibly compressed (IMAP COMPRESS).

use std::{
    io,
    pin::Pin,
    task::{Context, Poll},
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};
use tokio_rustls::{TlsAcceptor, server::TlsStream};

use crate::deflate::Deflate;

/// Plain or TLS, or one of them compressed; all are `AsyncRead + AsyncWrite`.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    /// Compression inside TLS, if any (RFC 4978 §3). Boxed: the compressor's state
    /// exists only in sessions that asked for it.
    Deflate(Box<Deflate<Stream>>),
}

impl Stream {
    /// Returns `true` if and only if the stream is encrypted.
    pub fn is_tls(&self) -> bool {
        match self {
            Stream::Plain(_) => false,
            Stream::Tls(_) => true,
            Stream::Deflate(d) => d.get_ref().is_tls(),
        }
    }

    /// Returns `true` if and only if the stream is compressed.
    pub fn is_compressed(&self) -> bool {
        matches!(self, Stream::Deflate(_))
    }

    /// Compresses the stream from now on, both ways. `pending` is input already read
    /// from this stream and not yet used: the peer compressed it, so it is inflated
    /// first. A stream that is already compressed is refused.
    pub fn start_compress(self, pending: &[u8]) -> io::Result<Stream> {
        match self {
            Stream::Deflate(_) => Err(io::Error::other("compression is already active")),
            s => Ok(Stream::Deflate(Box::new(Deflate::new(s, pending)))),
        }
    }

    /// Runs the server side of a TLS handshake on a plain stream. A stream that is
    /// already TLS is refused.
    pub async fn start_tls(self, acceptor: &TlsAcceptor) -> io::Result<Stream> {
        match self {
            Stream::Plain(tcp) => Ok(Stream::Tls(Box::new(acceptor.accept(tcp).await?))),
            Stream::Tls(_) => Err(io::Error::other("TLS is already active")),
            Stream::Deflate(_) => Err(io::Error::other("TLS cannot start under compression")),
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Stream::Deflate(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Stream::Deflate(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Stream::Deflate(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Stream::Deflate(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
