//! The checksums of one part, computed by the transfer itself so that they can be
//! combined into the whole object's, compared with what a resumed upload already holds,
//! and sent without the request path reading the part again.

use std::path::Path;

use md5::{Digest, Md5};

use super::MultipartChecksum;
use crate::body::FileSlice;
use crate::runtime::checksum::{ChecksumAlgorithm, Crc};

/// The checksums a part carries under `MultipartChecksum`.
#[derive(Debug, Clone, Default)]
pub(crate) struct PartDigest {
    /// The part's CRC, for the flexible checksums.
    pub(crate) crc: Option<Crc>,
    /// The part's MD5, for `Content-MD5` and for comparing with an ETag.
    pub(crate) md5: Option<[u8; 16]>,
}

impl PartDigest {
    /// `Content-MD5`'s value.
    pub(crate) fn content_md5(&self) -> Option<String> {
        self.md5.map(|m| crate::runtime::base64(&m))
    }

    /// The MD5 as S3 writes it in a part's ETag.
    pub(crate) fn md5_hex(&self) -> Option<String> {
        self.md5.map(|m| hex(&m))
    }
}

/// Lower-case hex, as S3 writes MD5s in ETags.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The CRC a multipart checksum uses on each part.
pub(crate) fn crc_algorithm(checksum: MultipartChecksum) -> Option<ChecksumAlgorithm> {
    match checksum {
        MultipartChecksum::FullObjectCrc64nvme => Some(ChecksumAlgorithm::Crc64nvme),
        MultipartChecksum::CompositeCrc32 => Some(ChecksumAlgorithm::Crc32),
        MultipartChecksum::ContentMd5 | MultipartChecksum::Off => None,
    }
}

/// What to compute over a part.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want {
    pub(crate) crc: Option<ChecksumAlgorithm>,
    pub(crate) md5: bool,
}

impl Want {
    pub(crate) fn for_checksum(checksum: MultipartChecksum) -> Want {
        Want {
            crc: crc_algorithm(checksum),
            md5: checksum == MultipartChecksum::ContentMd5,
        }
    }

    fn is_nothing(&self) -> bool {
        self.crc.is_none() && !self.md5
    }
}

/// Running checksums over a part's bytes.
struct Running {
    crc: Option<crate::runtime::checksum::Hasher>,
    md5: Option<Md5>,
}

impl Running {
    fn new(want: Want) -> Running {
        Running {
            crc: want.crc.map(ChecksumAlgorithm::hasher),
            md5: want.md5.then(Md5::new),
        }
    }

    fn update(&mut self, data: &[u8]) {
        if let Some(h) = &mut self.crc {
            h.update(data);
        }
        if let Some(h) = &mut self.md5 {
            h.update(data);
        }
    }

    fn finish(self) -> PartDigest {
        PartDigest {
            crc: self.crc.and_then(|h| h.crc_value()),
            md5: self.md5.map(|h| h.finalize().into()),
        }
    }
}

/// The checksums of a part computed as it is sent (a tap on its body), so that a file
/// part is read once: started again when a retry sends the part again.
pub(crate) struct Streaming {
    want: Want,
    state: std::sync::Mutex<(Running, u64)>,
}

impl Streaming {
    pub(crate) fn new(want: Want) -> Streaming {
        Streaming {
            want,
            state: std::sync::Mutex::new((Running::new(want), 0)),
        }
    }

    /// The checksums of the attempt that was sent, when it sent exactly `length` bytes.
    pub(crate) fn finish(&self, length: u64) -> Option<PartDigest> {
        let mut state = self.state.lock().ok()?;
        let (running, seen) = std::mem::replace(&mut *state, (Running::new(self.want), 0));
        (seen == length).then(|| running.finish())
    }
}

impl crate::body::Tap for Streaming {
    fn chunk(&self, data: &[u8]) {
        if let Ok(mut state) = self.state.lock() {
            state.0.update(data);
            state.1 += data.len() as u64;
        }
    }

    fn restart(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = (Running::new(self.want), 0);
        }
    }
}

/// The checksums of bytes in memory.
pub(crate) fn of_bytes(want: Want, data: &[u8]) -> PartDigest {
    let mut running = Running::new(want);
    running.update(data);
    running.finish()
}

/// The checksums of `length` bytes of the file at `path` from `offset`.
pub(crate) async fn of_file(
    want: Want,
    path: &Path,
    offset: u64,
    length: u64,
) -> std::io::Result<PartDigest> {
    if want.is_nothing() {
        return Ok(PartDigest::default());
    }
    let mut running = Running::new(want);
    let slice = FileSlice {
        path: path.to_path_buf(),
        offset,
        length,
    };
    slice.read_each(|data| running.update(data)).await?;
    Ok(running.finish())
}

/// The CRC of consecutive pieces, when every piece has one.
pub(crate) fn combine(
    algorithm: Option<ChecksumAlgorithm>,
    crcs: impl IntoIterator<Item = Option<Crc>>,
) -> Option<Crc> {
    crcs.into_iter()
        .try_fold(Crc::empty(algorithm?)?, |acc, crc| Some(acc.then(crc?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::Tap;

    #[test]
    fn a_streamed_digest_is_the_last_attempts_and_needs_every_byte() {
        let want = Want::for_checksum(MultipartChecksum::FullObjectCrc64nvme);
        let whole = of_bytes(want, b"hello, world");
        let streaming = Streaming::new(want);
        // A first attempt that broke off, then the retry from the start.
        streaming.chunk(b"hello");
        streaming.restart();
        streaming.chunk(b"hello, ");
        streaming.chunk(b"world");
        let streamed = streaming.finish(12).expect("12 bytes were sent");
        assert_eq!(
            streamed.crc.map(Crc::to_base64),
            whole.crc.map(Crc::to_base64)
        );
        assert!(streamed.crc.is_some());

        streaming.chunk(b"hello");
        assert!(streaming.finish(12).is_none(), "a short part has no digest");
    }
}
