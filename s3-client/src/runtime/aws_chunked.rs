//! The `aws-chunked` content encoding with a trailing checksum
//! (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`): the body goes out once, in chunks, and the
//! checksum computed while it streams follows the last one. A file upload is then read
//! once instead of twice (once for a checksum header, once to send).
//!
//! ```text
//! 100000\r\n<1048576 bytes>\r\n ... 2a\r\n<42 bytes>\r\n 0\r\n x-amz-checksum-crc32:AAAAAA==\r\n \r\n
//! ```
//!
//! Every chunk but the last is [`CHUNK`] bytes, so the encoded length, which the request
//! declares in `Content-Length`, is known before the first byte is read.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

use super::checksum::{ChecksumAlgorithm, Hasher};
use crate::body::Chunks;

/// The size of every chunk but the last: 1 MiB, as botocore sends it (fewer, larger frames
/// than the 64 KiB of the AWS documentation's examples).
const CHUNK: u64 = 1024 * 1024;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The length of `decoded` bytes encoded with `algorithm`'s checksum as the trailer.
pub(crate) fn encoded_length(decoded: u64, algorithm: ChecksumAlgorithm) -> u64 {
    let chunk = |size: u64| hex_digits(size) + 2 + size + 2;
    let full = decoded / CHUNK;
    let rest = decoded % CHUNK;
    let chunks = full * chunk(CHUNK) + if rest > 0 { chunk(rest) } else { 0 };
    // `0\r\n`, `name:value\r\n`, `\r\n`.
    let trailer = algorithm.header().len() as u64 + 1 + base64_length(algorithm) + 2;
    chunks + 3 + trailer + 2
}

fn hex_digits(n: u64) -> u64 {
    (64 - n.leading_zeros() as u64).div_ceil(4).max(1)
}

/// The length of the algorithm's checksum in base64.
fn base64_length(algorithm: ChecksumAlgorithm) -> u64 {
    let bytes: u64 = match algorithm {
        ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 4,
        ChecksumAlgorithm::Crc64nvme | ChecksumAlgorithm::Xxhash64 | ChecksumAlgorithm::Xxhash3 => {
            8
        }
        ChecksumAlgorithm::Md5 | ChecksumAlgorithm::Xxhash128 => 16,
        ChecksumAlgorithm::Sha1 => 20,
        ChecksumAlgorithm::Sha256 => 32,
        ChecksumAlgorithm::Sha512 => 64,
    };
    bytes.div_ceil(3) * 4
}

/// A body's chunks encoded as `aws-chunked`, its checksum in the trailer.
pub(crate) struct AwsChunked {
    inner: Chunks,
    hasher: Option<Hasher>,
    algorithm: ChecksumAlgorithm,
    /// Bytes of the body not yet sent.
    remaining: u64,
    /// Bytes left in the chunk being sent (0: none is open).
    in_chunk: u64,
    /// Whether a chunk was opened, so the next one starts by closing it.
    started: bool,
    /// Body bytes read but not yet sent.
    pending: Option<Bytes>,
}

impl AwsChunked {
    /// Encodes `inner`, which must yield exactly `length` bytes.
    pub(crate) fn new(inner: Chunks, length: u64, algorithm: ChecksumAlgorithm) -> Self {
        AwsChunked {
            inner,
            hasher: Some(algorithm.hasher()),
            algorithm,
            remaining: length,
            in_chunk: 0,
            started: false,
            pending: None,
        }
    }

    /// The frame that ends the body: the last chunk's `\r\n`, the empty chunk, the
    /// checksum and the final empty line.
    fn trailer(&mut self) -> Option<Bytes> {
        let value = self.hasher.take()?.finish();
        let name = self.algorithm.header();
        let lead = if self.started { "\r\n" } else { "" };
        Some(Bytes::from(format!("{lead}0\r\n{name}:{value}\r\n\r\n")))
    }

    /// What to send for a piece of the body: a chunk's header when none is open (the
    /// piece waits), else as much of it as the chunk holds (the rest waits).
    fn send(&mut self, mut piece: Bytes) -> Bytes {
        if self.in_chunk == 0 {
            let size = self.remaining.min(CHUNK);
            let lead = if self.started { "\r\n" } else { "" };
            self.started = true;
            self.in_chunk = size;
            self.pending = Some(piece);
            return Bytes::from(format!("{lead}{size:x}\r\n"));
        }
        if piece.len() as u64 > self.in_chunk {
            self.pending = Some(piece.split_off(self.in_chunk as usize));
        }
        self.in_chunk -= piece.len() as u64;
        self.remaining -= piece.len() as u64;
        if let Some(h) = &mut self.hasher {
            h.update(&piece);
        }
        piece
    }
}

impl Stream for AwsChunked {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some(piece) = this.pending.take() {
            return Poll::Ready(Some(Ok(this.send(piece))));
        }
        if this.hasher.is_none() {
            return Poll::Ready(None);
        }
        loop {
            return match this.inner.as_mut().poll_next(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Some(Ok(piece))) if piece.is_empty() => continue,
                Poll::Ready(Some(Ok(piece))) if piece.len() as u64 > this.remaining => {
                    this.hasher = None;
                    Poll::Ready(Some(Err(
                        "the body is longer than the length it declared".into()
                    )))
                }
                Poll::Ready(Some(Ok(piece))) => Poll::Ready(Some(Ok(this.send(piece)))),
                Poll::Ready(Some(Err(e))) => {
                    this.hasher = None;
                    Poll::Ready(Some(Err(e)))
                }
                Poll::Ready(None) if this.remaining > 0 => {
                    this.hasher = None;
                    let message = format!(
                        "the body ended {} bytes before the length it declared",
                        this.remaining
                    );
                    Poll::Ready(Some(Err(message.into())))
                }
                Poll::Ready(None) => Poll::Ready(this.trailer().map(Ok)),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;

    async fn encode(pieces: Vec<&'static [u8]>, length: u64) -> Result<Vec<u8>, String> {
        let inner: Chunks = Box::pin(futures_util::stream::iter(
            pieces.into_iter().map(|p| Ok(Bytes::from_static(p))),
        ));
        let stream = AwsChunked::new(inner, length, ChecksumAlgorithm::Crc32);
        let frames: Vec<Bytes> = stream.try_collect().await.map_err(|e| e.to_string())?;
        Ok(frames.concat())
    }

    /// Decodes an aws-chunked body the way a store does, checking every chunk's size.
    fn decode(mut encoded: &[u8]) -> (Vec<u8>, String) {
        let mut body = Vec::new();
        loop {
            let line = encoded.iter().position(|&b| b == b'\r').unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&encoded[..line]).unwrap(), 16).unwrap();
            encoded = &encoded[line + 2..];
            if size == 0 {
                return (body, String::from_utf8(encoded.to_vec()).unwrap());
            }
            body.extend_from_slice(&encoded[..size]);
            assert_eq!(&encoded[size..size + 2], b"\r\n");
            encoded = &encoded[size + 2..];
        }
    }

    #[tokio::test]
    async fn bodies_are_chunked_with_the_checksum_last_and_the_length_predicted() {
        let big: &'static [u8] = Box::leak(vec![7u8; 2_200_000].into_boxed_slice());
        let cases: Vec<(Vec<&'static [u8]>, usize)> = vec![
            (vec![], 0),
            (vec![b"hello world"], 11),
            // Pieces across chunk boundaries, and exactly one chunk.
            (
                vec![&big[..1000], &big[1000..1_100_000], b"", &big[1_100_000..]],
                2_200_000,
            ),
            (vec![&big[..1 << 20]], 1 << 20),
        ];
        for (pieces, length) in cases {
            let data: Vec<u8> = pieces.concat();
            let encoded = encode(pieces, length as u64).await.unwrap();
            assert_eq!(
                encoded.len() as u64,
                encoded_length(length as u64, ChecksumAlgorithm::Crc32),
                "length {length}"
            );
            let (body, trailer) = decode(&encoded);
            assert_eq!(body, data);
            let crc = ChecksumAlgorithm::Crc32.checksum(&data);
            assert_eq!(trailer, format!("x-amz-checksum-crc32:{crc}\r\n\r\n"));
        }
        assert!(
            encode(vec![&big[..1_100_000]], 1_100_000).await.unwrap()[..8]
                .starts_with(b"100000\r\n")
        );
    }

    #[tokio::test]
    async fn a_body_of_the_wrong_length_is_an_error() {
        let short = encode(vec![b"abc"], 5).await.unwrap_err();
        assert!(short.contains("2 bytes before"), "{short}");
        let long = encode(vec![b"abcdef"], 5).await.unwrap_err();
        assert!(long.contains("longer"), "{long}");
    }

    #[test]
    fn predicted_lengths_cover_every_algorithm() {
        for (algorithm, value) in [
            (ChecksumAlgorithm::Crc32, 8),
            (ChecksumAlgorithm::Crc64nvme, 12),
            (ChecksumAlgorithm::Sha1, 28),
            (ChecksumAlgorithm::Sha256, 44),
            (ChecksumAlgorithm::Sha512, 88),
            (ChecksumAlgorithm::Md5, 24),
            (ChecksumAlgorithm::Xxhash64, 12),
            (ChecksumAlgorithm::Xxhash3, 12),
            (ChecksumAlgorithm::Xxhash128, 24),
        ] {
            let base = 3 + algorithm.header().len() as u64 + 1 + 2 + 2;
            assert_eq!(encoded_length(0, algorithm), base + value);
            assert_eq!(
                algorithm.checksum(b"x").len() as u64,
                value,
                "{algorithm:?}"
            );
        }
        assert_eq!(hex_digits(0x100000), 6);
        assert_eq!(hex_digits(0x10000), 5);
        assert_eq!(hex_digits(0xffff), 4);
        assert_eq!(hex_digits(1), 1);
    }
}
