//! `rm`: one object, or with `--recursive` every object under a prefix, deleted in
//! DeleteObjects batches of 1,000.

use crate::args::Command;
use crate::listing::{delete_keys, objects, relative};
use crate::location::{Location, as_dir, url};
use crate::{Cli, Failure, Outcome, exit};

pub(crate) async fn rm(cli: &Cli, c: &Command) -> Outcome {
    let o = &c.options;
    let (bucket, key) = Location::s3(&c.paths[0], "rm")?;
    let ui = &cli.ui;
    if !o.recursive {
        if key.is_empty() {
            return Err(Failure::Usage(format!(
                "{} names no object (use --recursive for a prefix)",
                url(&bucket, &key)
            )));
        }
        if o.dryrun {
            ui.result(&format!("(dryrun) delete: {}", url(&bucket, &key)));
            return Ok(exit::OK);
        }
        return match cli
            .client
            .delete_object()
            .bucket(&bucket)
            .key(&key)
            .send()
            .await
        {
            Ok(_) => {
                ui.result(&format!("delete: {}", url(&bucket, &key)));
                Ok(exit::OK)
            }
            Err(e) => Err(Failure::Failed(format!(
                "delete failed: {} {e}",
                url(&bucket, &key)
            ))),
        };
    }
    let prefix = as_dir(&key);
    let keys: Vec<String> = objects(cli, &bucket, &prefix)
        .await?
        .into_iter()
        .filter_map(|obj| obj.key)
        .filter(|k| o.filters.keeps(relative(k, &prefix)))
        .collect();
    if o.dryrun {
        for k in &keys {
            ui.result(&format!("(dryrun) delete: {}", url(&bucket, k)));
        }
        return Ok(exit::OK);
    }
    rm_keys(cli, &bucket, &keys).await
}

/// Deletes `keys`, a line for each; the exit code.
pub(crate) async fn rm_keys(cli: &Cli, bucket: &str, keys: &[String]) -> Outcome {
    let (deleted, failed) = delete_keys(cli, bucket, keys).await;
    for k in &deleted {
        cli.ui.result(&format!("delete: {}", url(bucket, k)));
    }
    for (k, why) in &failed {
        cli.ui
            .error(&format!("delete failed: {} {why}", url(bucket, k)));
    }
    Ok(if failed.is_empty() {
        exit::OK
    } else {
        exit::FAILED
    })
}
