//! What a transfer command will do, decided before anything is sent: the transfers
//! (each a job of the transfer manager, with the verb the AWS CLI prints for it), what
//! to delete afterwards (`mv` sources, `sync --delete` extras) and what was skipped.

use std::path::{Path, PathBuf};

use s3_client::transfer::{Job, TransferConfig};
use s3_client::types::{MetadataDirective, StorageClass};

use crate::Cli;
use crate::args::Options;
use crate::location::{show, url};

/// One transfer.
pub(crate) struct Op {
    pub(crate) verb: &'static str,
    pub(crate) source: String,
    pub(crate) destination: String,
    pub(crate) job: Job,
    /// Its size, when known before it runs.
    pub(crate) size: Option<u64>,
    /// What it reads from.
    pub(crate) origin: Target,
    /// Whether `origin` is removed once it has succeeded (a move).
    pub(crate) remove_origin: bool,
}

/// Something to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Local(PathBuf),
    Object { bucket: String, key: String },
}

impl Target {
    pub(crate) fn show(&self) -> String {
        match self {
            Target::Local(p) => show(p),
            Target::Object { bucket, key } => url(bucket, key),
        }
    }
}

/// Everything a command will do.
#[derive(Default)]
pub(crate) struct Plan {
    pub(crate) ops: Vec<Op>,
    pub(crate) deletions: Vec<Target>,
    /// `(what, why)`.
    pub(crate) skipped: Vec<(String, String)>,
}

/// The transfer settings the options ask for.
pub(crate) fn settings(o: &Options) -> TransferConfig {
    let defaults = TransferConfig::default();
    TransferConfig {
        part_size: o.part_size.unwrap_or(defaults.part_size),
        multipart_threshold: o.part_size.unwrap_or(defaults.multipart_threshold),
        concurrency: o.concurrency.unwrap_or(defaults.concurrency),
        ..defaults
    }
}

/// An upload of the file at `path` to `bucket`/`key`, with the options' object settings
/// and, unless told otherwise, a content type guessed from the file's name.
pub(crate) fn upload(
    cli: &Cli,
    o: &Options,
    path: &Path,
    bucket: &str,
    key: &str,
    size: u64,
) -> Op {
    let mut up = cli.client.upload_file(path).bucket(bucket).key(key);
    let guessed = (!o.no_guess_mime_type)
        .then(|| mime_guess::from_path(path).first_raw())
        .flatten();
    if let Some(t) = o.content_type.as_deref().or(guessed) {
        up = up.content_type(t);
    }
    if let Some(c) = &o.storage_class {
        up = up.storage_class(StorageClass::from(c.as_str()));
    }
    for (k, v) in &o.metadata {
        up = up.metadata(k, v);
    }
    Op {
        verb: "upload",
        source: show(path),
        destination: url(bucket, key),
        job: Job::Upload(up),
        size: Some(size),
        origin: Target::Local(path.to_path_buf()),
        remove_origin: false,
    }
}

/// A download of `bucket`/`key` to `path`; `listed` is what a listing said of it (size
/// and ETag), which spares small objects a HeadObject.
pub(crate) fn download(
    cli: &Cli,
    bucket: &str,
    key: &str,
    path: &Path,
    listed: Option<(u64, Option<String>)>,
) -> Op {
    let mut job = cli.client.download_file(path).bucket(bucket).key(key);
    let size = listed.as_ref().map(|l| l.0);
    if let Some((size, e_tag)) = listed {
        job = job.listed(size, e_tag);
    }
    Op {
        verb: "download",
        source: url(bucket, key),
        destination: show(path),
        job: Job::Download(job),
        size,
        origin: Target::Object {
            bucket: bucket.to_string(),
            key: key.to_string(),
        },
        remove_origin: false,
    }
}

/// A copy inside S3; new metadata or a content type replace the source's.
pub(crate) fn copy(
    cli: &Cli,
    o: &Options,
    from: (&str, &str),
    to: (&str, &str),
    size: Option<u64>,
) -> Op {
    let replace = o.content_type.is_some() || !o.metadata.is_empty();
    let (content_type, storage_class) = (o.content_type.clone(), o.storage_class.clone());
    let metadata: std::collections::HashMap<String, String> = o.metadata.iter().cloned().collect();
    let job = cli
        .client
        .copy()
        .source(from.0, from.1)
        .bucket(to.0)
        .key(to.1)
        .with_input(move |c| {
            if replace {
                c.metadata_directive = Some(MetadataDirective::Replace);
                c.content_type = content_type;
                c.metadata = Some(metadata);
            }
            c.storage_class = storage_class.map(|s| StorageClass::from(s.as_str()));
        });
    Op {
        verb: "copy",
        source: url(from.0, from.1),
        destination: url(to.0, to.1),
        job: Job::Copy(job),
        size,
        origin: Target::Object {
            bucket: from.0.to_string(),
            key: from.1.to_string(),
        },
        remove_origin: false,
    }
}

impl Op {
    /// The same transfer as a move: the origin goes once the copy is made.
    pub(crate) fn moving(mut self) -> Op {
        self.verb = "move";
        self.remove_origin = true;
        self
    }
}
