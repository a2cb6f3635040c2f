//! A raw DEFLATE layer (RFC 1951, no zlib header) over a byte stream, both directions,
//! for IMAP COMPRESS=DEFLATE (RFC 4978). It owns the two persistent zlib streams and the
//! buffer of compressed bytes not yet written; it knows no protocol.
//!
//! Input is inflated from one stream for the whole connection (the dictionary carries
//! over from read to read). Output is deflated as it is written and completed with a
//! sync flush on every `flush`, so the peer can decode everything written so far
//! without waiting for more (RFC 4978 §4).

use std::{
    io,
    pin::Pin,
    task::{Context, Poll, ready},
};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Compressed bytes read from the peer at a time.
const IN_BUFFER: usize = 4 * 1024;

/// Uncompressed bytes taken per write call: a large write is deflated in slices, so the
/// compressed output waiting for the socket stays small whatever the size of the write.
const WRITE_SLICE: usize = 16 * 1024;

/// Compressed output kept after it has been written; a larger buffer is given back.
const OUT_KEPT: usize = 32 * 1024;

/// A stream that inflates what it reads from `inner` and deflates what it writes to it.
pub struct Deflate<S> {
    inner: S,
    inflate: Decompress,
    deflate: Compress,
    /// Compressed input: `input[in_pos..in_end]` is not yet inflated.
    input: Box<[u8]>,
    in_pos: usize,
    in_end: usize,
    /// Compressed output: `output[out_pos..]` is not yet written to `inner`.
    output: Vec<u8>,
    out_pos: usize,
    /// Data was deflated since the last sync flush.
    unflushed: bool,
    /// The peer ended its DEFLATE stream: reads give end of file.
    input_ended: bool,
}

impl<S> Deflate<S> {
    /// Wraps `inner`. `pending` holds compressed bytes already read from `inner` (by a
    /// buffered reader before compression started); they are inflated first.
    pub fn new(inner: S, pending: &[u8]) -> Self {
        let mut input = vec![0u8; IN_BUFFER.max(pending.len())].into_boxed_slice();
        input[..pending.len()].copy_from_slice(pending);
        Deflate {
            inner,
            // `false`: raw DEFLATE, no zlib header or trailer (RFC 4978 §3).
            inflate: Decompress::new(false),
            deflate: Compress::new(Compression::default(), false),
            input,
            in_pos: 0,
            in_end: pending.len(),
            output: Vec::new(),
            out_pos: 0,
            unflushed: false,
            input_ended: false,
        }
    }

    /// The stream below.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Deflates `data` into the output buffer with `flush`.
    fn deflate(&mut self, mut data: &[u8], flush: FlushCompress) -> io::Result<()> {
        loop {
            if self.output.capacity() - self.output.len() < 1024 {
                self.output.reserve(8 * 1024);
            }
            let before_in = self.deflate.total_in();
            let before_len = self.output.len();
            self.deflate
                .compress_vec(data, &mut self.output, flush)
                .map_err(io::Error::other)?;
            let used = usize::try_from(self.deflate.total_in() - before_in)
                .expect("at most the slice's length");
            data = &data[used..];
            let room_left = self.output.len() < self.output.capacity();
            // Done once the input is taken and the compressor had room to spare: it has
            // then written everything `flush` asks for.
            if data.is_empty() && room_left {
                return Ok(());
            }
            if used == 0 && self.output.len() == before_len && room_left {
                return Err(io::Error::other("the compressor made no progress"));
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> Deflate<S> {
    /// Writes the pending compressed output to `inner`.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.out_pos < self.output.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.output[self.out_pos..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.out_pos += n;
        }
        self.out_pos = 0;
        self.output.clear();
        if self.output.capacity() > OUT_KEPT {
            self.output = Vec::new();
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Deflate<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            if this.input_ended {
                return Poll::Ready(Ok(()));
            }
            // Inflate even without new input: when the last call filled the caller's
            // buffer, the inflater may still hold decoded bytes.
            let before_in = this.inflate.total_in();
            let before_out = this.inflate.total_out();
            let status = this
                .inflate
                .decompress(
                    &this.input[this.in_pos..this.in_end],
                    buf.initialize_unfilled(),
                    FlushDecompress::None,
                )
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            let used = usize::try_from(this.inflate.total_in() - before_in)
                .expect("at most the input's length");
            let produced = usize::try_from(this.inflate.total_out() - before_out)
                .expect("at most the buffer's length");
            this.in_pos += used;
            buf.advance(produced);
            if status == Status::StreamEnd {
                this.input_ended = true;
            }
            if produced > 0 {
                return Poll::Ready(Ok(()));
            }
            if used > 0 {
                continue;
            }
            // Nothing taken, nothing made: the inflater needs more input than the
            // buffer holds; keep what is left and read more after it.
            if this.in_pos == this.in_end {
                this.in_pos = 0;
                this.in_end = 0;
            } else if this.in_pos > 0 {
                this.input.copy_within(this.in_pos..this.in_end, 0);
                this.in_end -= this.in_pos;
                this.in_pos = 0;
            }
            if this.in_end == this.input.len() {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the inflater took no input",
                )));
            }
            let mut raw = ReadBuf::new(&mut this.input[this.in_end..]);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut raw))?;
            let n = raw.filled().len();
            if n == 0 {
                // End of file from the peer; a partial block is dropped.
                return Poll::Ready(Ok(()));
            }
            this.in_end += n;
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Deflate<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.output.len() - this.out_pos >= WRITE_SLICE {
            ready!(this.poll_drain(cx))?;
        }
        let take = data.len().min(WRITE_SLICE);
        this.deflate(&data[..take], FlushCompress::None)?;
        this.unflushed |= take > 0;
        Poll::Ready(Ok(take))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.unflushed {
            // RFC 4978 §4: a sync flush ends each batch of responses, so the client can
            // decode all of it now.
            this.deflate(&[], FlushCompress::Sync)?;
            this.unflushed = false;
        }
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().poll_flush(cx))?;
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, duplex};

    use super::Deflate;

    /// A client's deflater, independent of the layer under test.
    fn client_deflate(c: &mut Compress, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 1024);
        let before = c.total_in();
        c.compress_vec(data, &mut out, FlushCompress::Sync).unwrap();
        assert_eq!((c.total_in() - before) as usize, data.len());
        out
    }

    /// Inflates everything that arrives until `want` bytes came out.
    async fn client_inflate(d: &mut Decompress, raw: &mut DuplexStream, want: usize) -> Vec<u8> {
        let mut out: Vec<u8> = Vec::with_capacity(want);
        let mut chunk = [0u8; 1000];
        let mut pending = Vec::new();
        while out.len() < want {
            let n = tokio::time::timeout(std::time::Duration::from_secs(5), raw.read(&mut chunk))
                .await
                .expect("compressed data within 5 s: a sync flush is missing")
                .unwrap();
            assert!(n > 0, "end of stream after {} bytes", out.len());
            pending.extend_from_slice(&chunk[..n]);
            loop {
                out.reserve(64 * 1024);
                let before_in = d.total_in();
                let before_out = d.total_out();
                d.decompress_vec(&pending, &mut out, FlushDecompress::None)
                    .unwrap();
                let used = (d.total_in() - before_in) as usize;
                pending.drain(..used);
                if d.total_out() == before_out && used == 0 {
                    break;
                }
            }
        }
        out
    }

    /// Bytes that compress a little but not to nothing.
    fn sample(n: usize) -> Vec<u8> {
        let mut x: u32 = 12345;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                if i % 7 == 0 {
                    b'\n'
                } else {
                    b'a' + (x >> 24) as u8 % 26
                }
            })
            .collect()
    }

    #[tokio::test]
    async fn reads_input_split_at_every_point_and_carries_the_dictionary() {
        let text = b"a1 NOOP\r\na2 NOOP\r\na3 SELECT INBOX\r\na4 SELECT INBOX\r\n".repeat(20);
        let mut c = Compress::new(Compression::default(), false);
        // Two flushes: the second half refers back to the first (same dictionary).
        let half = text.len() / 2;
        let mut compressed = client_deflate(&mut c, &text[..half]);
        compressed.extend(client_deflate(&mut c, &text[half..]));
        for split in [1, 2, 3, 7, 64, compressed.len() / 2, compressed.len() - 1] {
            let (server, mut client) = duplex(64 * 1024);
            // The first `split` bytes were already buffered before compression began.
            let mut layer = Deflate::new(server, &compressed[..split]);
            let rest = compressed[split..].to_vec();
            let writer = tokio::spawn(async move {
                for b in rest {
                    client.write_all(&[b]).await.unwrap();
                    tokio::task::yield_now().await;
                }
                client
            });
            let mut got = vec![0u8; text.len()];
            layer.read_exact(&mut got).await.unwrap();
            assert_eq!(got, text, "split at {split}");
            let client = writer.await.unwrap();
            drop(client);
            let mut end = [0u8; 1];
            assert_eq!(layer.read(&mut end).await.unwrap(), 0, "end of file");
        }
    }

    #[tokio::test]
    async fn large_input_through_a_buffered_reader() {
        use tokio::io::{AsyncBufReadExt, BufReader};
        let (server, mut client) = duplex(16 * 1024);
        let mut reader = BufReader::with_capacity(4096, Deflate::new(server, &[]));
        let data = sample(500_000);
        let mut c = Compress::new(Compression::default(), false);
        let mut wire = client_deflate(&mut c, b"a1 APPEND INBOX {500000}\r\n");
        wire.extend(client_deflate(&mut c, &data));
        wire.extend(client_deflate(&mut c, b"\r\n"));
        let writer = tokio::spawn(async move {
            client.write_all(&wire).await.unwrap();
            client
        });
        let mut line = Vec::new();
        reader.read_until(b'\n', &mut line).await.unwrap();
        assert_eq!(line, b"a1 APPEND INBOX {500000}\r\n");
        let mut got = vec![0u8; data.len()];
        reader.read_exact(&mut got).await.unwrap();
        assert!(got == data);
        line.clear();
        reader.read_until(b'\n', &mut line).await.unwrap();
        assert_eq!(line, b"\r\n");
        drop(writer.await.unwrap());
    }

    #[tokio::test]
    async fn large_writes_arrive_whole_after_each_flush() {
        let (server, mut client) = duplex(8 * 1024);
        let mut layer = Deflate::new(server, &[]);
        let mut d = Decompress::new(false);
        for size in [1, 100, 300_000, 2_000_000] {
            let data = sample(size);
            let expected = data.clone();
            let write = tokio::spawn(async move {
                layer.write_all(&data).await.unwrap();
                layer.flush().await.unwrap();
                layer
            });
            let got = client_inflate(&mut d, &mut client, expected.len()).await;
            assert_eq!(got.len(), expected.len());
            assert!(got == expected, "{size} bytes differ");
            layer = write.await.unwrap();
            assert!(layer.output.capacity() <= super::OUT_KEPT);
        }
    }

    #[tokio::test]
    async fn nothing_is_sent_before_a_flush_and_all_of_it_after() {
        let (server, mut client) = duplex(64 * 1024);
        let mut layer = Deflate::new(server, &[]);
        layer.write_all(b"* OK short\r\n").await.unwrap();
        let mut byte = [0u8; 1];
        let early = tokio::time::timeout(
            std::time::Duration::from_millis(100),
            client.read(&mut byte),
        )
        .await;
        assert!(
            early.is_err(),
            "the compressor holds short output until a flush"
        );
        layer.flush().await.unwrap();
        let mut d = Decompress::new(false);
        let got = client_inflate(&mut d, &mut client, 12).await;
        assert_eq!(got, b"* OK short\r\n");
    }

    #[tokio::test]
    async fn corrupt_input_is_an_error() {
        let (server, mut client) = duplex(1024);
        let mut layer = Deflate::new(server, &[]);
        client.write_all(&[0xff; 16]).await.unwrap();
        let mut buf = [0u8; 16];
        let err = layer.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    }
}
