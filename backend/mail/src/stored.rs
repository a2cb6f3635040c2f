//! A stored message read for the web with bounded memory, whatever its size: a message
//! up to [`READ_WHOLE_UP_TO`] is read whole; a larger one is read as its skeleton
//! (`message::skeleton`: the bodies of large non-text parts left out), so that it
//! opens — header fields, text, the attachment list with their sizes — without its big
//! attachments in memory, and such an attachment downloads decoded a piece at a time
//! from the blob.

use std::sync::Arc;

use base64::{
    Engine,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use osprey_store::{StoreError, blob::BlobStore};
use tokio::io::{AsyncRead, AsyncReadExt, BufReader};

use crate::message::{LeftOut, Skeleton, TransferEncoding, decode_transfer, skeleton};
use crate::reading::{self, Attachment, AttachmentInfo, ReadMessage, ReadOptions};

/// The piece of a blob read at a time.
const CHUNK: usize = 64 * 1024;
/// The buffer a large message is read through for its skeleton.
const SCAN_BUFFER: usize = 1024 * 1024;
/// A message up to this size is read whole; a larger one as its skeleton.
pub const READ_WHOLE_UP_TO: u64 = 4 * 1024 * 1024;

/// A stored message, whole or as its skeleton.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    skeleton: Skeleton,
}

/// One attachment for a download.
#[derive(Debug)]
pub enum AttachmentSource {
    /// Decoded already (it was small enough to read).
    Whole(Attachment),
    /// To stream from the blob: its bytes in the message and how they are encoded.
    Streamed { info: AttachmentInfo, body: LeftOut },
}

impl StoredMessage {
    /// Reads the message stored under `hash`.
    pub async fn load(blobs: &dyn BlobStore, hash: &str) -> Result<StoredMessage, StoreError> {
        let blob = blobs.open(hash).await?;
        let skeleton = if blob.len <= READ_WHOLE_UP_TO {
            let mut bytes = Vec::with_capacity(blob.len as usize);
            let mut reader = blob.reader;
            reader.read_to_end(&mut bytes).await?;
            Skeleton {
                bytes,
                left_out: Vec::new(),
            }
        } else {
            // Large reads: each read of a file is a trip to a blocking thread.
            skeleton(BufReader::with_capacity(SCAN_BUFFER, blob.reader)).await?
        };
        Ok(StoredMessage { skeleton })
    }

    /// The message, or its skeleton when it is large.
    pub fn into_bytes(self) -> Vec<u8> {
        self.skeleton.bytes
    }

    /// The message for reading (`reading::read_with`), the sizes of the attachments
    /// left out as they are in the message.
    pub fn read(&self, options: ReadOptions) -> ReadMessage {
        reading::read_skeleton(&self.skeleton, options)
    }

    /// The attachment `index` as [`read`](Self::read) lists it.
    pub fn attachment(&self, index: u32) -> Option<AttachmentSource> {
        reading::skeleton_attachment(&self.skeleton, index)
    }
}

/// A body streamed from the blob, decoded a piece at a time.
pub struct DecodedBody {
    reader: std::pin::Pin<Box<dyn AsyncRead + Send>>,
    decoder: Decoder,
    done: bool,
}

impl DecodedBody {
    /// Opens `body` of the message stored under `hash`.
    pub async fn open(
        blobs: Arc<dyn BlobStore>,
        hash: &str,
        body: &LeftOut,
    ) -> Result<DecodedBody, StoreError> {
        let blob = blobs.open(hash).await?;
        let mut reader = blob.reader;
        // Up to the body: read and let go.
        tokio::io::copy(&mut (&mut reader).take(body.start), &mut tokio::io::sink()).await?;
        Ok(DecodedBody {
            reader: Box::pin(reader.take(body.end - body.start)),
            decoder: Decoder::new(body.encoding),
            done: false,
        })
    }

    /// The next piece decoded; `None` at the end.
    pub async fn next_piece(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            if self.done {
                return Ok(None);
            }
            let mut buf = vec![0; CHUNK];
            let n = self.reader.read(&mut buf).await?;
            let out = if n == 0 {
                self.done = true;
                self.decoder.finish()
            } else {
                self.decoder.push(&buf[..n])
            };
            if !out.is_empty() {
                return Ok(Some(out));
            }
        }
    }
}

/// Base64 as mail writes it: padding or not, stray bits ignored.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A transfer decoding fed a piece at a time.
#[derive(Debug)]
pub struct Decoder {
    encoding: TransferEncoding,
    /// What the next piece continues: base64 characters short of a quantum, or a
    /// quoted-printable line without its end.
    carry: Vec<u8>,
}

impl Decoder {
    pub fn new(encoding: TransferEncoding) -> Decoder {
        Decoder {
            encoding,
            carry: Vec::new(),
        }
    }

    /// The decoded octets of `piece` that are complete.
    pub fn push(&mut self, piece: &[u8]) -> Vec<u8> {
        match self.encoding {
            TransferEncoding::Identity => piece.to_vec(),
            TransferEncoding::Base64 => {
                // RFC 2045 §6.8: characters outside the alphabet are ignored.
                self.carry.extend(
                    piece
                        .iter()
                        .filter(|b| b.is_ascii_alphanumeric() || **b == b'+' || **b == b'/'),
                );
                let whole = self.carry.len() / 4 * 4;
                let out = LENIENT.decode(&self.carry[..whole]).unwrap_or_default();
                self.carry.drain(..whole);
                out
            }
            TransferEncoding::QuotedPrintable => {
                self.carry.extend_from_slice(piece);
                let Some(last) = self.carry.iter().rposition(|&b| b == b'\n') else {
                    return Vec::new();
                };
                let lines: Vec<u8> = self.carry.drain(..=last).collect();
                qp(&lines)
            }
        }
    }

    /// The rest, at the end of the body.
    pub fn finish(&mut self) -> Vec<u8> {
        let rest = std::mem::take(&mut self.carry);
        match self.encoding {
            TransferEncoding::Identity => rest,
            TransferEncoding::Base64 if rest.len() >= 2 => {
                LENIENT.decode(&rest).unwrap_or_default()
            }
            TransferEncoding::Base64 => Vec::new(),
            TransferEncoding::QuotedPrintable => qp(&rest),
        }
    }
}

fn qp(lines: &[u8]) -> Vec<u8> {
    decode_transfer(Some("quoted-printable"), lines)
        .map(|d| d.into_owned())
        .unwrap_or_else(|_| lines.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    #[test]
    fn a_body_decodes_the_same_in_pieces_of_any_size() {
        let data: Vec<u8> = (0..5_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut encoded = String::new();
        for line in STANDARD.encode(&data).as_bytes().chunks(76) {
            encoded.push_str(std::str::from_utf8(line).unwrap());
            encoded.push_str("\r\n");
        }
        let qp_text = "caf=C3=A9 au lait=\r\n and more\r\nline two=3D2\r\n";
        for piece in [1, 3, 4, 77, 1000] {
            let mut d = Decoder::new(TransferEncoding::Base64);
            let mut out = Vec::new();
            for p in encoded.as_bytes().chunks(piece) {
                out.extend(d.push(p));
            }
            out.extend(d.finish());
            assert_eq!(out, data, "pieces of {piece}");
            let mut d = Decoder::new(TransferEncoding::QuotedPrintable);
            let mut out = Vec::new();
            for p in qp_text.as_bytes().chunks(piece) {
                out.extend(d.push(p));
            }
            out.extend(d.finish());
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "café au lait and more\r\nline two=2\r\n"
            );
        }
    }
}
