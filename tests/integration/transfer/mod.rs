//! The transfer manager against real servers: sizes around every boundary on s3s-fs,
//! moto and Garage; faults injected in front of s3s-fs (a part that fails once or always,
//! a download that breaks off, cancellation, resume); an object that changes mid-download.

mod big;
mod copies;
mod dirs;
mod faults;
mod sizes;
mod stores;

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use s3_client::transfer::TransferConfig;

pub const MIB: u64 = 1024 * 1024;

/// Five-MiB parts (the smallest S3 takes) from five MiB on, so that multipart cases stay
/// small.
pub fn small_parts() -> TransferConfig {
    TransferConfig {
        part_size: 5 * MIB,
        multipart_threshold: 5 * MIB,
        concurrency: 4,
        ..TransferConfig::default()
    }
}

/// Deterministic bytes that differ from part to part.
pub fn data(size: u64, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A fresh directory for one test's files, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("s3-client-transfer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// A file of `size` bytes of [`data`].
    pub fn file(&self, name: &str, size: u64, seed: u64) -> (PathBuf, Vec<u8>) {
        let path = self.path(name);
        let bytes = data(size, seed);
        std::fs::write(&path, &bytes).unwrap();
        (path, bytes)
    }

    /// The names in the directory, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A writer into shared memory, to read back what a download wrote.
#[derive(Clone, Default)]
pub struct SharedBuf(pub Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }
}

impl tokio::io::AsyncWrite for SharedBuf {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The whole object, read with a plain GetObject.
pub async fn read_object(client: &s3_client::Client, bucket: &str, key: &str) -> Vec<u8> {
    client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("get_object {key}: {e}"))
        .body
        .collect()
        .await
        .unwrap()
        .to_vec()
}

/// The multipart uploads in progress in `bucket` (moto; s3s-fs does not list them).
pub async fn uploads_in_progress(client: &s3_client::Client, bucket: &str) -> usize {
    client
        .list_multipart_uploads()
        .bucket(bucket)
        .send()
        .await
        .unwrap()
        .uploads
        .unwrap_or_default()
        .len()
}
