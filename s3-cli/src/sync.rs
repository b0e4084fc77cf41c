//! `sync`: transfers only what differs, by size and then by content (a file's MD5, or
//! its multipart ETag at the transfer's part size, against the object's ETag), falling
//! back to modification times only when the ETag cannot tell; `--delete` removes what
//! the source no longer has.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use s3_client::primitives::DateTime;
use s3_client::transfer::{LocalFile, file_matches_e_tag, local_files, local_path};
use s3_client::types::Object;

use crate::args::{Command, Options};
use crate::listing::{listed, objects, relative};
use crate::location::{Location, as_dir};
use crate::plan::{self, Plan, Target};
use crate::run::execute;
use crate::{Cli, Failure, Outcome};

pub(crate) async fn sync(cli: &Cli, c: &Command) -> Outcome {
    let o = &c.options;
    let from = Location::parse(&c.paths[0])?;
    let to = Location::parse(&c.paths[1])?;
    let part_size = plan::settings(o).part_size;
    let mut plan = Plan::default();
    match (&from, &to) {
        (Location::Local(dir), Location::S3 { bucket, key }) => {
            if !tokio::fs::metadata(dir).await.is_ok_and(|m| m.is_dir()) {
                return Err(Failure::Usage(format!(
                    "{} is not a directory",
                    dir.display()
                )));
            }
            let prefix = as_dir(key);
            let remote = remote_objects(cli, bucket, &prefix).await?;
            let (files, problems) = local_files(dir).await;
            plan.skipped = problems;
            let mut here = HashSet::new();
            for f in files.iter().filter(|f| o.filters.keeps(&f.relative)) {
                here.insert(f.relative.clone());
                let changed = match remote.get(&f.relative) {
                    None => true,
                    Some(obj) => differs(f, obj, o, part_size, Direction::Up).await,
                };
                if changed {
                    let key = format!("{prefix}{}", f.relative);
                    plan.ops
                        .push(plan::upload(cli, o, &f.path, bucket, &key, f.size));
                }
            }
            if o.delete {
                for rel in remote
                    .keys()
                    .filter(|r| !here.contains(*r) && o.filters.keeps(r))
                {
                    plan.deletions.push(Target::Object {
                        bucket: bucket.clone(),
                        key: format!("{prefix}{rel}"),
                    });
                }
            }
        }
        (Location::S3 { bucket, key }, Location::Local(dir)) => {
            let prefix = as_dir(key);
            let remote = remote_objects(cli, bucket, &prefix).await?;
            let local = local_by_path(dir).await;
            let mut rels: Vec<&String> = remote.keys().collect();
            rels.sort();
            for rel in rels.into_iter().filter(|r| o.filters.keeps(r)) {
                let obj = &remote[rel];
                let path = match local_path(dir, rel) {
                    Ok(p) => p,
                    Err(why) => {
                        plan.skipped
                            .push((format!("s3://{bucket}/{prefix}{rel}"), why));
                        continue;
                    }
                };
                let changed = match local.get(rel) {
                    None => true,
                    Some(f) => differs(f, obj, o, part_size, Direction::Down).await,
                };
                if changed {
                    let key = format!("{prefix}{rel}");
                    plan.ops
                        .push(plan::download(cli, bucket, &key, &path, listed(obj)));
                }
            }
            if o.delete {
                for (rel, f) in &local {
                    if !remote.contains_key(rel) && o.filters.keeps(rel) {
                        plan.deletions.push(Target::Local(f.path.clone()));
                    }
                }
            }
        }
        (
            Location::S3 { bucket, key },
            Location::S3 {
                bucket: to_bucket,
                key: to_key,
            },
        ) => {
            let (prefix, to_prefix) = (as_dir(key), as_dir(to_key));
            let source = remote_objects(cli, bucket, &prefix).await?;
            let target = remote_objects(cli, to_bucket, &to_prefix).await?;
            let mut rels: Vec<&String> = source.keys().collect();
            rels.sort();
            for rel in rels.into_iter().filter(|r| o.filters.keeps(r)) {
                let obj = &source[rel];
                let same = target
                    .get(rel)
                    .is_some_and(|t| t.size == obj.size && (o.size_only || t.e_tag == obj.e_tag));
                if !same {
                    let size = obj.size.and_then(|s| u64::try_from(s).ok());
                    let (from_key, to) = (format!("{prefix}{rel}"), format!("{to_prefix}{rel}"));
                    plan.ops.push(plan::copy(
                        cli,
                        o,
                        (bucket, &from_key),
                        (to_bucket, &to),
                        size,
                    ));
                }
            }
            if o.delete {
                for rel in target
                    .keys()
                    .filter(|r| !source.contains_key(*r) && o.filters.keeps(r))
                {
                    plan.deletions.push(Target::Object {
                        bucket: to_bucket.clone(),
                        key: format!("{to_prefix}{rel}"),
                    });
                }
            }
        }
        _ => {
            return Err(Failure::Usage(
                "sync goes between a directory and s3://, or between two s3:// locations".into(),
            ));
        }
    }
    plan.deletions.sort_by_key(Target::show);
    execute(cli, o, plan).await
}

/// The objects under `prefix` by their path under it, folder markers left out.
async fn remote_objects(
    cli: &Cli,
    bucket: &str,
    prefix: &str,
) -> Result<HashMap<String, Object>, Failure> {
    Ok(objects(cli, bucket, prefix)
        .await?
        .into_iter()
        .filter_map(|obj| {
            let key = obj.key.clone()?;
            let rel = relative(&key, prefix);
            (!rel.is_empty() && !key.ends_with('/')).then(|| (rel.to_string(), obj))
        })
        .collect())
}

/// The files under `dir` (none when it does not exist yet) by relative path.
async fn local_by_path(dir: &Path) -> HashMap<String, LocalFile> {
    if tokio::fs::metadata(dir).await.is_err() {
        return HashMap::new();
    }
    local_files(dir)
        .await
        .0
        .into_iter()
        .map(|f| (f.relative.clone(), f))
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

/// Whether a file and an object of the same name hold different data.
async fn differs(
    f: &LocalFile,
    obj: &Object,
    o: &Options,
    part_size: u64,
    direction: Direction,
) -> bool {
    if obj.size != Some(f.size as i64) {
        return true;
    }
    if o.size_only {
        return false;
    }
    if let Some(e_tag) = &obj.e_tag
        && let Ok(Some(same)) = file_matches_e_tag(&f.path, e_tag, part_size).await
    {
        return !same;
    }
    // The ETag cannot tell (another part size, an SSE-KMS object): the newer side wins,
    // as the AWS CLI decides.
    let (Some(local), Some(remote)) = (f.modified, obj.last_modified) else {
        return true;
    };
    let local = DateTime::from(local).secs();
    match direction {
        Direction::Up => local > remote.secs(),
        Direction::Down => remote.secs() > local,
    }
}
