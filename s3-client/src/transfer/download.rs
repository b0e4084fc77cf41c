//! Downloads: an object into a file (ranges in parallel, written at their offsets into a
//! temporary file renamed into place) or into any writer (ranges in parallel, written in
//! order), every range pinned to the first response's ETag, and the whole object's CRC
//! checked when S3 holds one.

use std::path::{Path, PathBuf};

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::digest::combine;
use super::upload::{ObjectChecksum, checksum_of, s3_url, target};
use super::{Ctx, TransferConfig, TransferError, TransferErrorKind, TransferHandle};
use super::{blocking_send, blocking_start, plan::Plan, pool::Pool, transfer_settings};
use crate::Client;
use crate::config::ResponseChecksumValidation;
use crate::error::ChecksumMismatch;
use crate::fluent::Sends;
use crate::operation::get_object::{GetObjectError, GetObjectInput};
use crate::operation::head_object::HeadObjectInput;
use crate::runtime::checksum::{ChecksumAlgorithm as Algorithm, Crc, Hasher};
use crate::types::{ChecksumAlgorithm, ChecksumMode, ChecksumType};

/// What a download fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadOutput {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
    /// Bytes downloaded.
    pub size: u64,
    /// The ETag every range was pinned to.
    pub e_tag: Option<String>,
    /// The version, in a versioned bucket.
    pub version_id: Option<String>,
    /// The checksum S3 holds for the object, when it sent one.
    pub checksum: Option<ObjectChecksum>,
    /// Whether the data was checked against that checksum (composite checksums and
    /// SHA checksums of multipart downloads cannot be).
    pub checksum_verified: bool,
    /// Ranged requests made (1 for an object that fits one part).
    pub parts: u64,
}

/// Downloads into a file; made by [`Client::download_file`].
#[derive(Debug)]
pub struct DownloadFile<Mode = Sends> {
    client: Client,
    path: PathBuf,
    get: GetObjectInput,
    settings: TransferConfig,
    known: Option<Known>,
    // Read by the blocking mode.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    mode: Mode,
}

/// Downloads into a writer; made by [`Client::download`].
pub struct Download<W> {
    client: Client,
    writer: W,
    get: GetObjectInput,
    settings: TransferConfig,
}

/// What a listing already says of an object.
#[derive(Debug, Clone)]
pub(crate) struct Known {
    pub(crate) size: u64,
    pub(crate) e_tag: Option<String>,
}

macro_rules! object_source {
    ($builder:ident<$w:ident>, plain) => {
        object_source!(@impl impl<$w> $builder<$w>);
    };
    ($builder:ident) => {
        object_source!(@impl impl<Mode> $builder<Mode>);
    };
    (@impl $($head:tt)*) => {
        $($head)* {
            /// The bucket to download from.
            pub fn bucket(mut self, bucket: impl Into<String>) -> Self {
                self.get.bucket = Some(bucket.into());
                self
            }
            /// The key to download.
            pub fn key(mut self, key: impl Into<String>) -> Self {
                self.get.key = Some(key.into());
                self
            }
            /// A version other than the current one.
            pub fn version_id(mut self, version: impl Into<String>) -> Self {
                self.get.version_id = Some(version.into());
                self
            }
            /// Any other `GetObject` setting (SSE-C key, requester pays, conditions):
            /// every request of the download carries it. The range is the transfer's own.
            pub fn with_input(mut self, f: impl FnOnce(&mut GetObjectInput)) -> Self {
                f(&mut self.get);
                self
            }
        }
    };
}
object_source!(DownloadFile);
object_source!(Download<W>, plain);
transfer_settings!(DownloadFile);
blocking_send!(DownloadFile { client, path, get, settings, known } -> DownloadOutput);
blocking_start!(DownloadFile -> DownloadOutput);
transfer_settings!(Download<W>, plain);

impl<W> std::fmt::Debug for Download<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("get", &self.get)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl DownloadFile {
    pub(crate) fn new(client: Client, path: &Path) -> Self {
        DownloadFile {
            client,
            path: path.to_path_buf(),
            get: GetObjectInput::default(),
            settings: TransferConfig::default(),
            mode: Sends,
            known: None,
        }
    }

    /// The size (and ETag, when it has one) a listing gave for the object: an object
    /// that fits one part is then fetched with one GetObject and no HeadObject first,
    /// as the AWS CLI does in recursive downloads. The size and ETag that count are the
    /// GetObject answer's.
    pub fn listed(mut self, size: u64, e_tag: Option<String>) -> Self {
        self.known = Some(Known { size, e_tag });
        self
    }

    /// Starts the download.
    pub fn start(self) -> TransferHandle<DownloadOutput> {
        let ctx = Ctx::new(self.client.clone(), self.settings.clone());
        let work = self.run_in(ctx.clone());
        TransferHandle::spawn(&ctx, work)
    }

    /// Downloads and waits for the outcome.
    pub async fn send(self) -> Result<DownloadOutput, TransferError> {
        self.start().await
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn object_url(&self) -> String {
        s3_url(&self.get.bucket, &self.get.key)
    }

    /// The download as one object of a batch.
    pub(crate) async fn run_in(self, ctx: Ctx) -> Result<DownloadOutput, TransferError> {
        download_file(ctx, self.path, self.get, self.known).await
    }
}

impl<W: AsyncWrite + Send + Unpin + 'static> Download<W> {
    pub(crate) fn new(client: Client, writer: W) -> Self {
        Download {
            client,
            writer,
            get: GetObjectInput::default(),
            settings: TransferConfig::default(),
        }
    }

    /// Starts the download.
    pub fn start(self) -> TransferHandle<DownloadOutput> {
        let ctx = Ctx::new(self.client, self.settings);
        let work = download_to_writer(ctx.clone(), self.writer, self.get);
        TransferHandle::spawn(&ctx, work)
    }

    /// Downloads and waits for the outcome.
    pub async fn send(self) -> Result<DownloadOutput, TransferError> {
        self.start().await
    }
}

/// The object being downloaded: what every request repeats, and what the first answer
/// said of it.
struct Object {
    get: GetObjectInput,
    bucket: String,
    key: String,
    size: u64,
    /// What every range is pinned to with `If-Match` (unknown only for an object listed
    /// without one, until its GetObject answers).
    e_tag: Option<String>,
    version_id: Option<String>,
    checksum: Option<ObjectChecksum>,
}

impl Object {
    /// The object's size, ETag and checksum: from a listing when it fits one part, else
    /// from HeadObject.
    async fn find(
        ctx: &Ctx,
        mut get: GetObjectInput,
        known: Option<Known>,
    ) -> Result<Object, TransferError> {
        let (bucket, key) = target(&get.bucket, &get.key)?;
        ctx.config.validate()?;
        get.range = None;
        get.part_number = None;
        if ctx.client.config().response_checksum_validation()
            == ResponseChecksumValidation::WhenSupported
        {
            get.checksum_mode.get_or_insert(ChecksumMode::Enabled);
        }
        if let Some(known) = known.filter(|k| k.size <= ctx.config.part_size) {
            return Ok(Object {
                get,
                bucket,
                key,
                size: known.size,
                e_tag: known.e_tag,
                version_id: None,
                checksum: None,
            });
        }
        let out = ctx
            .cancellable(ctx.client.head_object().set_input(head_input(&get)).send())
            .await?
            .map_err(|e| TransferError::request("HeadObject", e))?;
        let size = out
            .content_length
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| TransferError::bad_response("HeadObject returned no Content-Length"))?;
        let e_tag = out
            .e_tag
            .clone()
            .ok_or_else(|| TransferError::bad_response("HeadObject returned no ETag"))?;
        Ok(Object {
            get,
            bucket,
            key,
            size,
            e_tag: Some(e_tag),
            version_id: out.version_id.clone(),
            checksum: checksum_of!(out),
        })
    }

    /// The whole object in one GetObject, learning its size, ETag and checksum from the
    /// answer; a body that breaks off is resumed with ranges pinned to that ETag.
    async fn fetch_whole(
        &mut self,
        ctx: &Ctx,
        sink: &mut Sink,
    ) -> Result<Option<Crc>, TransferError> {
        let out = self.get_pinned(ctx, None).await?;
        self.size = out
            .content_length
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| TransferError::bad_response("GetObject returned no Content-Length"))?;
        ctx.tracker.set_total_bytes(self.size);
        if out.e_tag.is_some() {
            self.e_tag = out.e_tag.clone();
        }
        self.version_id = out.version_id.clone();
        self.checksum = self.checksum.take().or_else(|| checksum_of!(out));
        let crc = self.crc_to_check();
        let mut hasher = crc.map(Algorithm::hasher);
        let mut got = 0;
        let mut body = out.body.metered(ctx.tracker.meter());
        let broke = drain(&mut body, sink, &mut hasher, &mut got, self.size).await?;
        let first = hasher.and_then(|h| h.crc_value());
        let Some(why) = broke else {
            return Ok(first);
        };
        tracing::debug!(%why, "download body broke off; resuming the rest");
        let rest = self.fetch(ctx, got, self.size - got, sink, crc, 1).await?;
        Ok(combine(crc, [first, rest]))
    }

    /// The CRC algorithm to check the whole object with: a full-object CRC S3 holds.
    fn crc_to_check(&self) -> Option<Algorithm> {
        let c = self.checksum.as_ref()?;
        let full = match &c.checksum_type {
            Some(ChecksumType::FullObject) => true,
            Some(_) => false,
            None => !c.value.contains('-'),
        };
        if !full {
            return None;
        }
        match c.algorithm {
            ChecksumAlgorithm::Crc32 => Some(Algorithm::Crc32),
            ChecksumAlgorithm::Crc32c => Some(Algorithm::Crc32c),
            ChecksumAlgorithm::Crc64nvme => Some(Algorithm::Crc64nvme),
            _ => None,
        }
    }

    /// Bytes `offset..offset + length` into `sink`, resuming after a body that breaks
    /// off (up to the client's attempt count, `breaks` of them spent already); the CRC
    /// of those bytes when asked for.
    async fn fetch(
        &self,
        ctx: &Ctx,
        offset: u64,
        length: u64,
        sink: &mut Sink,
        crc: Option<Algorithm>,
        mut breaks: u32,
    ) -> Result<Option<Crc>, TransferError> {
        let mut hasher = crc.map(Algorithm::hasher);
        let mut got = 0u64;
        let max_breaks = ctx.client.config().retry_config().max_attempts();
        while got < length {
            let range = format!("bytes={}-{}", offset + got, offset + length - 1);
            let out = self.get_pinned(ctx, Some(range)).await?;
            let mut body = out.body.metered(ctx.tracker.meter());
            let Some(why) = drain(&mut body, sink, &mut hasher, &mut got, length).await? else {
                continue;
            };
            breaks += 1;
            if breaks >= max_breaks {
                return Err(TransferError::new(TransferErrorKind::Body(
                    format!(
                        "reading bytes {offset}-{} of s3://{}/{} broke off {breaks} times; last: {why}",
                        offset + length - 1,
                        self.bucket,
                        self.key
                    )
                    .into(),
                )));
            }
            tracing::debug!(breaks, %why, "download body broke off; resuming the range");
        }
        Ok(hasher.and_then(|h| h.crc_value()))
    }

    /// GetObject of `range` (or the whole object), pinned with `If-Match` to the ETag
    /// known so far.
    async fn get_pinned(
        &self,
        ctx: &Ctx,
        range: Option<String>,
    ) -> Result<crate::operation::get_object::GetObjectOutput, TransferError> {
        let mut get = self.get.clone();
        get.if_match = self.e_tag.clone();
        get.range = range;
        ctx.client
            .get_object()
            .set_input(get)
            .send()
            .await
            .map_err(|e| self.get_error(e))
    }

    fn get_error(&self, e: crate::error::SdkError<GetObjectError>) -> TransferError {
        if let Some(e_tag) = self
            .e_tag
            .clone()
            .filter(|_| e.meta().is_some_and(|m| m.status() == 412))
        {
            return TransferError::new(TransferErrorKind::ObjectChanged { e_tag });
        }
        TransferError::request("GetObject", e)
    }

    /// Compares the CRC of everything with the one S3 holds.
    fn check(&self, whole: Option<Crc>) -> Result<bool, TransferError> {
        let (Some(whole), Some(expected)) = (whole, &self.checksum) else {
            return Ok(false);
        };
        let actual = whole.to_base64();
        if actual != expected.value {
            return Err(TransferError::new(TransferErrorKind::ChecksumMismatch {
                algorithm: whole.algorithm.name(),
                expected: expected.value.clone(),
                actual,
            }));
        }
        Ok(true)
    }

    fn output(&self, verified: bool, parts: u64) -> DownloadOutput {
        DownloadOutput {
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            size: self.size,
            e_tag: self.e_tag.clone(),
            version_id: self.version_id.clone(),
            checksum: self.checksum.clone(),
            checksum_verified: verified,
            parts,
        }
    }
}

/// Where a range's bytes go: a file positioned at the range's offset, or memory.
enum Sink {
    File(tokio::fs::File, PathBuf),
    Memory(BytesMut),
}

impl Sink {
    async fn flush(&mut self) -> Result<(), TransferError> {
        match self {
            Sink::File(f, path) => f.flush().await.map_err(|e| TransferError::file(path, e)),
            Sink::Memory(_) => Ok(()),
        }
    }

    /// What a memory sink holds (nothing, for a file).
    fn into_bytes(self) -> Bytes {
        match self {
            Sink::Memory(buf) => buf.freeze(),
            Sink::File(..) => Bytes::new(),
        }
    }

    async fn put(&mut self, chunk: Bytes) -> Result<(), TransferError> {
        match self {
            Sink::File(f, path) => f
                .write_all(&chunk)
                .await
                .map_err(|e| TransferError::file(path, e)),
            Sink::Memory(buf) => {
                buf.extend_from_slice(&chunk);
                Ok(())
            }
        }
    }
}

/// Reads `body` into `sink` (counting into `got`, hashing into `hasher`) until it ends;
/// why it broke off before `length` bytes, if it did. A checksum mismatch found by the
/// request path is an error of its own, not a break to resume.
async fn drain(
    body: &mut crate::primitives::ByteStream,
    sink: &mut Sink,
    hasher: &mut Option<Hasher>,
    got: &mut u64,
    length: u64,
) -> Result<Option<String>, TransferError> {
    loop {
        match body.next().await {
            Some(Ok(chunk)) => {
                if *got + chunk.len() as u64 > length {
                    return Err(TransferError::bad_response(format!(
                        "GetObject sent more than the {length} bytes asked for"
                    )));
                }
                if let Some(h) = hasher {
                    h.update(&chunk);
                }
                *got += chunk.len() as u64;
                sink.put(chunk).await?;
            }
            Some(Err(e)) => {
                if let Some(m) = e.inner().downcast_ref::<ChecksumMismatch>() {
                    return Err(TransferError::new(TransferErrorKind::ChecksumMismatch {
                        algorithm: m.header.trim_start_matches("x-amz-checksum-"),
                        expected: m.expected.clone(),
                        actual: m.actual.clone(),
                    }));
                }
                return Ok(Some(e.to_string()));
            }
            None if *got < length => {
                return Ok(Some(format!(
                    "the body ended after {got} of {length} bytes"
                )));
            }
            None => return Ok(None),
        }
    }
}

/// HeadObject's input for the object a GetObject input names.
fn head_input(get: &GetObjectInput) -> HeadObjectInput {
    HeadObjectInput {
        bucket: get.bucket.clone(),
        if_match: get.if_match.clone(),
        if_modified_since: get.if_modified_since,
        if_none_match: get.if_none_match.clone(),
        if_unmodified_since: get.if_unmodified_since,
        key: get.key.clone(),
        version_id: get.version_id.clone(),
        sse_customer_algorithm: get.sse_customer_algorithm.clone(),
        sse_customer_key: get.sse_customer_key.clone(),
        sse_customer_key_md5: get.sse_customer_key_md5.clone(),
        request_payer: get.request_payer.clone(),
        expected_bucket_owner: get.expected_bucket_owner.clone(),
        checksum_mode: get.checksum_mode.clone(),
        ..Default::default()
    }
}

/// A temporary file beside `path`, removed unless it is renamed into place.
struct Partial {
    temp: PathBuf,
    kept: bool,
}

impl Partial {
    /// A temporary file, sized to `size` when the parts are to be written at their
    /// offsets.
    async fn create(path: &Path, size: Option<u64>) -> Result<Partial, TransferError> {
        let name = path
            .file_name()
            .ok_or_else(|| {
                TransferError::invalid(format!("{} does not name a file", path.display()))
            })?
            .to_string_lossy();
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| TransferError::file(dir, e))?;
        }
        let unique = (crate::random::unit() * (1u64 << 52) as f64) as u64;
        let temp = path.with_file_name(format!(".{name}.{unique:013x}.part"));
        let file = tokio::fs::File::create(&temp)
            .await
            .map_err(|e| TransferError::file(&temp, e))?;
        let partial = Partial { temp, kept: false };
        if let Some(size) = size {
            file.set_len(size)
                .await
                .map_err(|e| TransferError::file(&partial.temp, e))?;
        }
        Ok(partial)
    }

    async fn open_at(&self, offset: u64) -> Result<Sink, TransferError> {
        use tokio::io::AsyncSeekExt;
        let fail = |e| TransferError::file(&self.temp, e);
        let mut f = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&self.temp)
            .await
            .map_err(fail)?;
        f.seek(std::io::SeekFrom::Start(offset))
            .await
            .map_err(fail)?;
        Ok(Sink::File(f, self.temp.clone()))
    }

    async fn finish(mut self, path: &Path) -> Result<(), TransferError> {
        tokio::fs::rename(&self.temp, path)
            .await
            .map_err(|e| TransferError::file(path, e))?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

async fn download_file(
    ctx: Ctx,
    path: PathBuf,
    get: GetObjectInput,
    known: Option<Known>,
) -> Result<DownloadOutput, TransferError> {
    let mut object = Object::find(&ctx, get, known).await?;
    ctx.tracker.set_total_bytes(object.size);
    if object.size <= ctx.config.part_size {
        ctx.tracker.set_total_parts(1);
        let partial = Partial::create(&path, None).await?;
        let mut sink = partial.open_at(0).await?;
        let crc = ctx
            .cancellable(object.fetch_whole(&ctx, &mut sink))
            .await??;
        sink.flush().await?;
        ctx.tracker.part_done();
        let verified = object.check(crc)?;
        partial.finish(&path).await?;
        return Ok(object.output(verified, 1));
    }
    let object = std::sync::Arc::new(object);
    let plan = Plan::new(object.size, ctx.config.part_size)?;
    ctx.tracker.set_total_parts(plan.count);
    let partial = Partial::create(&path, Some(object.size)).await?;
    let crc = object.crc_to_check();
    let mut pool = Pool::new(&ctx);
    for (number, offset, length) in plan.parts() {
        let (ctx, object) = (ctx.clone(), object.clone());
        let mut sink = partial.open_at(offset).await?;
        pool.run(async move {
            let crc = object
                .fetch(&ctx, offset, length, &mut sink, crc, 0)
                .await?;
            sink.flush().await?;
            ctx.tracker.part_done();
            Ok((number, crc))
        })
        .await?;
    }
    let mut ranges = pool.finish().await?;
    ranges.sort_by_key(|r| r.0);
    let verified = object.check(combine(crc, ranges.into_iter().map(|r| r.1)))?;
    partial.finish(&path).await?;
    Ok(object.output(verified, plan.count))
}

async fn download_to_writer<W: AsyncWrite + Send + Unpin + 'static>(
    ctx: Ctx,
    mut writer: W,
    get: GetObjectInput,
) -> Result<DownloadOutput, TransferError> {
    let object = std::sync::Arc::new(Object::find(&ctx, get, None).await?);
    ctx.tracker.set_total_bytes(object.size);
    let plan = Plan::new(object.size, ctx.config.part_size)?;
    ctx.tracker.set_total_parts(plan.count);
    let crc = object.crc_to_check();
    let fetch = |offset: u64, length: u64| {
        let (ctx, object) = (ctx.clone(), object.clone());
        tokio::spawn(async move {
            let _permit = ctx.permits.clone().acquire_owned().await;
            let mut sink = Sink::Memory(BytesMut::with_capacity(length as usize));
            let crc = object
                .fetch(&ctx, offset, length, &mut sink, crc, 0)
                .await?;
            ctx.tracker.part_done();
            Ok::<_, TransferError>((sink.into_bytes(), crc))
        })
    };
    // Ranges are fetched `concurrency` ahead and written in order, so memory holds at
    // most that many parts.
    let write_all = async {
        let mut pending = std::collections::VecDeque::new();
        let mut ranges = plan.parts().filter(|&(_, _, length)| length > 0);
        let mut crcs = Vec::new();
        loop {
            while pending.len() < ctx.config.concurrency {
                let Some((_, offset, length)) = ranges.next() else {
                    break;
                };
                pending.push_back(AbortOnDrop(fetch(offset, length)));
            }
            let Some(mut next) = pending.pop_front() else {
                break;
            };
            let (bytes, crc) = (&mut next.0)
                .await
                .map_err(|e| TransferError::new(TransferErrorKind::Task(e.to_string())))??;
            writer
                .write_all(&bytes)
                .await
                .map_err(|e| TransferError::new(TransferErrorKind::Body(Box::new(e))))?;
            crcs.push(crc);
        }
        writer
            .flush()
            .await
            .map_err(|e| TransferError::new(TransferErrorKind::Body(Box::new(e))))?;
        Ok::<_, TransferError>(crcs)
    };
    let crcs = ctx.cancellable(write_all).await??;
    let verified = object.check(combine(crc, crcs))?;
    Ok(object.output(verified, plan.count))
}

/// A spawned fetch that stops when the download that wanted it is dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
