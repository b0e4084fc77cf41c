//! One multipart upload: created with the object's settings, its parts sent with their
//! checksums, completed with the whole object's checksum and size, or aborted, and the
//! error saying which.

use std::collections::HashMap;
use std::future::Future;

use bytes::Bytes;

use super::digest::{PartDigest, Streaming};
use super::{Cleanup, MultipartChecksum, TransferError};
use crate::Client;
use crate::operation::complete_multipart_upload::CompleteMultipartUploadOutput;
use crate::operation::create_multipart_upload::CreateMultipartUploadInput;
use crate::operation::put_object::PutObjectInput;
use crate::primitives::ByteStream;
use crate::runtime::checksum::Crc;
use crate::types::{
    ChecksumAlgorithm, ChecksumType, CompletedMultipartUpload, CompletedPart, Part, RequestPayer,
};

/// The settings every request of an upload repeats: SSE-C key, requester-pays and the
/// expected owner.
#[derive(Debug, Clone, Default)]
pub(crate) struct Repeated {
    pub(crate) sse_customer_algorithm: Option<String>,
    pub(crate) sse_customer_key: Option<Bytes>,
    pub(crate) sse_customer_key_md5: Option<String>,
    pub(crate) request_payer: Option<RequestPayer>,
    pub(crate) expected_bucket_owner: Option<String>,
}

impl Repeated {
    pub(crate) fn of(put: &PutObjectInput) -> Repeated {
        Repeated {
            sse_customer_algorithm: put.sse_customer_algorithm.clone(),
            sse_customer_key: put.sse_customer_key.clone(),
            sse_customer_key_md5: put.sse_customer_key_md5.clone(),
            request_payer: put.request_payer.clone(),
            expected_bucket_owner: put.expected_bucket_owner.clone(),
        }
    }
}

/// The checksums of a part: computed before it is sent (from memory, or a file part that
/// needs an MD5 or is compared with one already uploaded), or as it is sent (a file part,
/// read once).
pub(crate) enum PartSum {
    Known(PartDigest),
    Streamed(std::sync::Arc<Streaming>),
}

/// A part that S3 has.
#[derive(Debug, Clone)]
pub(crate) struct DonePart {
    pub(crate) number: i32,
    pub(crate) e_tag: String,
    pub(crate) size: u64,
    /// The part's CRC, when the upload has flexible checksums.
    pub(crate) crc: Option<Crc>,
}

/// A multipart upload in progress.
#[derive(Debug)]
pub(crate) struct Multipart {
    client: Client,
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) upload_id: String,
    pub(crate) checksum: MultipartChecksum,
    repeated: Repeated,
}

impl Multipart {
    /// Starts an upload of the object `put` describes (its body aside).
    pub(crate) fn create(
        client: &Client,
        put: &PutObjectInput,
        checksum: MultipartChecksum,
    ) -> impl Future<Output = Result<Multipart, TransferError>> + Send + 'static {
        let input = create_input(put, checksum);
        let started = Self::existing(client, put, checksum, String::new());
        async move {
            let out = started
                .client
                .create_multipart_upload()
                .set_input(input)
                .send()
                .await
                .map_err(|e| TransferError::request("CreateMultipartUpload", e))?;
            let upload_id = out.upload_id.filter(|id| !id.is_empty()).ok_or_else(|| {
                TransferError::bad_response("CreateMultipartUpload returned no upload id")
            })?;
            Ok(Multipart {
                upload_id,
                ..started
            })
        }
    }

    /// An upload started earlier, to resume.
    pub(crate) fn existing(
        client: &Client,
        put: &PutObjectInput,
        checksum: MultipartChecksum,
        upload_id: String,
    ) -> Multipart {
        Multipart {
            client: client.clone(),
            bucket: put.bucket.clone().unwrap_or_default(),
            key: put.key.clone().unwrap_or_default(),
            upload_id,
            checksum,
            repeated: Repeated::of(put),
        }
    }

    /// Sends part `number`, with the checksums `sum` holds or computes as it is sent.
    pub(crate) async fn send_part(
        &self,
        number: i32,
        body: ByteStream,
        size: u64,
        sum: PartSum,
    ) -> Result<DonePart, TransferError> {
        let r = &self.repeated;
        let mut request = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .part_number(number)
            .body(body)
            .set_sse_customer_algorithm(r.sse_customer_algorithm.clone())
            .set_sse_customer_key(r.sse_customer_key.clone())
            .set_sse_customer_key_md5(r.sse_customer_key_md5.clone())
            .set_request_payer(r.request_payer.clone())
            .set_expected_bucket_owner(r.expected_bucket_owner.clone());
        // A streamed part names its algorithm only: the request path computes the value
        // as it sends the part (in an aws-chunked trailer where the store takes one).
        let known = match &sum {
            PartSum::Known(digest) => Some(digest),
            PartSum::Streamed(_) => None,
        };
        let crc = known.and_then(|d| d.crc).map(Crc::to_base64);
        request = match self.checksum {
            MultipartChecksum::FullObjectCrc64nvme => request
                .checksum_algorithm(ChecksumAlgorithm::Crc64nvme)
                .set_checksum_crc64_nvme(crc),
            MultipartChecksum::CompositeCrc32 => request
                .checksum_algorithm(ChecksumAlgorithm::Crc32)
                .set_checksum_crc32(crc),
            MultipartChecksum::ContentMd5 => {
                request.set_content_md5(known.and_then(PartDigest::content_md5))
            }
            MultipartChecksum::Off => request,
        };
        let out = request
            .send()
            .await
            .map_err(|e| TransferError::request("UploadPart", e))?;
        let digest = match sum {
            PartSum::Known(digest) => digest,
            PartSum::Streamed(streaming) => streaming.finish(size).ok_or_else(|| {
                TransferError::bad_response(format!(
                    "part {number} was not sent as {size} bytes, so its checksum is unknown"
                ))
            })?,
        };
        let e_tag = out.e_tag.filter(|t| !t.is_empty()).ok_or_else(|| {
            TransferError::bad_response(format!("UploadPart returned no ETag for part {number}"))
        })?;
        Ok(DonePart {
            number,
            e_tag,
            size,
            crc: digest.crc,
        })
    }

    /// Completes the upload from `parts` (in any order), with the whole object's checksum
    /// when the parts have full-object CRCs, and the size S3 must find.
    pub(crate) async fn complete(
        &self,
        mut parts: Vec<DonePart>,
        size: u64,
    ) -> Result<CompleteMultipartUploadOutput, TransferError> {
        parts.sort_by_key(|p| p.number);
        let sum: u64 = parts.iter().map(|p| p.size).sum();
        if sum != size {
            return Err(TransferError::bad_response(format!(
                "the parts add up to {sum} bytes, not the object's {size}"
            )));
        }
        let completed = parts
            .iter()
            .map(|p| {
                let crc = p.crc.map(Crc::to_base64);
                let mut part = CompletedPart {
                    e_tag: Some(p.e_tag.clone()),
                    part_number: Some(p.number),
                    ..Default::default()
                };
                match self.checksum {
                    MultipartChecksum::FullObjectCrc64nvme => part.checksum_crc64_nvme = crc,
                    MultipartChecksum::CompositeCrc32 => part.checksum_crc32 = crc,
                    _ => {}
                }
                part
            })
            .collect();
        let r = &self.repeated;
        let mut request = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .multipart_upload(CompletedMultipartUpload {
                parts: Some(completed),
            })
            .mpu_object_size(size as i64)
            .set_sse_customer_algorithm(r.sse_customer_algorithm.clone())
            .set_sse_customer_key(r.sse_customer_key.clone())
            .set_sse_customer_key_md5(r.sse_customer_key_md5.clone())
            .set_request_payer(r.request_payer.clone())
            .set_expected_bucket_owner(r.expected_bucket_owner.clone());
        if self.checksum == MultipartChecksum::FullObjectCrc64nvme {
            let whole = super::digest::combine(
                Some(crate::runtime::ChecksumAlgorithm::Crc64nvme),
                parts.iter().map(|p| p.crc),
            );
            if let Some(whole) = whole {
                request = request
                    .checksum_crc64_nvme(whole.to_base64())
                    .checksum_type(ChecksumType::FullObject);
            }
        }
        request
            .send()
            .await
            .map_err(|e| TransferError::request("CompleteMultipartUpload", e))
    }

    /// Aborts the upload, so that S3 discards its parts.
    pub(crate) async fn abort(&self) -> Cleanup {
        let r = &self.repeated;
        let result = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .set_request_payer(r.request_payer.clone())
            .set_expected_bucket_owner(r.expected_bucket_owner.clone())
            .send()
            .await;
        let upload_id = self.upload_id.clone();
        match result {
            Ok(_) => Cleanup::Aborted { upload_id },
            Err(e) => Cleanup::AbortFailed {
                upload_id,
                error: e.to_string(),
            },
        }
    }

    /// The parts S3 already has, by number (to resume).
    pub(crate) async fn listed_parts(&self) -> Result<HashMap<i32, Part>, TransferError> {
        use futures_util::TryStreamExt;
        let r = &self.repeated;
        let parts: Vec<Part> = self
            .client
            .list_parts()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .set_sse_customer_algorithm(r.sse_customer_algorithm.clone())
            .set_sse_customer_key(r.sse_customer_key.clone())
            .set_sse_customer_key_md5(r.sse_customer_key_md5.clone())
            .set_request_payer(r.request_payer.clone())
            .set_expected_bucket_owner(r.expected_bucket_owner.clone())
            .into_paginator()
            .items()
            .try_collect()
            .await
            .map_err(|e| TransferError::request("ListParts", e))?;
        Ok(parts
            .into_iter()
            .filter_map(|p| Some((p.part_number?, p)))
            .collect())
    }

    /// Runs `work` on the upload; when it fails or is cancelled, aborts the upload (or
    /// keeps it, when `abort` is false) and says so in the error.
    pub(crate) async fn guard<T>(
        &self,
        abort: bool,
        work: impl Future<Output = Result<T, TransferError>>,
    ) -> Result<T, TransferError> {
        match work.await {
            Ok(value) => Ok(value),
            Err(e) if abort => Err(e.with_cleanup(self.abort().await)),
            Err(e) => Err(e.with_cleanup(Cleanup::Kept {
                upload_id: self.upload_id.clone(),
            })),
        }
    }
}

/// Whether a part S3 holds is the part we would send: same size and same checksum
/// (the part's CRC, or its MD5 as the ETag when S3 lists no checksum).
pub(crate) fn same_part(listed: &Part, size: u64, digest: &PartDigest) -> bool {
    if listed.size != Some(size as i64) {
        return false;
    }
    let crc = digest.crc.map(Crc::to_base64);
    let listed_crc = match digest.crc.map(|c| c.algorithm) {
        Some(crate::runtime::ChecksumAlgorithm::Crc64nvme) => listed.checksum_crc64_nvme.as_ref(),
        Some(crate::runtime::ChecksumAlgorithm::Crc32) => listed.checksum_crc32.as_ref(),
        _ => None,
    };
    if let (Some(ours), Some(theirs)) = (&crc, listed_crc) {
        return ours == theirs;
    }
    match (digest.md5_hex(), &listed.e_tag) {
        (Some(md5), Some(e_tag)) => e_tag.trim_matches('"').eq_ignore_ascii_case(&md5),
        _ => false,
    }
}

/// CreateMultipartUpload's input for the object `put` describes, with the checksum the
/// parts will carry.
fn create_input(put: &PutObjectInput, checksum: MultipartChecksum) -> CreateMultipartUploadInput {
    let (checksum_algorithm, checksum_type) = match checksum {
        MultipartChecksum::FullObjectCrc64nvme => (
            Some(ChecksumAlgorithm::Crc64nvme),
            Some(ChecksumType::FullObject),
        ),
        MultipartChecksum::CompositeCrc32 => (
            Some(ChecksumAlgorithm::Crc32),
            Some(ChecksumType::Composite),
        ),
        MultipartChecksum::ContentMd5 | MultipartChecksum::Off => (None, None),
    };
    CreateMultipartUploadInput {
        acl: put.acl.clone(),
        bucket: put.bucket.clone(),
        cache_control: put.cache_control.clone(),
        content_disposition: put.content_disposition.clone(),
        content_encoding: put.content_encoding.clone(),
        content_language: put.content_language.clone(),
        content_type: put.content_type.clone(),
        expires: put.expires.clone(),
        grant_full_control: put.grant_full_control.clone(),
        grant_read: put.grant_read.clone(),
        grant_read_acp: put.grant_read_acp.clone(),
        grant_write_acp: put.grant_write_acp.clone(),
        key: put.key.clone(),
        metadata: put.metadata.clone(),
        server_side_encryption: put.server_side_encryption.clone(),
        storage_class: put.storage_class.clone(),
        website_redirect_location: put.website_redirect_location.clone(),
        sse_customer_algorithm: put.sse_customer_algorithm.clone(),
        sse_customer_key: put.sse_customer_key.clone(),
        sse_customer_key_md5: put.sse_customer_key_md5.clone(),
        ssekms_key_id: put.ssekms_key_id.clone(),
        ssekms_encryption_context: put.ssekms_encryption_context.clone(),
        bucket_key_enabled: put.bucket_key_enabled,
        request_payer: put.request_payer.clone(),
        tagging: put.tagging.clone(),
        object_lock_mode: put.object_lock_mode.clone(),
        object_lock_retain_until_date: put.object_lock_retain_until_date,
        object_lock_legal_hold_status: put.object_lock_legal_hold_status.clone(),
        object_lock_event_hold: put.object_lock_event_hold.clone(),
        object_lock_event_hold_duration_days: put.object_lock_event_hold_duration_days,
        object_lock_event_hold_duration_years: put.object_lock_event_hold_duration_years,
        expected_bucket_owner: put.expected_bucket_owner.clone(),
        checksum_algorithm,
        checksum_type,
    }
}
