//! `mb`, `rb` (with `--force`, emptied first) and `presign`.

use std::time::Duration;

use s3_client::presigning::PresigningConfig;
use s3_client::types::{BucketLocationConstraint, CreateBucketConfiguration};

use crate::args::Command;
use crate::listing::objects;
use crate::location::{Location, url};
use crate::rm::rm_keys;
use crate::{Cli, Failure, Outcome, exit};

/// A bucket location: `s3://bucket` with no key.
fn bucket_of(text: &str, command: &str) -> Result<String, Failure> {
    let (bucket, key) = Location::s3(text, command)?;
    if !key.is_empty() {
        return Err(Failure::Usage(format!(
            "`{command}` takes a bucket, not the key in {text}"
        )));
    }
    Ok(bucket)
}

pub(crate) async fn mb(cli: &Cli, c: &Command) -> Outcome {
    let bucket = bucket_of(&c.paths[0], "mb")?;
    let region = cli.client.config().region().to_string();
    let mut request = cli.client.create_bucket().bucket(&bucket);
    // us-east-1 takes no location constraint; every other region needs its own.
    if region != "us-east-1" && cli.client.config().store().is_none() {
        request = request.create_bucket_configuration(CreateBucketConfiguration {
            location_constraint: Some(BucketLocationConstraint::from(region.as_str())),
            ..Default::default()
        });
    }
    match request.send().await {
        Ok(_) => {
            cli.ui.result(&format!("make_bucket: {bucket}"));
            Ok(exit::OK)
        }
        Err(e) => Err(Failure::Failed(format!(
            "make_bucket failed: s3://{bucket} {e}"
        ))),
    }
}

pub(crate) async fn rb(cli: &Cli, c: &Command) -> Outcome {
    let bucket = bucket_of(&c.paths[0], "rb")?;
    if c.options.force {
        let keys: Vec<String> = objects(cli, &bucket, "")
            .await?
            .into_iter()
            .filter_map(|o| o.key)
            .collect();
        if rm_keys(cli, &bucket, &keys).await? != exit::OK {
            return Err(Failure::Failed(format!(
                "remove_bucket failed: s3://{bucket} some objects could not be deleted"
            )));
        }
    }
    match cli.client.delete_bucket().bucket(&bucket).send().await {
        Ok(_) => {
            cli.ui.result(&format!("remove_bucket: {bucket}"));
            Ok(exit::OK)
        }
        Err(e) => Err(Failure::Failed(format!(
            "remove_bucket failed: s3://{bucket} {e}"
        ))),
    }
}

pub(crate) async fn presign(cli: &Cli, c: &Command) -> Outcome {
    let (bucket, key) = Location::s3(&c.paths[0], "presign")?;
    if key.is_empty() {
        return Err(Failure::Usage(format!(
            "{} names no object",
            url(&bucket, &key)
        )));
    }
    let seconds = c.options.expires_in.unwrap_or(3600);
    let config = PresigningConfig::expires_in(Duration::from_secs(seconds))
        .map_err(|e| Failure::Usage(format!("--expires-in {seconds}: {e}")))?;
    let presigned = cli
        .client
        .get_object()
        .bucket(&bucket)
        .key(&key)
        .presigned(config)
        .await
        .map_err(|e| Failure::Other(format!("cannot presign {}: {e}", url(&bucket, &key))))?;
    cli.ui.print(presigned.uri());
    Ok(exit::OK)
}
