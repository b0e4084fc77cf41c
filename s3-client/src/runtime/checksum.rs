//! Integrity checksums: the `x-amz-checksum-*` header computed for a request body, and the
//! one S3 returns checked against the body as it streams in.
//!
//! Which request gets one follows boto3: operations S3 requires it for always, operations
//! that support flexible checksums by default (`when_supported`), CRC32 unless the caller
//! chose an algorithm, and never when the caller supplied a checksum or Content-MD5.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use base64::Engine;
use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, HeaderValue};
use md5::Md5;
use sha1::Sha1;
use sha2::Sha256;

use crate::config::RequestChecksumCalculation;
use crate::error::{BuildError, ChecksumMismatch};
use crate::primitives::{ByteStream, ByteStreamError};

/// A checksum algorithm S3 understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Crc32,
    Crc32c,
    Crc64Nvme,
    Sha1,
    Sha256,
    /// Only for `Content-MD5`, never an `x-amz-checksum-*` header.
    Md5,
}

impl Algorithm {
    /// Every algorithm, so every header that can carry a checksum value.
    const ALL: [Algorithm; 6] = [
        Algorithm::Crc32,
        Algorithm::Crc32c,
        Algorithm::Crc64Nvme,
        Algorithm::Sha1,
        Algorithm::Sha256,
        Algorithm::Md5,
    ];

    /// What the client computes when the request names no algorithm, as boto3 does.
    pub(crate) const DEFAULT: Algorithm = Algorithm::Crc32;

    /// The name S3 gives the algorithm.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "CRC32",
            Algorithm::Crc32c => "CRC32C",
            Algorithm::Crc64Nvme => "CRC64NVME",
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Md5 => "MD5",
        }
    }

    /// The algorithm named as S3 names it (`CRC32`, `SHA256`...).
    /// `Md5` is not one: it only ever travels as `Content-MD5`.
    pub(crate) fn from_name(name: &str) -> Option<Algorithm> {
        Self::ALL
            .into_iter()
            .filter(|a| *a != Algorithm::Md5)
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// The header that carries a checksum of this algorithm.
    pub(crate) fn header(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "x-amz-checksum-crc32",
            Algorithm::Crc32c => "x-amz-checksum-crc32c",
            Algorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Algorithm::Sha1 => "x-amz-checksum-sha1",
            Algorithm::Sha256 => "x-amz-checksum-sha256",
            Algorithm::Md5 => "content-md5",
        }
    }

    pub(crate) fn hasher(self) -> Hasher {
        match self {
            Algorithm::Crc32 => Hasher::Crc32(crc32fast::Hasher::new()),
            Algorithm::Crc32c => Hasher::Crc32c(0),
            Algorithm::Crc64Nvme => Hasher::Crc64Nvme(crc64fast_nvme::Digest::new()),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Digest::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Digest::new()),
            Algorithm::Md5 => Hasher::Md5(md5::Digest::new()),
        }
    }

    /// The base64 checksum of `data`.
    pub(crate) fn checksum(self, data: &[u8]) -> String {
        let mut h = self.hasher();
        h.update(data);
        h.finish()
    }
}

/// A running checksum.
pub(crate) enum Hasher {
    Crc32(crc32fast::Hasher),
    Crc32c(u32),
    Crc64Nvme(crc64fast_nvme::Digest),
    Sha1(Sha1),
    Sha256(Sha256),
    Md5(Md5),
}

impl Hasher {
    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Crc32(h) => h.update(data),
            Hasher::Crc32c(c) => *c = crc32c::crc32c_append(*c, data),
            Hasher::Crc64Nvme(h) => h.write(data),
            Hasher::Sha1(h) => sha1::Digest::update(h, data),
            Hasher::Sha256(h) => sha2::Digest::update(h, data),
            Hasher::Md5(h) => md5::Digest::update(h, data),
        }
    }

    /// The checksum, base64-encoded as it travels.
    pub(crate) fn finish(self) -> String {
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        match self {
            Hasher::Crc32(h) => b64(&h.finalize().to_be_bytes()),
            Hasher::Crc32c(c) => b64(&c.to_be_bytes()),
            Hasher::Crc64Nvme(h) => b64(&h.sum64().to_be_bytes()),
            Hasher::Sha1(h) => b64(&sha1::Digest::finalize(h)),
            Hasher::Sha256(h) => b64(&sha2::Digest::finalize(h)),
            Hasher::Md5(h) => b64(&md5::Digest::finalize(h)),
        }
    }
}

/// What an operation says about request checksums.
pub(crate) struct RequestRule {
    /// S3 refuses the request without an integrity header.
    pub required: bool,
    /// Header naming the caller's algorithm, when the operation has flexible checksums.
    pub algorithm_header: Option<&'static str>,
}

/// What a checksum can be computed from: the bytes in memory, or the file a body streams
/// from. Owned, because a body stream need not be `Sync` and must not cross an await by
/// reference.
pub(crate) type BodySource = (Option<Bytes>, Option<PathBuf>);

/// The checksum sources of `body`.
pub(crate) fn source(body: &ByteStream) -> BodySource {
    (body.as_bytes().cloned(), body.path().map(Path::to_path_buf))
}

/// Decides the checksum a request carries, computes it over `body` and adds its headers.
pub(crate) async fn add_request_checksum(
    rule: &RequestRule,
    mode: RequestChecksumCalculation,
    headers: &mut HeaderMap,
    source: BodySource,
) -> Result<(), BuildError> {
    // A checksum value the caller set is sent as given.
    if Algorithm::ALL
        .iter()
        .any(|a| headers.contains_key(a.header()))
    {
        return Ok(());
    }
    let chosen = match rule.algorithm_header.and_then(|h| headers.get(h)) {
        Some(value) => {
            let name = value.to_str().unwrap_or_default();
            Some(Algorithm::from_name(name).ok_or_else(|| {
                BuildError::new(format!(
                    "unsupported checksum algorithm `{name}`: this client computes CRC32, CRC32C, CRC64NVME, SHA1 and SHA256"
                ))
            })?)
        }
        None => None,
    };
    let algorithm = match (chosen, mode) {
        (Some(a), _) => a,
        (None, RequestChecksumCalculation::ContentMd5) if rule.required => Algorithm::Md5,
        (None, RequestChecksumCalculation::ContentMd5) => return Ok(()),
        (None, RequestChecksumCalculation::WhenSupported)
            if rule.required || rule.algorithm_header.is_some() =>
        {
            Algorithm::DEFAULT
        }
        (None, RequestChecksumCalculation::WhenRequired) if rule.required => Algorithm::DEFAULT,
        (None, _) => return Ok(()),
    };
    let Some(value) = body_checksum(algorithm, source).await? else {
        // A one-shot stream cannot be read twice; S3 takes it without a checksum unless
        // the operation requires one.
        if rule.required {
            return Err(BuildError::new(
                "this operation needs an integrity checksum, which cannot be computed for a one-shot streamed body; supply one or send the body from memory or a file",
            ));
        }
        return Ok(());
    };
    let header = |v: &str| {
        HeaderValue::from_str(v)
            .map_err(|_| BuildError::new(format!("checksum `{v}` is not a valid header value")))
    };
    headers.insert(algorithm.header(), header(&value)?);
    if algorithm != Algorithm::Md5
        && chosen.is_none()
        && let Some(h) = rule.algorithm_header
    {
        headers.insert(h, HeaderValue::from_static(algorithm.name()));
    }
    Ok(())
}

/// The checksum of a body held in memory or in a file; `None` for a one-shot stream.
async fn body_checksum(
    algorithm: Algorithm,
    (bytes, path): BodySource,
) -> Result<Option<String>, BuildError> {
    if let Some(bytes) = bytes {
        return Ok(Some(algorithm.checksum(&bytes)));
    }
    let Some(path) = path else {
        return Ok(None);
    };
    use tokio::io::AsyncReadExt;
    let fail = |e: std::io::Error| {
        BuildError::new(format!(
            "cannot read {} for its checksum: {e}",
            path.display()
        ))
    };
    let mut file = tokio::fs::File::open(&path).await.map_err(fail)?;
    let mut hasher = algorithm.hasher();
    let mut buf = vec![0; 256 * 1024];
    loop {
        let n = file.read(&mut buf).await.map_err(fail)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(Some(hasher.finish()))
}

/// The checksum S3 sent for a whole response body, in the order of preference given, or
/// `None` when there is nothing to check: a range, or a checksum of parts (`...-3`).
pub(crate) fn response_checksum(
    headers: &HeaderMap,
    algorithms: &[&str],
    status: u16,
) -> Option<(Algorithm, String)> {
    if status == 206 || headers.contains_key(http::header::CONTENT_RANGE) {
        return None;
    }
    algorithms.iter().find_map(|name| {
        let algorithm = Algorithm::from_name(name)?;
        let value = headers.get(algorithm.header())?.to_str().ok()?;
        (!value.contains('-')).then(|| (algorithm, value.to_string()))
    })
}

/// Whether the checksum computed over a body is the one S3 sent.
pub(crate) fn compare(
    algorithm: Algorithm,
    expected: String,
    actual: String,
) -> Result<(), ChecksumMismatch> {
    if actual == expected {
        return Ok(());
    }
    Err(ChecksumMismatch {
        header: algorithm.header(),
        expected,
        actual,
    })
}

/// A response body checked against the checksum S3 sent, as it streams by: the last
/// chunk is followed by an error instead of the end when they differ.
pub(crate) struct Validated {
    inner: ByteStream,
    hasher: Option<Hasher>,
    algorithm: Algorithm,
    expected: String,
}

impl Validated {
    pub(crate) fn new(inner: ByteStream, algorithm: Algorithm, expected: String) -> Self {
        Validated {
            inner,
            hasher: Some(algorithm.hasher()),
            algorithm,
            expected,
        }
    }
}

impl Stream for Validated {
    type Item = Result<Bytes, ByteStreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(h) = &mut this.hasher {
                    h.update(&chunk);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(None) => match this.hasher.take() {
                None => Poll::Ready(None),
                Some(hasher) => {
                    let expected = std::mem::take(&mut this.expected);
                    match compare(this.algorithm, expected, hasher.finish()) {
                        Ok(()) => Poll::Ready(None),
                        Err(mismatch) => Poll::Ready(Some(Err(ByteStreamError::new(mismatch)))),
                    }
                }
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Computed independently: Python's zlib and hashlib, and a bitwise CRC for
        // CRC32C (0x82F63B78) and CRC64NVME (0x9A6C9329AC4BC9B5, check 0xAE8B14860A799888).
        let data = b"hello world";
        assert_eq!(Algorithm::Crc32.checksum(data), "DUoRhQ==");
        assert_eq!(Algorithm::Crc32c.checksum(data), "yZRlqg==");
        assert_eq!(
            Algorithm::Sha1.checksum(data),
            "Kq5sNclPz7QV2+lfQIuc6R7oRu0="
        );
        assert_eq!(
            Algorithm::Sha256.checksum(data),
            "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="
        );
        assert_eq!(Algorithm::Md5.checksum(data), "XrY7u+Ae7tCTyyK7j1rNww==");
        assert_eq!(Algorithm::Crc64Nvme.checksum(data), "jSnVw/bqjr4=");
        assert_eq!(Algorithm::from_name("crc32c"), Some(Algorithm::Crc32c));
        assert_eq!(Algorithm::from_name("MD5"), None);
    }
}
