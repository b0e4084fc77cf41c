//! Uploads: a file (parts read at their offsets, resumable) or a stream of any length
//! (parts filled in memory), one `PutObject` when small.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use super::digest::{self, PartDigest, Want};
use super::multipart::{DonePart, Multipart, PartSum, same_part};
use super::plan::{MAX_PARTS, Plan};
use super::pool::Pool;
use super::{
    Ctx, MultipartChecksum, TransferConfig, TransferError, TransferErrorKind, TransferHandle,
    blocking_send, blocking_start, transfer_settings, upload_settings,
};
use crate::Client;
use crate::fluent::Sends;
use crate::operation::put_object::PutObjectInput;
use crate::primitives::{ByteStream, Length};
use crate::types::{ChecksumAlgorithm, ChecksumType, Part, StorageClass};

/// The checksum S3 holds for an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectChecksum {
    /// The algorithm.
    pub algorithm: ChecksumAlgorithm,
    /// The value, base64 as S3 sends it (`...-3` for a composite checksum of 3 parts).
    pub value: String,
    /// Whether it covers the whole object or is a checksum of the parts' checksums.
    pub checksum_type: Option<ChecksumType>,
}

impl ObjectChecksum {
    /// The first checksum present of an output's checksum fields.
    pub(crate) fn pick(
        fields: [(ChecksumAlgorithm, &Option<String>); 5],
        checksum_type: &Option<ChecksumType>,
    ) -> Option<ObjectChecksum> {
        fields.into_iter().find_map(|(algorithm, value)| {
            Some(ObjectChecksum {
                algorithm,
                value: value.clone()?,
                checksum_type: checksum_type.clone(),
            })
        })
    }
}

/// The checksum fields of an output, for [`ObjectChecksum::pick`].
macro_rules! checksum_of {
    ($out:expr) => {
        $crate::transfer::ObjectChecksum::pick(
            [
                (
                    $crate::types::ChecksumAlgorithm::Crc64nvme,
                    &$out.checksum_crc64_nvme,
                ),
                (
                    $crate::types::ChecksumAlgorithm::Crc32,
                    &$out.checksum_crc32,
                ),
                (
                    $crate::types::ChecksumAlgorithm::Crc32c,
                    &$out.checksum_crc32_c,
                ),
                ($crate::types::ChecksumAlgorithm::Sha1, &$out.checksum_sha1),
                (
                    $crate::types::ChecksumAlgorithm::Sha256,
                    &$out.checksum_sha256,
                ),
            ],
            &$out.checksum_type,
        )
    };
}
pub(crate) use checksum_of;

/// What an upload made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadOutput {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
    /// The object's ETag.
    pub e_tag: Option<String>,
    /// The version, in a versioned bucket.
    pub version_id: Option<String>,
    /// The checksum S3 stored, when it reported one.
    pub checksum: Option<ObjectChecksum>,
    /// Bytes uploaded.
    pub size: u64,
    /// Parts (0 for a single `PutObject`).
    pub parts: u64,
    /// The multipart upload's id, for multipart uploads.
    pub upload_id: Option<String>,
}

/// Uploads a file; made by [`Client::upload_file`].
#[derive(Debug)]
pub struct UploadFile<Mode = Sends> {
    client: Client,
    path: PathBuf,
    put: PutObjectInput,
    settings: TransferConfig,
    resume: Option<String>,
    // Read by the blocking mode.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    mode: Mode,
}

/// Uploads a stream; made by [`Client::upload`].
#[derive(Debug)]
pub struct Upload<Mode = Sends> {
    client: Client,
    put: PutObjectInput,
    settings: TransferConfig,
    // Read by the blocking mode.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    mode: Mode,
}

/// The object settings every upload builder shares.
macro_rules! object_settings {
    ($builder:ident) => {
        impl<Mode> $builder<Mode> {
            /// The bucket to upload to.
            pub fn bucket(mut self, bucket: impl Into<String>) -> Self {
                self.put.bucket = Some(bucket.into());
                self
            }
            /// The key to upload to.
            pub fn key(mut self, key: impl Into<String>) -> Self {
                self.put.key = Some(key.into());
                self
            }
            /// The object's `Content-Type`.
            pub fn content_type(mut self, value: impl Into<String>) -> Self {
                self.put.content_type = Some(value.into());
                self
            }
            /// Adds user metadata (`x-amz-meta-*`).
            pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
                self.put
                    .metadata
                    .get_or_insert_with(Default::default)
                    .insert(key.into(), value.into());
                self
            }
            /// The storage class.
            pub fn storage_class(mut self, class: StorageClass) -> Self {
                self.put.storage_class = Some(class);
                self
            }
            /// Any other `PutObject` setting (encryption, ACL, tagging, object lock,
            /// conditions...): it is carried to `CreateMultipartUpload`, the parts
            /// (SSE-C, requester pays) and the completion as S3 needs.
            pub fn with_input(mut self, f: impl FnOnce(&mut PutObjectInput)) -> Self {
                f(&mut self.put);
                self
            }
        }
    };
}

object_settings!(UploadFile);
object_settings!(Upload);
transfer_settings!(UploadFile);
transfer_settings!(Upload);
upload_settings!(UploadFile);
upload_settings!(Upload);
blocking_send!(UploadFile { client, path, put, settings, resume } -> UploadOutput);
blocking_start!(UploadFile -> UploadOutput);
blocking_send!(Upload { client, put, settings } -> UploadOutput);
blocking_start!(Upload -> UploadOutput);

impl UploadFile {
    pub(crate) fn new(client: Client, path: &Path) -> Self {
        UploadFile {
            client,
            path: path.to_path_buf(),
            put: PutObjectInput::default(),
            settings: TransferConfig::default(),
            mode: Sends,
            resume: None,
        }
    }

    /// Continues the multipart upload `upload_id` (from an interrupted transfer's error
    /// or `ListMultipartUploads`): parts S3 already has with the same size and checksum
    /// are not sent again. Use the part size of the first attempt (it is read from the
    /// upload's first part when that part is there).
    pub fn resume(mut self, upload_id: impl Into<String>) -> Self {
        self.resume = Some(upload_id.into());
        self
    }

    /// Starts the upload.
    pub fn start(self) -> TransferHandle<UploadOutput> {
        let ctx = Ctx::new(self.client, self.settings);
        let work = upload_file(ctx.clone(), self.path, self.put, self.resume);
        TransferHandle::spawn(&ctx, work)
    }

    /// Uploads and waits for the outcome.
    pub async fn send(self) -> Result<UploadOutput, TransferError> {
        self.start().await
    }

    /// The upload as one object of a batch.
    pub(crate) async fn run_in(self, ctx: Ctx) -> Result<UploadOutput, TransferError> {
        upload_file(ctx, self.path, self.put, self.resume).await
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn object_url(&self) -> String {
        s3_url(&self.put.bucket, &self.put.key)
    }
}

impl Upload {
    pub(crate) fn new(client: Client, body: ByteStream) -> Self {
        Upload {
            client,
            put: PutObjectInput {
                body,
                ..Default::default()
            },
            settings: TransferConfig::default(),
            mode: Sends,
        }
    }

    /// Starts the upload.
    pub fn start(self) -> TransferHandle<UploadOutput> {
        let ctx = Ctx::new(self.client, self.settings);
        let work = upload_stream(ctx.clone(), self.put);
        TransferHandle::spawn(&ctx, work)
    }

    /// Uploads and waits for the outcome.
    pub async fn send(self) -> Result<UploadOutput, TransferError> {
        self.start().await
    }
}

/// `s3://bucket/key`, as the AWS CLI prints objects.
pub(crate) fn s3_url(bucket: &Option<String>, key: &Option<String>) -> String {
    format!(
        "s3://{}/{}",
        bucket.as_deref().unwrap_or_default(),
        key.as_deref().unwrap_or_default()
    )
}

/// The bucket, which every transfer needs before anything is sent.
pub(crate) fn required_bucket(bucket: &Option<String>) -> Result<String, TransferError> {
    bucket
        .clone()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| TransferError::invalid("the bucket is required: set it with .bucket()"))
}

/// The bucket and key, which every transfer of one object needs.
pub(crate) fn target(
    bucket: &Option<String>,
    key: &Option<String>,
) -> Result<(String, String), TransferError> {
    let bucket = required_bucket(bucket)?;
    let key = key
        .clone()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| TransferError::invalid("the key is required: set it with .key()"))?;
    Ok((bucket, key))
}

async fn upload_file(
    ctx: Ctx,
    path: PathBuf,
    put: PutObjectInput,
    resume: Option<String>,
) -> Result<UploadOutput, TransferError> {
    target(&put.bucket, &put.key)?;
    ctx.config.validate()?;
    let meta = tokio::fs::metadata(&path)
        .await
        .map_err(|e| TransferError::file(&path, e))?;
    if !meta.is_file() {
        return Err(TransferError::invalid(format!(
            "{} is not a file",
            path.display()
        )));
    }
    let size = meta.len();
    ctx.tracker.set_total_bytes(size);
    let checksum = ctx.config.checksum_for(&ctx.client);
    if size < ctx.config.multipart_threshold && resume.is_none() {
        let body = ByteStream::read_from()
            .path(&path)
            .build()
            .await
            .map_err(|e| TransferError::file(&path, e))?;
        let digest = if checksum == MultipartChecksum::ContentMd5 {
            digest::of_file(Want::for_checksum(checksum), &path, 0, size)
                .await
                .map_err(|e| TransferError::file(&path, e))?
        } else {
            PartDigest::default()
        };
        return put_whole(&ctx, put, body, size, checksum, digest).await;
    }

    let (mp, listed) = match resume {
        Some(upload_id) => {
            let mp = Multipart::existing(&ctx.client, &put, checksum, upload_id);
            let listed = mp.listed_parts().await?;
            (mp, listed)
        }
        None => (
            ctx.cancellable(Multipart::create(&ctx.client, &put, checksum))
                .await??,
            HashMap::new(),
        ),
    };
    let mut plan = Plan::new(size, ctx.config.part_size)?;
    // A resumed upload keeps the part size it started with.
    if let Some(first) = listed.get(&1).and_then(|p| p.size)
        && (first as u64) < size
        && first as u64 != plan.part_size
    {
        plan = Plan::new(size, first as u64)?;
    }
    let mp = Arc::new(mp);
    let sent = mp
        .guard(
            ctx.config.abort_on_failure,
            send_file_parts(&ctx, &mp, &path, plan, listed),
        )
        .await?;
    Ok(sent)
}

/// Sends every part of the file that S3 does not already have, then completes.
async fn send_file_parts(
    ctx: &Ctx,
    mp: &Arc<Multipart>,
    path: &Path,
    plan: Plan,
    mut listed: HashMap<i32, Part>,
) -> Result<UploadOutput, TransferError> {
    ctx.tracker.set_total_parts(plan.count);
    let mut want = Want::for_checksum(mp.checksum);
    // A listed part without a checksum is compared by its ETag, an MD5.
    want.md5 |= !listed.is_empty();
    let mut pool = Pool::new(ctx);
    for (number, offset, length) in plan.parts() {
        let number = number as i32;
        let listed = listed.remove(&number);
        let (ctx, mp, path) = (ctx.clone(), mp.clone(), path.to_path_buf());
        pool.run(async move {
            let file_error = |e| TransferError::file(&path, e);
            let mut meter = ctx.tracker.meter();
            // The part is read once, as it is sent, unless its checksums are needed
            // first: an MD5 goes in a header, and a part S3 already holds is compared.
            let sum = if listed.is_some() || want.md5 {
                let digest = digest::of_file(want, &path, offset, length)
                    .await
                    .map_err(file_error)?;
                if let Some(listed) = listed.filter(|l| same_part(l, length, &digest))
                    && let Some(e_tag) = listed.e_tag
                {
                    ctx.tracker.bytes(length as i64);
                    ctx.tracker.part_done();
                    return Ok(DonePart {
                        number,
                        e_tag,
                        size: length,
                        crc: digest.crc,
                    });
                }
                PartSum::Known(digest)
            } else {
                let streaming = Arc::new(digest::Streaming::new(want));
                meter = meter.tapped(streaming.clone());
                PartSum::Streamed(streaming)
            };
            let body = ByteStream::read_from()
                .path(&path)
                .offset(offset)
                .length(Length::Exact(length))
                .build()
                .await
                .map_err(file_error)?
                .metered(meter);
            let done = mp.send_part(number, body, length, sum).await?;
            ctx.tracker.part_done();
            Ok(done)
        })
        .await?;
    }
    let parts = pool.finish().await?;
    ctx.cancellable(complete(mp, parts, plan.size)).await?
}

async fn complete(
    mp: &Multipart,
    parts: Vec<DonePart>,
    size: u64,
) -> Result<UploadOutput, TransferError> {
    let count = parts.len() as u64;
    let out = mp.complete(parts, size).await?;
    Ok(UploadOutput {
        bucket: mp.bucket.clone(),
        key: mp.key.clone(),
        e_tag: out.e_tag.clone(),
        version_id: out.version_id.clone(),
        checksum: checksum_of!(out),
        size,
        parts: count,
        upload_id: Some(mp.upload_id.clone()),
    })
}

/// One `PutObject` with the whole body and the checksum the settings ask for.
async fn put_whole(
    ctx: &Ctx,
    mut put: PutObjectInput,
    body: ByteStream,
    size: u64,
    checksum: MultipartChecksum,
    digest: PartDigest,
) -> Result<UploadOutput, TransferError> {
    let (bucket, key) = target(&put.bucket, &put.key)?;
    let caller_chose = put.checksum_algorithm.is_some()
        || put.content_md5.is_some()
        || put.checksum_crc32.is_some()
        || put.checksum_crc32_c.is_some()
        || put.checksum_crc64_nvme.is_some()
        || put.checksum_sha1.is_some()
        || put.checksum_sha256.is_some();
    if !caller_chose {
        match checksum {
            MultipartChecksum::FullObjectCrc64nvme => {
                put.checksum_algorithm = Some(ChecksumAlgorithm::Crc64nvme)
            }
            MultipartChecksum::CompositeCrc32 => {
                put.checksum_algorithm = Some(ChecksumAlgorithm::Crc32)
            }
            MultipartChecksum::ContentMd5 => put.content_md5 = digest.content_md5(),
            MultipartChecksum::Off => {}
        }
    }
    put.body = body.metered(ctx.tracker.meter());
    let out = ctx
        .cancellable(ctx.client.put_object().set_input(put).send())
        .await?
        .map_err(|e| TransferError::request("PutObject", e))?;
    Ok(UploadOutput {
        bucket,
        key,
        e_tag: out.e_tag.clone(),
        version_id: out.version_id.clone(),
        checksum: checksum_of!(out),
        size,
        parts: 0,
        upload_id: None,
    })
}

/// A body read part by part.
struct PartReader {
    body: ByteStream,
    leftover: Option<Bytes>,
    /// The body has ended; it is not read again.
    ended: bool,
}

impl PartReader {
    fn new(body: ByteStream) -> Self {
        PartReader {
            body,
            leftover: None,
            ended: false,
        }
    }

    /// The next chunk of the body, `None` at its end.
    async fn chunk(&mut self) -> Result<Option<Bytes>, TransferError> {
        if let Some(c) = self.leftover.take() {
            return Ok(Some(c));
        }
        if self.ended {
            return Ok(None);
        }
        match self.body.next().await {
            Some(chunk) => chunk
                .map(Some)
                .map_err(|e| TransferError::new(TransferErrorKind::Body(Box::new(e)))),
            None => {
                self.ended = true;
                Ok(None)
            }
        }
    }

    /// Up to `size` bytes; fewer only at the end of the body.
    async fn next_part(&mut self, size: u64) -> Result<Bytes, TransferError> {
        let size = size as usize;
        let mut buf = BytesMut::new();
        while buf.len() < size {
            let Some(mut chunk) = self.chunk().await? else {
                break;
            };
            if buf.is_empty() && chunk.len() == size {
                return Ok(chunk);
            }
            let room = size - buf.len();
            if chunk.len() > room {
                self.leftover = Some(chunk.split_off(room));
            }
            if buf.capacity() == 0 {
                buf.reserve(size);
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }

    /// Whether the body has ended (a chunk read to find out is kept for the next part).
    async fn at_end(&mut self) -> Result<bool, TransferError> {
        loop {
            match self.chunk().await? {
                None => return Ok(true),
                Some(c) if c.is_empty() => continue,
                Some(c) => {
                    self.leftover = Some(c);
                    return Ok(false);
                }
            }
        }
    }
}

async fn upload_stream(ctx: Ctx, mut put: PutObjectInput) -> Result<UploadOutput, TransferError> {
    target(&put.bucket, &put.key)?;
    ctx.config.validate()?;
    let checksum = ctx.config.checksum_for(&ctx.client);
    let body = std::mem::take(&mut put.body);
    if let Some(n) = body.content_length() {
        ctx.tracker.set_total_bytes(n);
    }
    let part_size = ctx.config.part_size;
    let mut reader = PartReader::new(body);
    // The first part decides: a body that fits in one part goes as one PutObject.
    let mut pool = Pool::new(&ctx);
    let permit = pool.reserve().await?;
    let first = reader.next_part(part_size).await?;
    if (first.len() as u64) < part_size || reader.at_end().await? {
        let size = first.len() as u64;
        ctx.tracker.set_total_bytes(size);
        let digest = digest::of_bytes(Want::for_checksum(checksum), &first);
        let result = put_whole(&ctx, put, ByteStream::new(first), size, checksum, digest).await;
        drop(permit);
        return result;
    }
    let mp = Arc::new(
        ctx.cancellable(Multipart::create(&ctx.client, &put, checksum))
            .await??,
    );
    let work = async {
        let want = Want::for_checksum(checksum);
        let mut size = 0u64;
        let mut part = first;
        let mut permit = permit;
        for number in 1.. {
            if number as u64 > MAX_PARTS {
                return Err(TransferError::new(TransferErrorKind::Body(
                    format!(
                        "the body is longer than {MAX_PARTS} parts of {part_size} bytes; a larger part_size lets it through"
                    )
                    .into(),
                )));
            }
            size += part.len() as u64;
            let (ctx, mp) = (ctx.clone(), mp.clone());
            pool.spawn(permit, async move {
                let length = part.len() as u64;
                let digest = digest::of_bytes(want, &part);
                let body = ByteStream::new(part).metered(ctx.tracker.meter());
                let done = mp
                    .send_part(number, body, length, PartSum::Known(digest))
                    .await?;
                ctx.tracker.part_done();
                Ok(done)
            });
            permit = pool.reserve().await?;
            part = reader.next_part(part_size).await?;
            if part.is_empty() {
                break;
            }
        }
        drop(permit);
        ctx.tracker.set_total_bytes(size);
        let parts = pool.finish().await?;
        ctx.cancellable(complete(&mp, parts, size)).await?
    };
    mp.guard(ctx.config.abort_on_failure, work).await
}
