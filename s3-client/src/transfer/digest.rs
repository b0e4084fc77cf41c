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
