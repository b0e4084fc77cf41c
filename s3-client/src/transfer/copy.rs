//! Server-side copies: one `CopyObject` up to the copy threshold, `UploadPartCopy` ranges
//! in parallel above it (S3 refuses `CopyObject` over 5 GiB), pinned to the source's ETag,
//! with the source's metadata carried over as `CopyObject` would.

use std::sync::Arc;

use super::multipart::{DonePart, Multipart};
use super::plan::Plan;
use super::pool::Pool;
use super::upload::{s3_url, target};
use super::{
    Ctx, MultipartChecksum, TransferConfig, TransferError, TransferErrorKind, blocking_send,
    blocking_start,
};
use super::{TransferHandle, transfer_settings};
use crate::Client;
use crate::error::SdkError;
use crate::fluent::Sends;
use crate::operation::copy_object::CopyObjectInput;
use crate::operation::head_object::{HeadObjectInput, HeadObjectOutput};
use crate::operation::put_object::PutObjectInput;
use crate::types::MetadataDirective;

/// What a copy made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CopyOutput {
    /// The destination bucket.
    pub bucket: String,
    /// The destination key.
    pub key: String,
    /// The new object's ETag.
    pub e_tag: Option<String>,
    /// The new object's version, in a versioned bucket.
    pub version_id: Option<String>,
    /// Bytes copied.
    pub size: u64,
    /// Parts (0 for a single `CopyObject`).
    pub parts: u64,
}

/// Copies an object; made by [`Client::copy`].
#[derive(Debug)]
pub struct Copy<Mode = Sends> {
    client: Client,
    source: Option<(String, String)>,
    source_version: Option<String>,
    copy: CopyObjectInput,
    settings: TransferConfig,
    // Read by the blocking mode.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    mode: Mode,
}

transfer_settings!(Copy);
blocking_send!(Copy { client, source, source_version, copy, settings } -> CopyOutput);
blocking_start!(Copy -> CopyOutput);

impl Copy {
    pub(crate) fn new(client: Client) -> Self {
        Copy {
            client,
            source: None,
            source_version: None,
            copy: CopyObjectInput::default(),
            settings: TransferConfig::default(),
            mode: Sends,
        }
    }

    /// The object to copy.
    pub fn source(mut self, bucket: impl Into<String>, key: impl Into<String>) -> Self {
        self.source = Some((bucket.into(), key.into()));
        self
    }

    /// A version of the source other than the current one.
    pub fn source_version_id(mut self, version: impl Into<String>) -> Self {
        self.source_version = Some(version.into());
        self
    }

    /// The destination bucket.
    pub fn bucket(mut self, bucket: impl Into<String>) -> Self {
        self.copy.bucket = Some(bucket.into());
        self
    }

    /// The destination key.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.copy.key = Some(key.into());
        self
    }

    /// Any other `CopyObject` setting (metadata directive, encryption, storage class,
    /// SSE-C keys...); a multipart copy carries them to its requests.
    pub fn with_input(mut self, f: impl FnOnce(&mut CopyObjectInput)) -> Self {
        f(&mut self.copy);
        self
    }

    /// Bytes per part of a multipart copy.
    pub fn copy_part_size(mut self, bytes: u64) -> Self {
        self.settings.copy_part_size = bytes;
        self
    }

    /// The size from which copies go in parts.
    pub fn copy_threshold(mut self, bytes: u64) -> Self {
        self.settings.copy_threshold = bytes;
        self
    }

    /// Starts the copy.
    pub fn start(self) -> TransferHandle<CopyOutput> {
        let ctx = Ctx::new(self.client.clone(), self.settings.clone());
        let work = self.run_in(ctx.clone());
        TransferHandle::spawn(&ctx, work)
    }

    /// Copies and waits for the outcome.
    pub async fn send(self) -> Result<CopyOutput, TransferError> {
        self.start().await
    }

    pub(crate) fn source_url(&self) -> String {
        let (bucket, key) = self.source.clone().unzip();
        s3_url(&bucket, &key)
    }

    pub(crate) fn destination_url(&self) -> String {
        s3_url(&self.copy.bucket, &self.copy.key)
    }

    /// The copy as one object of a batch.
    pub(crate) async fn run_in(self, ctx: Ctx) -> Result<CopyOutput, TransferError> {
        let (bucket, key) = target(&self.copy.bucket, &self.copy.key)?;
        let (source_bucket, source_key) = self.source.clone().ok_or_else(|| {
            TransferError::invalid("the source is required: set it with .source()")
        })?;
        ctx.config.validate()?;
        let source = Source {
            bucket: source_bucket,
            key: source_key,
            version: self.source_version,
        };
        let head = ctx
            .cancellable(
                ctx.client
                    .head_object()
                    .set_input(HeadObjectInput {
                        bucket: Some(source.bucket.clone()),
                        key: Some(source.key.clone()),
                        version_id: source.version.clone(),
                        sse_customer_algorithm: self
                            .copy
                            .copy_source_sse_customer_algorithm
                            .clone(),
                        sse_customer_key: self.copy.copy_source_sse_customer_key.clone(),
                        sse_customer_key_md5: self.copy.copy_source_sse_customer_key_md5.clone(),
                        request_payer: self.copy.request_payer.clone(),
                        expected_bucket_owner: self.copy.expected_source_bucket_owner.clone(),
                        ..Default::default()
                    })
                    .send(),
            )
            .await?
            .map_err(|e| TransferError::request("HeadObject", e))?;
        let size = head
            .content_length
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| TransferError::bad_response("HeadObject returned no Content-Length"))?;
        let e_tag = head
            .e_tag
            .clone()
            .ok_or_else(|| TransferError::bad_response("HeadObject returned no ETag"))?;
        ctx.tracker.set_total_bytes(size);
        if size < ctx.config.copy_threshold {
            let mut input = self.copy;
            input.copy_source = None;
            let out = ctx
                .cancellable(
                    ctx.client
                        .copy_object()
                        .set_input(input)
                        .copy_source_from(&source.bucket, &source.key, source.version.as_deref())
                        .copy_source_if_match(&e_tag)
                        .send(),
                )
                .await?
                .map_err(|e| changed_or(e, &e_tag, "CopyObject"))?;
            ctx.tracker.bytes(size as i64);
            return Ok(CopyOutput {
                bucket,
                key,
                e_tag: out.copy_object_result.and_then(|r| r.e_tag),
                version_id: out.version_id,
                size,
                parts: 0,
            });
        }
        multipart_copy(ctx, source, e_tag, size, head, self.copy).await
    }
}

struct Source {
    bucket: String,
    key: String,
    version: Option<String>,
}

/// A failed request: the source changed when S3 says the ETag condition failed.
fn changed_or<E>(e: SdkError<E>, e_tag: &str, operation: &'static str) -> TransferError
where
    E: std::error::Error + Send + Sync + 'static,
{
    if e.meta().is_some_and(|m| m.status() == 412) {
        return TransferError::new(TransferErrorKind::ObjectChanged {
            e_tag: e_tag.to_string(),
        });
    }
    TransferError::request(operation, e)
}

async fn multipart_copy(
    ctx: Ctx,
    source: Source,
    e_tag: String,
    size: u64,
    head: HeadObjectOutput,
    copy: CopyObjectInput,
) -> Result<CopyOutput, TransferError> {
    let put = destination(&copy, head);
    // S3 computes the new object's checksums itself; the parts carry none from here.
    let mp = ctx
        .cancellable(Multipart::create(&ctx.client, &put, MultipartChecksum::Off))
        .await??;
    let mp = Arc::new(mp);
    let plan = Plan::new(size, ctx.config.copy_part_size)?;
    ctx.tracker.set_total_parts(plan.count);
    let source = Arc::new(source);
    let copy = Arc::new(copy);
    let work = async {
        let mut pool = Pool::new(&ctx);
        for (number, offset, length) in plan.parts() {
            let (ctx, mp, source, copy, e_tag) = (
                ctx.clone(),
                mp.clone(),
                source.clone(),
                copy.clone(),
                e_tag.clone(),
            );
            pool.run(async move {
                let out = ctx
                    .client
                    .upload_part_copy()
                    .bucket(&mp.bucket)
                    .key(&mp.key)
                    .upload_id(&mp.upload_id)
                    .part_number(number as i32)
                    .copy_source_from(&source.bucket, &source.key, source.version.as_deref())
                    .copy_source_range(format!("bytes={offset}-{}", offset + length - 1))
                    .copy_source_if_match(&e_tag)
                    .set_sse_customer_algorithm(copy.sse_customer_algorithm.clone())
                    .set_sse_customer_key(copy.sse_customer_key.clone())
                    .set_sse_customer_key_md5(copy.sse_customer_key_md5.clone())
                    .set_copy_source_sse_customer_algorithm(
                        copy.copy_source_sse_customer_algorithm.clone(),
                    )
                    .set_copy_source_sse_customer_key(copy.copy_source_sse_customer_key.clone())
                    .set_copy_source_sse_customer_key_md5(
                        copy.copy_source_sse_customer_key_md5.clone(),
                    )
                    .set_request_payer(copy.request_payer.clone())
                    .set_expected_bucket_owner(copy.expected_bucket_owner.clone())
                    .set_expected_source_bucket_owner(copy.expected_source_bucket_owner.clone())
                    .send()
                    .await
                    .map_err(|e| changed_or(e, &e_tag, "UploadPartCopy"))?;
                let part_e_tag = out.copy_part_result.and_then(|r| r.e_tag).ok_or_else(|| {
                    TransferError::bad_response(format!(
                        "UploadPartCopy returned no ETag for part {number}"
                    ))
                })?;
                ctx.tracker.bytes(length as i64);
                ctx.tracker.part_done();
                Ok(DonePart {
                    number: number as i32,
                    e_tag: part_e_tag,
                    size: length,
                    crc: None,
                })
            })
            .await?;
        }
        let parts = pool.finish().await?;
        let count = parts.len() as u64;
        let out = ctx.cancellable(mp.complete(parts, size)).await??;
        Ok(CopyOutput {
            bucket: mp.bucket.clone(),
            key: mp.key.clone(),
            e_tag: out.e_tag,
            version_id: out.version_id,
            size,
            parts: count,
        })
    };
    mp.guard(ctx.config.abort_on_failure, work).await
}

/// The new object's settings: the copy's, with the source's content headers and metadata
/// unless the copy replaces them (as `CopyObject`'s default `COPY` directive does).
fn destination(copy: &CopyObjectInput, head: HeadObjectOutput) -> PutObjectInput {
    let c = copy.clone();
    let replace = c.metadata_directive == Some(MetadataDirective::Replace);
    let pick = |ours: Option<String>, theirs: Option<String>| if replace { ours } else { theirs };
    PutObjectInput {
        acl: c.acl,
        bucket: c.bucket,
        key: c.key,
        cache_control: pick(c.cache_control, head.cache_control),
        content_disposition: pick(c.content_disposition, head.content_disposition),
        content_encoding: pick(c.content_encoding, head.content_encoding),
        content_language: pick(c.content_language, head.content_language),
        content_type: pick(c.content_type, head.content_type),
        expires: pick(c.expires, head.expires),
        metadata: if replace { c.metadata } else { head.metadata },
        grant_full_control: c.grant_full_control,
        grant_read: c.grant_read,
        grant_read_acp: c.grant_read_acp,
        grant_write_acp: c.grant_write_acp,
        server_side_encryption: c.server_side_encryption,
        storage_class: c.storage_class,
        website_redirect_location: c.website_redirect_location,
        sse_customer_algorithm: c.sse_customer_algorithm,
        sse_customer_key: c.sse_customer_key,
        sse_customer_key_md5: c.sse_customer_key_md5,
        ssekms_key_id: c.ssekms_key_id,
        ssekms_encryption_context: c.ssekms_encryption_context,
        bucket_key_enabled: c.bucket_key_enabled,
        request_payer: c.request_payer,
        tagging: c.tagging,
        object_lock_mode: c.object_lock_mode,
        object_lock_retain_until_date: c.object_lock_retain_until_date,
        object_lock_legal_hold_status: c.object_lock_legal_hold_status,
        object_lock_event_hold: c.object_lock_event_hold,
        object_lock_event_hold_duration_days: c.object_lock_event_hold_duration_days,
        object_lock_event_hold_duration_years: c.object_lock_event_hold_duration_years,
        expected_bucket_owner: c.expected_bucket_owner,
        ..Default::default()
    }
}
