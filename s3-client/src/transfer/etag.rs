//! Whether a local file holds what an object's ETag names, without sending it: what
//! `sync` compares when the sizes are equal.

use std::path::Path;

use md5::{Digest, Md5};

use super::digest::hex;
use super::plan::Plan;
use crate::body::FileSlice;

/// Whether the file at `path` has the content the ETag `e_tag` names: the MD5 of an
/// object uploaded whole, or the MD5 of the parts' MD5s followed by `-<parts>` of one
/// uploaded in parts of `part_size` (scaled as the transfer manager scales them).
/// `None` when the ETag cannot tell: parts of another size, or an ETag that is not an
/// MD5 (SSE-KMS, some stores).
pub async fn file_matches_e_tag(
    path: &Path,
    e_tag: &str,
    part_size: u64,
) -> std::io::Result<Option<bool>> {
    let tag = e_tag.trim_matches('"').to_ascii_lowercase();
    let size = tokio::fs::metadata(path).await?.len();
    let (hash, parts) = match tag.split_once('-') {
        None => (tag.as_str(), None),
        Some((hash, n)) => match n.parse::<u64>() {
            Ok(n) => (hash, Some(n)),
            Err(_) => return Ok(None),
        },
    };
    if hash.len() != 32 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let slice = |offset, length| FileSlice {
        path: path.to_path_buf(),
        offset,
        length,
    };
    let digest = match parts {
        None => md5_of(&slice(0, size)).await?.to_vec(),
        Some(n) => {
            let Ok(plan) = Plan::new(size, part_size) else {
                return Ok(None);
            };
            if plan.count != n {
                return Ok(None);
            }
            let mut of_parts = Md5::new();
            for (_, offset, length) in plan.parts() {
                of_parts.update(md5_of(&slice(offset, length)).await?);
            }
            of_parts.finalize().to_vec()
        }
    };
    Ok(Some(hex(&digest) == hash))
}

async fn md5_of(slice: &FileSlice) -> std::io::Result<[u8; 16]> {
    let mut md5 = Md5::new();
    slice.read_each(|data| md5.update(data)).await?;
    Ok(md5.finalize().into())
}
