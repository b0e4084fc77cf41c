//! `cp` and `mv`, and the one way every transfer command runs its plan: a batch of the
//! transfer manager with a line per object, bars on a terminal, Ctrl-C cancelling
//! cleanly, then the deletions, and the AWS CLI's exit code.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use s3_client::primitives::ByteStream;
use s3_client::transfer::{JobReport, local_path};
use tokio::io::AsyncReadExt;

use crate::args::{Command, Options};
use crate::listing::{delete_keys, listed, objects, relative};
use crate::location::{Location, as_dir, base_name, show, url};
use crate::plan::{self, Op, Plan, Target};
use crate::ui::TICK;
use crate::{Cli, Failure, Outcome, exit};

/// `cp` (and, with `moving`, `mv`).
pub(crate) async fn copy(cli: &Cli, c: &Command, moving: bool) -> Outcome {
    let o = &c.options;
    let from = Location::parse(&c.paths[0])?;
    let to = Location::parse(&c.paths[1])?;
    match (&from, &to) {
        (Location::Stdio, Location::S3 { bucket, key }) if !moving => {
            return from_stdin(cli, o, bucket, key).await;
        }
        (Location::S3 { bucket, key }, Location::Stdio) if !moving => {
            return to_stdout(cli, o, bucket, key).await;
        }
        (Location::Stdio, _) | (_, Location::Stdio) => {
            return Err(Failure::Usage(
                "- streams only from stdin to s3:// or from s3:// to stdout, with cp".into(),
            ));
        }
        (Location::Local(_), Location::Local(_)) => {
            return Err(Failure::Usage(format!(
                "`{}` copies to or from S3: one of the paths must be s3://",
                c.name
            )));
        }
        _ => {}
    }
    let mut plan = if o.recursive {
        plan_tree(cli, o, &from, &to).await?
    } else {
        plan_one(cli, o, &from, &to).await?
    };
    if moving {
        plan.ops = plan.ops.into_iter().map(Op::moving).collect();
    }
    execute(cli, o, plan).await
}

/// One object or file.
async fn plan_one(cli: &Cli, o: &Options, from: &Location, to: &Location) -> Result<Plan, Failure> {
    let mut plan = Plan::default();
    let op = match (from, to) {
        (Location::Local(path), Location::S3 { bucket, key }) => {
            let meta = match tokio::fs::metadata(path).await {
                Ok(m) if m.is_file() => m,
                Ok(_) => {
                    plan.skipped.push((
                        show(path),
                        "is not a file (use --recursive for a directory)".into(),
                    ));
                    return Ok(plan);
                }
                Err(e) => {
                    plan.skipped.push((show(path), e.to_string()));
                    return Ok(plan);
                }
            };
            let key = if key.is_empty() || key.ends_with('/') {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                format!("{key}{name}")
            } else {
                key.clone()
            };
            plan::upload(cli, o, path, bucket, &key, meta.len())
        }
        (Location::S3 { bucket, key }, Location::Local(path)) => {
            if key.is_empty() || key.ends_with('/') {
                return Err(Failure::Usage(format!(
                    "{} names no object (use --recursive for a prefix)",
                    url(bucket, key)
                )));
            }
            let path = into_dir(path, base_name(key)).await;
            plan::download(cli, bucket, key, &path, None)
        }
        (
            Location::S3 { bucket, key },
            Location::S3 {
                bucket: to_bucket,
                key: to_key,
            },
        ) => {
            if key.is_empty() {
                return Err(Failure::Usage(format!(
                    "{} names no object (use --recursive for a prefix)",
                    url(bucket, key)
                )));
            }
            let to_key = if to_key.is_empty() || to_key.ends_with('/') {
                format!("{to_key}{}", base_name(key))
            } else {
                to_key.clone()
            };
            plan::copy(cli, o, (bucket, key), (to_bucket, &to_key), None)
        }
        _ => return Ok(plan),
    };
    plan.ops.push(op);
    Ok(plan)
}

/// `path`, or `path/name` when `path` is a directory or ends with `/`.
async fn into_dir(path: &Path, name: &str) -> PathBuf {
    let is_dir = path.to_string_lossy().ends_with('/')
        || tokio::fs::metadata(path).await.is_ok_and(|m| m.is_dir());
    if is_dir {
        path.join(name)
    } else {
        path.to_path_buf()
    }
}

/// Everything under a directory or prefix.
async fn plan_tree(
    cli: &Cli,
    o: &Options,
    from: &Location,
    to: &Location,
) -> Result<Plan, Failure> {
    let mut plan = Plan::default();
    match (from, to) {
        (Location::Local(dir), Location::S3 { bucket, key }) => {
            let (files, problems) = s3_client::transfer::local_files(dir).await;
            plan.skipped = problems;
            let prefix = as_dir(key);
            for f in files.iter().filter(|f| o.filters.keeps(&f.relative)) {
                let op = plan::upload(
                    cli,
                    o,
                    &f.path,
                    bucket,
                    &format!("{prefix}{}", f.relative),
                    f.size,
                );
                plan.ops.push(op);
            }
        }
        (Location::S3 { bucket, key }, Location::Local(dir)) => {
            let prefix = as_dir(key);
            for obj in objects(cli, bucket, &prefix).await? {
                let Some(k) = obj.key.clone() else { continue };
                let rel = relative(&k, &prefix);
                if k.ends_with('/') || !o.filters.keeps(rel) {
                    continue;
                }
                let path = match local_path(dir, rel) {
                    Ok(p) => p,
                    Err(why) => {
                        plan.skipped.push((url(bucket, &k), why));
                        continue;
                    }
                };
                plan.ops
                    .push(plan::download(cli, bucket, &k, &path, listed(&obj)));
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
            for obj in objects(cli, bucket, &prefix).await? {
                let Some(k) = obj.key else { continue };
                let rel = relative(&k, &prefix);
                if !o.filters.keeps(rel) {
                    continue;
                }
                let size = obj.size.and_then(|s| u64::try_from(s).ok());
                let op = plan::copy(
                    cli,
                    o,
                    (bucket, &k),
                    (to_bucket, &format!("{to_prefix}{rel}")),
                    size,
                );
                plan.ops.push(op);
            }
        }
        _ => {}
    }
    Ok(plan)
}

/// Runs `plan` (or, with `--dryrun`, prints it): the transfers as one batch, then the
/// deletions, each result on a line; the exit code says whether anything failed or was
/// skipped.
pub(crate) async fn execute(cli: &Cli, o: &Options, plan: Plan) -> Outcome {
    let ui = cli.ui.clone();
    for (what, why) in &plan.skipped {
        ui.error(&format!("warning: skipping {what}: {why}"));
    }
    let skipped = if plan.skipped.is_empty() {
        exit::OK
    } else {
        exit::SKIPPED
    };
    if o.dryrun {
        for op in &plan.ops {
            ui.result(&format!(
                "(dryrun) {}: {} to {}",
                op.verb, op.source, op.destination
            ));
        }
        for t in &plan.deletions {
            ui.result(&format!("(dryrun) delete: {}", t.show()));
        }
        return Ok(skipped);
    }
    let mut failed = false;
    let mut moved = Vec::new();
    if !plan.ops.is_empty() {
        let total: Option<u64> = plan.ops.iter().map(|op| op.size).sum();
        let ops: Arc<Vec<(&'static str, Option<Target>)>> = Arc::new(
            plan.ops
                .iter()
                .map(|op| (op.verb, op.remove_origin.then(|| op.origin.clone())))
                .collect(),
        );
        let jobs: Vec<_> = plan.ops.into_iter().map(|op| op.job).collect();
        let bars = ui.bars(!o.no_progress);
        let mut batch = cli
            .client
            .transfer_batch(jobs)
            .transfer_config(plan::settings(o));
        if let Some(total) = total {
            batch = batch.total_bytes(total);
        }
        if let Some(bars) = bars.clone() {
            batch = batch.on_start(move |job| bars.start(job));
        }
        let (report_ui, report_bars, report_ops) = (ui.clone(), bars.clone(), ops.clone());
        batch = batch.on_report(move |r: &JobReport| {
            if let Some(bars) = &report_bars {
                bars.end(r.index);
            }
            let verb = report_ops.get(r.index).map_or("transfer", |v| v.0);
            match &r.outcome {
                Ok(_) => report_ui.result(&format!("{verb}: {} to {}", r.source, r.destination)),
                Err(e) => report_ui.error(&format!(
                    "{verb} failed: {} to {} {e}",
                    r.source, r.destination
                )),
            }
        });
        let mut handle = batch.start();
        let mut ticks = tokio::time::interval(TICK);
        let interrupted = async {
            if cli.signals {
                let _ = tokio::signal::ctrl_c().await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::pin!(interrupted);
        let outcome = loop {
            tokio::select! {
                out = &mut handle => break out,
                _ = ticks.tick() => {
                    if let Some(bars) = &bars {
                        bars.update(&handle.progress());
                    }
                }
                _ = &mut interrupted => {
                    handle.cancel();
                    let _ = (&mut handle).await;
                    if let Some(bars) = &bars {
                        bars.finish();
                    }
                    ui.error("cancelled: transfers stopped, multipart uploads aborted, partial downloads removed");
                    return Ok(exit::INTERRUPTED);
                }
            }
        };
        if let Some(bars) = &bars {
            bars.finish();
        }
        let out = outcome.map_err(|e| Failure::Other(e.to_string()))?;
        failed |= out.failures().next().is_some();
        for r in out.reports.iter().filter(|r| r.outcome.is_ok()) {
            if let Some((_, Some(source))) = ops.get(r.index) {
                moved.push(source.clone());
            }
        }
    }
    failed |= !remove(cli, moved, false).await;
    failed |= !remove(cli, plan.deletions, true).await;
    Ok(if failed { exit::FAILED } else { skipped })
}

/// Deletes `targets` (moved sources, or `sync --delete` extras, which are announced
/// with a line each); whether all went.
async fn remove(cli: &Cli, targets: Vec<Target>, announce: bool) -> bool {
    let mut ok = true;
    let mut by_bucket: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for t in targets {
        match t {
            Target::Local(path) => match tokio::fs::remove_file(&path).await {
                Ok(()) if announce => cli.ui.result(&format!("delete: {}", show(&path))),
                Ok(()) => {}
                Err(e) => {
                    ok = false;
                    cli.ui.error(&format!("delete failed: {} {e}", show(&path)));
                }
            },
            Target::Object { bucket, key } => by_bucket.entry(bucket).or_default().push(key),
        }
    }
    for (bucket, keys) in by_bucket {
        let (deleted, failed) = delete_keys(cli, &bucket, &keys).await;
        if announce {
            for key in &deleted {
                cli.ui.result(&format!("delete: {}", url(&bucket, key)));
            }
        }
        for (key, why) in &failed {
            cli.ui
                .error(&format!("delete failed: {} {why}", url(&bucket, key)));
        }
        ok &= failed.is_empty();
    }
    ok
}

/// `cp - s3://bucket/key`: standard input, in parts filled in memory.
async fn from_stdin(cli: &Cli, o: &Options, bucket: &str, key: &str) -> Outcome {
    if key.is_empty() || key.ends_with('/') {
        return Err(Failure::Usage(format!(
            "{} names no object to write stdin to",
            url(bucket, key)
        )));
    }
    let Some(stdin) = cli.stdin.lock().ok().and_then(|mut s| s.take()) else {
        return Err(Failure::Other("standard input was already read".into()));
    };
    let chunks = futures_util::stream::unfold(stdin, |mut input| async move {
        let mut buf = vec![0; 1 << 20];
        match input.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), input))
            }
            Err(e) => Some((Err(e), input)),
        }
    });
    let mut settings = plan::settings(o);
    if let Some(expected) = o.expected_size {
        settings.part_size = settings
            .part_size
            .max(expected.div_ceil(10_000).div_ceil(1 << 20) << 20);
    }
    let mut upload = cli
        .client
        .upload(ByteStream::from_stream(chunks, o.expected_size))
        .bucket(bucket)
        .key(key)
        .transfer_config(settings);
    if let Some(t) = &o.content_type {
        upload = upload.content_type(t);
    }
    for (k, v) in &o.metadata {
        upload = upload.metadata(k, v);
    }
    match upload.send().await {
        Ok(_) => {
            cli.ui.result(&format!("upload: - to {}", url(bucket, key)));
            Ok(exit::OK)
        }
        Err(e) => Err(Failure::Failed(format!(
            "upload failed: - to {} {e}",
            url(bucket, key)
        ))),
    }
}

/// `cp s3://bucket/key -`: the object on standard output, ranges in parallel, in order.
async fn to_stdout(cli: &Cli, o: &Options, bucket: &str, key: &str) -> Outcome {
    let settings = plan::settings(o);
    cli.client
        .download(cli.ui.data_writer())
        .bucket(bucket)
        .key(key)
        .transfer_config(settings)
        .send()
        .await
        .map(|_| exit::OK)
        .map_err(|e| Failure::Failed(format!("download failed: {} to - {e}", url(bucket, key))))
}
