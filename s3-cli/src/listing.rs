//! Reading and removing many objects: every object under a prefix, and deletes in
//! DeleteObjects batches of 1,000 (the most S3 takes), reporting each key that failed.

use futures_util::TryStreamExt;
use s3_client::types::{Delete, Object, ObjectIdentifier};

use crate::{Cli, Failure};

/// Every object under `prefix`, in key order.
pub(crate) async fn objects(cli: &Cli, bucket: &str, prefix: &str) -> Result<Vec<Object>, Failure> {
    cli.client
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .map_err(|e| Failure::Service(format!("cannot list s3://{bucket}/{prefix}: {e}")))
}

/// What a listing says of an object: its size and ETag.
pub(crate) fn listed(obj: &Object) -> Option<(u64, Option<String>)> {
    let size = u64::try_from(obj.size?).ok()?;
    Some((size, obj.e_tag.clone()))
}

/// The part of `key` under `prefix` (`prefix` ends in `/` or is empty).
pub(crate) fn relative<'k>(key: &'k str, prefix: &str) -> &'k str {
    key.strip_prefix(prefix).unwrap_or(key)
}

/// Deletes `keys` from `bucket`, 1,000 per request; the keys deleted, and the keys that
/// were not with S3's reason.
pub(crate) async fn delete_keys(
    cli: &Cli,
    bucket: &str,
    keys: &[String],
) -> (Vec<String>, Vec<(String, String)>) {
    let mut deleted = Vec::new();
    let mut failed = Vec::new();
    for batch in keys.chunks(1000) {
        let objects = batch
            .iter()
            .map(|k| ObjectIdentifier {
                key: Some(k.clone()),
                ..Default::default()
            })
            .collect();
        let result = cli
            .client
            .delete_objects()
            .bucket(bucket)
            .delete(Delete {
                objects: Some(objects),
                quiet: Some(true),
            })
            .send()
            .await;
        match result {
            Ok(out) => {
                let errors: Vec<(String, String)> = out
                    .errors
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| {
                        let why = format!(
                            "{}: {}",
                            e.code.unwrap_or_default(),
                            e.message.unwrap_or_default()
                        );
                        (e.key.unwrap_or_default(), why)
                    })
                    .collect();
                for k in batch {
                    if !errors.iter().any(|(failed, _)| failed == k) {
                        deleted.push(k.clone());
                    }
                }
                failed.extend(errors);
            }
            Err(e) => failed.extend(batch.iter().map(|k| (k.clone(), e.to_string()))),
        }
    }
    (deleted, failed)
}
