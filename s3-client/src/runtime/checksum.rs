//! Integrity checksums: the `x-amz-checksum-*` header computed for a request body, and the
//! one S3 returns checked against the body as it streams in.
//!
//! Which request gets one follows boto3: operations S3 requires it for always, operations
//! that support flexible checksums by default (`when_supported`), CRC32 unless the caller
//! chose an algorithm, and never when the caller supplied a checksum or Content-MD5.

use std::pin::Pin;
use std::task::{Context, Poll};

use crate::runtime::base64;
use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, HeaderValue};
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use xxhash_rust::xxh3::Xxh3;
use xxhash_rust::xxh64::Xxh64;

use crate::body::FileSlice;
use crate::config::{RequestChecksumCalculation, RequiredChecksum};
use crate::error::{BuildError, ChecksumMismatch};
use crate::primitives::{ByteStream, ByteStreamError};

/// A checksum algorithm S3 knows, as the model names them (the variant is the name in
/// upper camel case: `CRC64NVME` is `Crc64nvme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumAlgorithm {
    /// CRC-32 (ISO-HDLC), S3's default.
    Crc32,
    /// CRC-32C (Castagnoli).
    Crc32c,
    /// CRC-64/NVME.
    Crc64nvme,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
    /// MD5 as a flexible checksum (in `x-amz-checksum-md5`, not `Content-MD5`).
    Md5,
    /// XXH64 with seed 0, its 8 bytes big-endian (xxHash's canonical form).
    Xxhash64,
    /// XXH3 (64-bit) with seed 0, its 8 bytes big-endian.
    Xxhash3,
    /// XXH3 (128-bit) with seed 0, its 16 bytes big-endian.
    Xxhash128,
}

use ChecksumAlgorithm as Algorithm;

impl Algorithm {
    /// Every algorithm, so every header that can carry a checksum value.
    const ALL: [Algorithm; 10] = [
        Algorithm::Crc32,
        Algorithm::Crc32c,
        Algorithm::Crc64nvme,
        Algorithm::Sha1,
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Md5,
        Algorithm::Xxhash64,
        Algorithm::Xxhash3,
        Algorithm::Xxhash128,
    ];

    /// What the client computes when the request names no algorithm, as boto3 does.
    pub(crate) const DEFAULT: Algorithm = Algorithm::Crc32;

    /// The name S3 gives the algorithm.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "CRC32",
            Algorithm::Crc32c => "CRC32C",
            Algorithm::Crc64nvme => "CRC64NVME",
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
            Algorithm::Md5 => "MD5",
            Algorithm::Xxhash64 => "XXHASH64",
            Algorithm::Xxhash3 => "XXHASH3",
            Algorithm::Xxhash128 => "XXHASH128",
        }
    }

    /// The algorithm named as S3 names it (`CRC32`, `SHA256`...).
    pub(crate) fn from_name(name: &str) -> Option<Algorithm> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// The header that carries a checksum of this algorithm.
    pub(crate) fn header(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "x-amz-checksum-crc32",
            Algorithm::Crc32c => "x-amz-checksum-crc32c",
            Algorithm::Crc64nvme => "x-amz-checksum-crc64nvme",
            Algorithm::Sha1 => "x-amz-checksum-sha1",
            Algorithm::Sha256 => "x-amz-checksum-sha256",
            Algorithm::Sha512 => "x-amz-checksum-sha512",
            Algorithm::Md5 => "x-amz-checksum-md5",
            Algorithm::Xxhash64 => "x-amz-checksum-xxhash64",
            Algorithm::Xxhash3 => "x-amz-checksum-xxhash3",
            Algorithm::Xxhash128 => "x-amz-checksum-xxhash128",
        }
    }

    /// A running checksum.
    pub(crate) fn hasher(self) -> Hasher {
        match self {
            Algorithm::Crc32 => Hasher::crc(self, crc_fast::CrcAlgorithm::Crc32IsoHdlc),
            Algorithm::Crc32c => Hasher::crc(self, crc_fast::CrcAlgorithm::Crc32Iscsi),
            Algorithm::Crc64nvme => Hasher::crc(self, crc_fast::CrcAlgorithm::Crc64Nvme),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Digest::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Digest::new()),
            Algorithm::Sha512 => Hasher::Sha512(Box::new(sha2::Digest::new())),
            Algorithm::Md5 => Hasher::Md5(md5::Digest::new()),
            Algorithm::Xxhash64 => Hasher::Xxh64(Xxh64::new(0)),
            Algorithm::Xxhash3 => Hasher::Xxh3(Box::new(Xxh3::new()), Width::Bits64),
            Algorithm::Xxhash128 => Hasher::Xxh3(Box::new(Xxh3::new()), Width::Bits128),
        }
    }

    /// The base64 checksum of `data`.
    pub(crate) fn checksum(self, data: &[u8]) -> String {
        let mut h = self.hasher();
        h.update(data);
        h.finish()
    }
}

/// The base64 MD5 of `data`, as `Content-MD5` and SSE-C key digests carry it.
pub(crate) fn md5_base64(data: &[u8]) -> String {
    Algorithm::Md5.checksum(data)
}

/// The header of a request's own MD5 digest.
const CONTENT_MD5: &str = "content-md5";

/// A running checksum. The large states are boxed, so that the common CRC stays small.
pub(crate) enum Hasher {
    Crc(Algorithm, crc_fast::Digest),
    Sha1(Sha1),
    Sha256(Sha256),
    Sha512(Box<Sha512>),
    Md5(Md5),
    Xxh64(Xxh64),
    /// XXH3 keeps one state for both widths; the width picks the digest.
    Xxh3(Box<Xxh3>, Width),
}

/// Which XXH3 digest a hasher gives.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Width {
    Bits64,
    Bits128,
}

impl Hasher {
    fn crc(algorithm: Algorithm, crc: crc_fast::CrcAlgorithm) -> Hasher {
        Hasher::Crc(algorithm, crc_fast::Digest::new(crc))
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Crc(_, h) => h.update(data),
            Hasher::Sha1(h) => sha1::Digest::update(h, data),
            Hasher::Sha256(h) => sha2::Digest::update(h, data),
            Hasher::Sha512(h) => sha2::Digest::update(&mut **h, data),
            Hasher::Md5(h) => md5::Digest::update(h, data),
            Hasher::Xxh64(h) => h.update(data),
            Hasher::Xxh3(h, _) => h.update(data),
        }
    }

    /// The CRC so far, as a number (so that CRCs of neighbouring pieces combine), for
    /// the CRC algorithms.
    pub(crate) fn crc_value(&self) -> Option<Crc> {
        match self {
            Hasher::Crc(algorithm, h) => Some(Crc {
                algorithm: *algorithm,
                value: h.finalize(),
                length: h.get_amount(),
            }),
            _ => None,
        }
    }

    /// The checksum, base64-encoded as it travels.
    pub(crate) fn finish(self) -> String {
        match self {
            Hasher::Crc(algorithm, h) => crc_base64(algorithm, h.finalize()),
            Hasher::Sha1(h) => base64(&sha1::Digest::finalize(h)),
            Hasher::Sha256(h) => base64(&sha2::Digest::finalize(h)),
            Hasher::Sha512(h) => base64(&sha2::Digest::finalize(*h)),
            Hasher::Md5(h) => base64(&md5::Digest::finalize(h)),
            Hasher::Xxh64(h) => base64(&h.digest().to_be_bytes()),
            Hasher::Xxh3(h, Width::Bits64) => base64(&h.digest().to_be_bytes()),
            Hasher::Xxh3(h, Width::Bits128) => base64(&h.digest128().to_be_bytes()),
        }
    }
}

/// A CRC as a value with the length of the data it covers: what is needed to extend it
/// by the CRC of the data that follows, without reading either again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Crc {
    pub(crate) algorithm: Algorithm,
    pub(crate) value: u64,
    pub(crate) length: u64,
}

impl Crc {
    /// The CRC of no data.
    pub(crate) fn empty(algorithm: Algorithm) -> Option<Crc> {
        algorithm.hasher().crc_value()
    }

    /// The CRC of this data followed by `next`'s.
    pub(crate) fn then(self, next: Crc) -> Crc {
        let crc = match self.algorithm {
            Algorithm::Crc32 => crc_fast::CrcAlgorithm::Crc32IsoHdlc,
            Algorithm::Crc32c => crc_fast::CrcAlgorithm::Crc32Iscsi,
            _ => crc_fast::CrcAlgorithm::Crc64Nvme,
        };
        Crc {
            algorithm: self.algorithm,
            value: crc_fast::checksum_combine(crc, self.value, next.value, next.length),
            length: self.length + next.length,
        }
    }

    /// Base64, as the checksum headers carry it.
    pub(crate) fn to_base64(self) -> String {
        crc_base64(self.algorithm, self.value)
    }
}

/// A CRC value in base64: four big-endian bytes for the 32-bit CRCs, eight for CRC64.
fn crc_base64(algorithm: Algorithm, value: u64) -> String {
    match algorithm {
        Algorithm::Crc64nvme => base64(&value.to_be_bytes()),
        _ => base64(&(value as u32).to_be_bytes()),
    }
}

/// What an operation says about request checksums.
#[derive(Debug, Clone, Copy)]
pub struct RequestChecksum {
    /// S3 refuses the request without an integrity header.
    pub required: bool,
    /// Header naming the caller's algorithm, when the operation has flexible checksums.
    pub algorithm_header: Option<&'static str>,
}

/// What an operation says about response checksums.
#[derive(Debug, Clone, Copy)]
pub struct ResponseChecksum {
    /// Header asking S3 to send them.
    pub mode_header: &'static str,
    /// Algorithms S3 may send, in order of preference.
    pub algorithms: &'static [Algorithm],
}

/// What a checksum can be computed from: the bytes in memory, or the file slice a body
/// streams from. Owned, because a body stream need not be `Sync` and must not cross an
/// await by reference.
pub(crate) type BodySource = (Option<Bytes>, Option<FileSlice>);

/// The checksum sources of `body`.
pub(crate) fn source(body: &ByteStream) -> BodySource {
    (body.as_bytes().cloned(), body.file().cloned())
}

/// Whether `headers` carry a checksum of the body (a flexible one, or `Content-MD5`).
pub(crate) fn in_header(headers: &HeaderMap) -> bool {
    headers.contains_key(CONTENT_MD5)
        || Algorithm::ALL
            .iter()
            .any(|a| headers.contains_key(a.header()))
}

/// How a request's checksum is to travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// In a header, computed before sending (or there is none).
    Header,
    /// In the trailer of an `aws-chunked` body, computed while it streams.
    Trailer(Algorithm),
}

/// Where a request may carry its checksum.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Allowed {
    /// The store takes `aws-chunked` bodies with trailing checksums.
    pub(crate) trailer: bool,
    /// The body's length, when known (a trailer needs it).
    pub(crate) length: Option<u64>,
}

/// Decides the checksum a request carries and adds its headers: computed over `body`
/// now when it is in memory (or when a trailer is not allowed), otherwise announced for
/// the trailer, so a file or stream is read once.
pub(crate) async fn add_request_checksum(
    rule: &RequestChecksum,
    mode: RequestChecksumCalculation,
    required: RequiredChecksum,
    headers: &mut HeaderMap,
    source: BodySource,
    allowed: Allowed,
) -> Result<Placement, BuildError> {
    // A checksum value the caller set is sent as given. A caller's Content-MD5 does not
    // stop the flexible checksum (boto3 sends both), except in Content-MD5 mode.
    if Algorithm::ALL
        .iter()
        .any(|a| headers.contains_key(a.header()))
    {
        return Ok(Placement::Header);
    }
    let chosen = match rule.algorithm_header.and_then(|h| headers.get(h)) {
        Some(value) => {
            let name = value.to_str().unwrap_or_default();
            Some(Algorithm::from_name(name).ok_or_else(|| {
                BuildError::member(
                    "ChecksumAlgorithm",
                    format!(
                        "unknown checksum algorithm `{name}`: S3 takes CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5, XXHASH64, XXHASH3 and XXHASH128"
                    ),
                )
            })?)
        }
        None => None,
    };
    let md5_only = |required: bool| {
        if required && !headers.contains_key(CONTENT_MD5) {
            Some(None)
        } else {
            None
        }
    };
    // What an operation that requires a checksum carries.
    let for_required = match required {
        RequiredChecksum::Crc32 => Some(Algorithm::Crc32),
        RequiredChecksum::Crc32c => Some(Algorithm::Crc32c),
        RequiredChecksum::Sha256 => Some(Algorithm::Sha256),
        RequiredChecksum::ContentMd5 => None,
    };
    // `Some(None)`: Content-MD5; `Some(Some(a))`: a flexible checksum; `None`: nothing.
    let wanted: Option<Option<Algorithm>> = match (chosen, mode) {
        (Some(a), _) => Some(Some(a)),
        (None, RequestChecksumCalculation::ContentMd5) => md5_only(rule.required),
        (None, _) if rule.required && for_required.is_none() => md5_only(true),
        (None, RequestChecksumCalculation::WhenSupported) if rule.required => Some(for_required),
        (None, RequestChecksumCalculation::WhenSupported) if rule.algorithm_header.is_some() => {
            Some(Some(Algorithm::DEFAULT))
        }
        (None, RequestChecksumCalculation::WhenRequired) if rule.required => Some(for_required),
        (None, _) => None,
    };
    let Some(algorithm) = wanted else {
        return Ok(Placement::Header);
    };
    let announce = |headers: &mut HeaderMap, algorithm: Algorithm| {
        if chosen.is_none()
            && let Some(h) = rule.algorithm_header
        {
            headers.insert(h, HeaderValue::from_static(algorithm.name()));
        }
    };
    if let (Some(algorithm), true, None, Some(_)) =
        (algorithm, allowed.trailer, &source.0, allowed.length)
    {
        headers.insert(
            "x-amz-trailer",
            HeaderValue::from_static(algorithm.header()),
        );
        announce(headers, algorithm);
        return Ok(Placement::Trailer(algorithm));
    }
    let Some(value) = body_checksum(algorithm, source).await? else {
        // A one-shot stream cannot be read twice; S3 takes it without a checksum unless
        // the operation requires one.
        if rule.required {
            return Err(BuildError::new(
                "this operation needs an integrity checksum, which cannot be computed for a one-shot streamed body; supply one or send the body from memory or a file",
            ));
        }
        return Ok(Placement::Header);
    };
    let header = |v: &str| {
        HeaderValue::from_str(v)
            .map_err(|_| BuildError::new(format!("checksum `{v}` is not a valid header value")))
    };
    let Some(algorithm) = algorithm else {
        headers.insert(CONTENT_MD5, header(&value)?);
        return Ok(Placement::Header);
    };
    headers.insert(algorithm.header(), header(&value)?);
    announce(headers, algorithm);
    Ok(Placement::Header)
}

/// The checksum (`None` as algorithm: the MD5) of a body held in memory or in a file;
/// `None` for a one-shot stream.
async fn body_checksum(
    algorithm: Option<Algorithm>,
    (bytes, file): BodySource,
) -> Result<Option<String>, BuildError> {
    // Content-MD5 is the same digest as the flexible MD5 checksum.
    let mut hasher = algorithm.unwrap_or(Algorithm::Md5).hasher();
    if let Some(bytes) = bytes {
        hasher.update(&bytes);
        return Ok(Some(hasher.finish()));
    }
    let Some(file) = file else {
        return Ok(None);
    };
    file.read_each(|data| hasher.update(data))
        .await
        .map_err(|e| {
            BuildError::new(format!(
                "cannot read {} for its checksum: {e}",
                file.path.display()
            ))
        })?;
    Ok(Some(hasher.finish()))
}

/// The checksum S3 sent for a whole response body, in the order of preference given, or
/// `None` when there is nothing to check: a range, or a checksum of parts (`...-3`).
pub(crate) fn response_checksum(
    headers: &HeaderMap,
    algorithms: &[Algorithm],
    status: u16,
) -> Option<(Algorithm, String)> {
    if status == 206 || headers.contains_key(http::header::CONTENT_RANGE) {
        return None;
    }
    algorithms.iter().find_map(|&algorithm| {
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
        let sum = |a: Algorithm| a.checksum(data);
        assert_eq!(sum(Algorithm::Crc32), "DUoRhQ==");
        assert_eq!(sum(Algorithm::Crc32c), "yZRlqg==");
        assert_eq!(sum(Algorithm::Sha1), "Kq5sNclPz7QV2+lfQIuc6R7oRu0=");
        assert_eq!(
            sum(Algorithm::Sha256),
            "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="
        );
        assert_eq!(md5_base64(data), "XrY7u+Ae7tCTyyK7j1rNww==");
        assert_eq!(sum(Algorithm::Crc64nvme), "jSnVw/bqjr4=");
        // Python's hashlib and the xxhash package (canonical, big-endian digests).
        assert_eq!(
            sum(Algorithm::Sha512),
            "MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw=="
        );
        assert_eq!(sum(Algorithm::Md5), "XrY7u+Ae7tCTyyK7j1rNww==");
        assert_eq!(sum(Algorithm::Xxhash64), "RatnNLIeaWg=");
        assert_eq!(sum(Algorithm::Xxhash3), "1Eex6kDmmIs=");
        assert_eq!(sum(Algorithm::Xxhash128), "340J6T+HSQCpm4d1zBW2xw==");
        assert_eq!(Algorithm::from_name("crc32c"), Some(Algorithm::Crc32c));
    }

    #[test]
    fn crcs_of_pieces_combine_into_the_crc_of_the_whole() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for algorithm in [Algorithm::Crc32, Algorithm::Crc32c, Algorithm::Crc64nvme] {
            let crc_of = |piece: &[u8]| {
                let mut h = algorithm.hasher();
                h.update(piece);
                h.crc_value().unwrap()
            };
            let mut combined = Crc::empty(algorithm).unwrap();
            for piece in data.chunks(33_333) {
                combined = combined.then(crc_of(piece));
            }
            assert_eq!(combined.length, data.len() as u64);
            assert_eq!(combined.to_base64(), algorithm.checksum(&data));
        }
    }
}
