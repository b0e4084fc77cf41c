//! Why a transfer failed, and what became of its multipart upload.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::SdkError;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A failed transfer: what went wrong and, for multipart uploads, whether the upload was
/// aborted (so that its parts are not stored and billed).
#[derive(Debug)]
pub struct TransferError {
    kind: TransferErrorKind,
    cleanup: Option<Cleanup>,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferErrorKind {
    /// The request is invalid (a setting, a missing bucket or key); nothing was sent.
    #[error("{0}")]
    InvalidInput(String),
    /// An S3 request failed after the client's retries.
    #[error("{operation} failed: {source}")]
    Request {
        /// The operation, e.g. `UploadPart`.
        operation: &'static str,
        /// The HTTP status, when S3 answered.
        status: Option<u16>,
        /// S3's error code, when it sent one.
        code: Option<String>,
        /// The error.
        #[source]
        source: BoxError,
    },
    /// A local file could not be read or written.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The body of an upload failed, or a download's body broke off more often than the
    /// client retries.
    #[error("{0}")]
    Body(#[source] BoxError),
    /// The object changed while it was being read: it no longer has the ETag its first
    /// response had, so the parts would mix versions.
    #[error("the object changed during the transfer: it no longer has ETag {e_tag}")]
    ObjectChanged {
        /// The ETag the transfer started with.
        e_tag: String,
    },
    /// The downloaded bytes do not match the checksum S3 holds for the object.
    #[error(
        "the downloaded data does not match the object's {algorithm} checksum (S3 has {expected}, the data has {actual})"
    )]
    ChecksumMismatch {
        /// The algorithm, e.g. `CRC64NVME`.
        algorithm: &'static str,
        /// What S3 holds.
        expected: String,
        /// What the data has.
        actual: String,
    },
    /// The response was not what S3 sends (a missing ETag or upload id, a wrong length).
    #[error("{0}")]
    BadResponse(String),
    /// [`TransferHandle::cancel`](super::TransferHandle::cancel) was called.
    #[error("the transfer was cancelled")]
    Cancelled,
    /// The task running the transfer ended abnormally.
    #[error("the transfer task ended abnormally: {0}")]
    Task(String),
}

/// What became of the multipart upload of a failed transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cleanup {
    /// It was aborted: S3 has discarded its parts.
    Aborted {
        /// The upload id.
        upload_id: String,
    },
    /// Aborting it failed too: its parts are still stored until it is aborted (or a
    /// lifecycle rule does it).
    AbortFailed {
        /// The upload id.
        upload_id: String,
        /// Why the abort failed.
        error: String,
    },
    /// It was kept, as the settings asked, to be resumed.
    Kept {
        /// The upload id.
        upload_id: String,
    },
}

impl TransferError {
    pub(crate) fn new(kind: TransferErrorKind) -> Self {
        TransferError {
            kind,
            cleanup: None,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(TransferErrorKind::InvalidInput(message.into()))
    }

    pub(crate) fn file(path: &Path, source: std::io::Error) -> Self {
        Self::new(TransferErrorKind::File {
            path: path.to_path_buf(),
            source,
        })
    }

    pub(crate) fn bad_response(message: impl Into<String>) -> Self {
        Self::new(TransferErrorKind::BadResponse(message.into()))
    }

    pub(crate) fn cancelled() -> Self {
        Self::new(TransferErrorKind::Cancelled)
    }

    /// A failed request of `operation`.
    pub(crate) fn request<E>(operation: &'static str, error: SdkError<E>) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        let (status, code) = match error.meta() {
            Some(m) => (Some(m.status()), m.code().map(str::to_string)),
            None => (None, None),
        };
        Self::new(TransferErrorKind::Request {
            operation,
            status,
            code,
            source: Box::new(error),
        })
    }

    pub(crate) fn with_cleanup(mut self, cleanup: Cleanup) -> Self {
        self.cleanup = Some(cleanup);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &TransferErrorKind {
        &self.kind
    }

    /// What became of the multipart upload, for multipart uploads.
    pub fn cleanup(&self) -> Option<&Cleanup> {
        self.cleanup.as_ref()
    }

    /// The id of the multipart upload that failed, for multipart uploads.
    pub fn upload_id(&self) -> Option<&str> {
        match self.cleanup.as_ref()? {
            Cleanup::Aborted { upload_id }
            | Cleanup::AbortFailed { upload_id, .. }
            | Cleanup::Kept { upload_id } => Some(upload_id),
        }
    }

    /// Whether the transfer was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.kind, TransferErrorKind::Cancelled)
    }

    /// The HTTP status S3 answered with, when a request failed with one.
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            TransferErrorKind::Request { status, .. } => *status,
            _ => None,
        }
    }
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        match &self.cleanup {
            None => Ok(()),
            Some(Cleanup::Aborted { upload_id }) => {
                write!(f, "; multipart upload {upload_id} was aborted")
            }
            Some(Cleanup::AbortFailed { upload_id, error }) => write!(
                f,
                "; aborting multipart upload {upload_id} failed too ({error}), so its parts are still stored"
            ),
            Some(Cleanup::Kept { upload_id }) => write!(
                f,
                "; multipart upload {upload_id} was kept and can be resumed"
            ),
        }
    }
}

impl std::error::Error for TransferError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}
