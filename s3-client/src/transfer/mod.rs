//! The transfer manager: files and streams of any size up and down, server-side copies,
//! and whole directories, with multipart in parallel, progress, cancellation and
//! checksums checked end to end.
//!
//! ```no_run
//! # async fn demo(client: s3_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let upload = client.upload_file("backup.tar").bucket("b").key("backup.tar").start();
//! println!("{} of {:?} bytes sent", upload.progress().bytes, upload.progress().total_bytes);
//! let sent = upload.await?;
//! client.download_file("copy.tar").bucket("b").key(&sent.key).send().await?;
//! # Ok(()) }
//! ```
//!
//! Every transfer returns a [`TransferHandle`] as soon as it starts: it reports progress,
//! can be cancelled, and is a future of the outcome. Memory stays under `concurrency x
//! part_size` for streams and downloads into a writer; uploads and downloads of files
//! read and write parts at their offsets and hold only a few chunks per part.

mod batch;
mod cancel;
mod copy;
mod digest;
mod download;
mod error;
mod etag;
mod multipart;
mod plan;
mod pool;
mod progress;
mod upload;

use std::path::Path;
use std::sync::Arc;

use tokio::sync::Semaphore;

use cancel::Cancel;

pub use crate::store::MultipartChecksum;
pub use batch::{
    Batch, BatchOutput, DownloadDir, Job, JobOutcome, JobReport, JobStart, LocalFile, UploadDir,
    local_files, local_path,
};
pub use copy::{Copy, CopyOutput};
pub use download::{Download, DownloadFile, DownloadOutput};
pub use error::{Cleanup, TransferError, TransferErrorKind};
pub use etag::file_matches_e_tag;
pub use plan::{MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE};
pub use progress::{Progress, TransferHandle};
pub use upload::{ObjectChecksum, Upload, UploadFile, UploadOutput};

use crate::Client;
use crate::config::RequestChecksumCalculation;
use progress::Tracker;

/// How transfers split and schedule their work. The defaults are the AWS CLI's: 8 MiB
/// parts above an 8 MiB threshold, and parts scaled up so that no object needs more than
/// [`MAX_PARTS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferConfig {
    /// Objects at least this large go up in parts (default 8 MiB).
    pub multipart_threshold: u64,
    /// Bytes per part, from [`MIN_PART_SIZE`] to [`MAX_PART_SIZE`] (default 8 MiB).
    pub part_size: u64,
    /// Requests in flight at once, for parts and, in directory transfers, objects
    /// (default 8).
    pub concurrency: usize,
    /// The checksums of multipart uploads; `None` (the default) follows the client's
    /// configuration and store profile.
    pub checksum: Option<MultipartChecksum>,
    /// Copies of objects at least this large use `UploadPartCopy` (default 5 GiB, the
    /// most `CopyObject` takes).
    pub copy_threshold: u64,
    /// Bytes per part of a multipart copy (default 128 MiB).
    pub copy_part_size: u64,
    /// Whether a failed or cancelled multipart upload is aborted (the default). When
    /// not, the error names the upload id, for [`UploadFile::resume`].
    pub abort_on_failure: bool,
}

impl Default for TransferConfig {
    fn default() -> Self {
        TransferConfig {
            multipart_threshold: 8 * MIB,
            part_size: 8 * MIB,
            concurrency: 8,
            checksum: None,
            copy_threshold: 5 * 1024 * MIB,
            copy_part_size: 128 * MIB,
            abort_on_failure: true,
        }
    }
}

const MIB: u64 = 1024 * 1024;

impl TransferConfig {
    /// Refuses settings S3 would refuse, naming the setting, before anything is sent.
    fn validate(&self) -> Result<(), TransferError> {
        let range = MIN_PART_SIZE..=MAX_PART_SIZE;
        for (name, size) in [
            ("part_size", self.part_size),
            ("copy_part_size", self.copy_part_size),
        ] {
            if !range.contains(&size) {
                return Err(TransferError::invalid(format!(
                    "{name} {size} is outside what S3 accepts ({MIN_PART_SIZE} to {MAX_PART_SIZE} bytes)"
                )));
            }
        }
        if self.concurrency == 0 {
            return Err(TransferError::invalid("concurrency must be at least 1"));
        }
        Ok(())
    }

    /// The multipart checksums for `client`: the setting, else the store profile's,
    /// unless the configuration asks for checksums only where required.
    fn checksum_for(&self, client: &Client) -> MultipartChecksum {
        if let Some(c) = self.checksum {
            return c;
        }
        let config = client.config();
        match config.request_checksum_calculation() {
            RequestChecksumCalculation::WhenSupported => config
                .store()
                .map_or(MultipartChecksum::FullObjectCrc64nvme, |s| {
                    s.multipart_checksum
                }),
            RequestChecksumCalculation::WhenRequired => MultipartChecksum::Off,
            RequestChecksumCalculation::ContentMd5 => MultipartChecksum::ContentMd5,
        }
    }
}

/// What every task of one transfer shares: the client, the settings, the request
/// permits, the cancellation signal and the progress counters.
#[derive(Clone)]
pub(crate) struct Ctx {
    client: Client,
    config: Arc<TransferConfig>,
    permits: Arc<Semaphore>,
    cancel: Cancel,
    tracker: Arc<Tracker>,
}

impl Ctx {
    fn new(client: Client, config: TransferConfig) -> Ctx {
        let permits = Arc::new(Semaphore::new(config.concurrency.max(1)));
        Ctx {
            client,
            config: Arc::new(config),
            permits,
            cancel: Cancel::new(),
            tracker: Tracker::root(),
        }
    }

    /// `work`, unless the transfer is cancelled first.
    async fn cancellable<F: std::future::Future>(
        &self,
        work: F,
    ) -> Result<F::Output, TransferError> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(TransferError::cancelled()),
            out = work => Ok(out),
        }
    }

    /// The same transfer, counting into a progress of its own that adds up into this one's
    /// (one object of a batch).
    fn child(&self) -> Ctx {
        Ctx {
            tracker: self.tracker.child(),
            ..self.clone()
        }
    }
}

/// Setters for the [`TransferConfig`] of a transfer builder.
macro_rules! transfer_settings {
    ($builder:ident<$w:ident>, plain) => {
        transfer_settings!(@impl impl<$w> $builder<$w>);
    };
    ($builder:ident) => {
        transfer_settings!(@impl impl<Mode> $builder<Mode>);
    };
    (@impl $($head:tt)*) => {
        $($head)* {
            /// All the transfer settings at once.
            pub fn transfer_config(mut self, config: $crate::transfer::TransferConfig) -> Self {
                self.settings = config;
                self
            }
            /// Bytes per part (see [`TransferConfig::part_size`](crate::transfer::TransferConfig::part_size)).
            pub fn part_size(mut self, bytes: u64) -> Self {
                self.settings.part_size = bytes;
                self
            }
            /// Requests in flight at once (see [`TransferConfig::concurrency`](crate::transfer::TransferConfig::concurrency)).
            pub fn concurrency(mut self, requests: usize) -> Self {
                self.settings.concurrency = requests;
                self
            }
        }
    };
}

/// The settings only uploads have.
macro_rules! upload_settings {
    ($builder:ident) => {
        impl<Mode> $builder<Mode> {
            /// The size from which uploads go in parts (see [`TransferConfig::multipart_threshold`](crate::transfer::TransferConfig::multipart_threshold)).
            pub fn multipart_threshold(mut self, bytes: u64) -> Self {
                self.settings.multipart_threshold = bytes;
                self
            }
            /// The checksums of multipart uploads (see [`TransferConfig::checksum`](crate::transfer::TransferConfig::checksum)).
            pub fn checksum(mut self, checksum: $crate::transfer::MultipartChecksum) -> Self {
                self.settings.checksum = Some(checksum);
                self
            }
        }
    };
}
pub(crate) use upload_settings;

pub(crate) use transfer_settings;

/// `with_mode` of a transfer builder, and its blocking mode (the `blocking` feature):
/// `send()` runs the transfer on the blocking client's runtime until its outcome.
macro_rules! blocking_send {
    ($builder:ident { $($field:ident),* } -> $output:ty) => {
        impl<Mode> $builder<Mode> {
            /// The same transfer in another mode.
            #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
            pub(crate) fn with_mode<M>(self, mode: M) -> $builder<M> {
                $builder { $($field: self.$field,)* mode }
            }
        }

        #[cfg(feature = "blocking")]
        impl $builder<$crate::blocking::Blocking> {
            /// Runs the transfer and blocks until its outcome.
            pub fn send(self) -> Result<$output, $crate::transfer::TransferError> {
                let mode = self.mode.clone();
                mode.run(self.with_mode($crate::fluent::Sends).send())
            }
        }
    };
}
pub(crate) use blocking_send;

/// `start()` in blocking mode (the `blocking` feature), for the builders with an async
/// `start()`: the transfer runs on the blocking client's runtime while the caller goes on.
macro_rules! blocking_start {
    ($builder:ident -> $output:ty) => {
        #[cfg(feature = "blocking")]
        impl $builder<$crate::blocking::Blocking> {
            /// Starts the transfer on the client's runtime and returns at once, with a
            /// handle for its progress, to cancel it, or to wait for its outcome.
            pub fn start(
                self,
            ) -> Result<$crate::blocking::TransferHandle<$output>, $crate::transfer::TransferError>
            {
                let mode = self.mode.clone();
                let sends = self.with_mode($crate::fluent::Sends);
                mode.start(move || sends.start())
            }
        }
    };
}
pub(crate) use blocking_start;

impl Client {
    /// Uploads the file at `path`: one `PutObject` below the multipart threshold, parts
    /// read at their offsets and sent in parallel above it.
    pub fn upload_file(&self, path: impl AsRef<Path>) -> UploadFile {
        UploadFile::new(self.clone(), path.as_ref())
    }

    /// Uploads a body of any length, including unknown (stdin, a generator): parts are
    /// filled in memory, at most `concurrency` at a time.
    pub fn upload(&self, body: crate::primitives::ByteStream) -> Upload {
        Upload::new(self.clone(), body)
    }

    /// Downloads an object to the file at `path`, in parallel ranges written at their
    /// offsets into a temporary file that is renamed into place once complete.
    pub fn download_file(&self, path: impl AsRef<Path>) -> DownloadFile {
        DownloadFile::new(self.clone(), path.as_ref())
    }

    /// Downloads an object into `writer`, in parallel ranges written in order.
    pub fn download<W>(&self, writer: W) -> Download<W>
    where
        W: tokio::io::AsyncWrite + Send + Unpin + 'static,
    {
        Download::new(self.clone(), writer)
    }

    /// Copies an object inside S3: `CopyObject`, or `UploadPartCopy` in parallel for
    /// objects above the copy threshold.
    pub fn copy(&self) -> Copy {
        Copy::new(self.clone())
    }

    /// Uploads every file under `dir`, objects in parallel as well as parts.
    pub fn upload_dir(&self, dir: impl AsRef<Path>) -> UploadDir {
        UploadDir::new(self.clone(), dir.as_ref())
    }

    /// Downloads every object under a prefix into `dir`.
    pub fn download_dir(&self, dir: impl AsRef<Path>) -> DownloadDir {
        DownloadDir::new(self.clone(), dir.as_ref())
    }

    /// Runs many transfers together, sharing the request permits, and reports each
    /// one's outcome without stopping at the first failure.
    pub fn transfer_batch(&self, jobs: impl IntoIterator<Item = Job>) -> Batch {
        Batch::new(self.clone(), jobs.into_iter().collect())
    }
}
