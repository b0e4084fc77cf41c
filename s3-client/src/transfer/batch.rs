//! Many objects at once (s5cmd's design): objects in parallel as well as their parts, all
//! sharing one transfer's request permits, every failure reported and none stopping the
//! rest. Directory uploads and downloads are batches built from a walk or a listing.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::progress::Tracker;
use super::upload::required_bucket;
use super::{Copy, CopyOutput, DownloadFile, DownloadOutput, UploadFile, UploadOutput};
use super::{Ctx, Progress, TransferConfig, TransferError, TransferHandle};
use super::{blocking_send, blocking_start, transfer_settings, upload_settings};
use crate::Client;
use crate::fluent::Sends;
use crate::operation::put_object::PutObjectInput;

/// One transfer of a batch, made with the usual builders:
/// `Job::Upload(client.upload_file(p).bucket(b).key(k))`. The batch's transfer settings
/// apply to every job.
#[derive(Debug)]
#[non_exhaustive]
pub enum Job {
    /// An upload of a file.
    Upload(UploadFile),
    /// A download into a file.
    Download(DownloadFile),
    /// A server-side copy.
    Copy(Copy),
}

impl Job {
    /// Where the job reads from, as the AWS CLI prints it (`./a.txt`, `s3://b/k`).
    pub fn source(&self) -> String {
        match self {
            Job::Upload(u) => u.path().display().to_string(),
            Job::Download(d) => d.object_url(),
            Job::Copy(c) => c.source_url(),
        }
    }

    /// Where the job writes to.
    pub fn destination(&self) -> String {
        match self {
            Job::Upload(u) => u.object_url(),
            Job::Download(d) => d.path().display().to_string(),
            Job::Copy(c) => c.destination_url(),
        }
    }

    async fn run(self, ctx: Ctx) -> Result<JobOutcome, TransferError> {
        Ok(match self {
            Job::Upload(u) => JobOutcome::Uploaded(u.run_in(ctx).await?),
            Job::Download(d) => JobOutcome::Downloaded(d.run_in(ctx).await?),
            Job::Copy(c) => JobOutcome::Copied(c.run_in(ctx).await?),
        })
    }
}

/// What a job did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobOutcome {
    /// An upload.
    Uploaded(UploadOutput),
    /// A download.
    Downloaded(DownloadOutput),
    /// A copy.
    Copied(CopyOutput),
}

impl JobOutcome {
    /// Bytes moved.
    pub fn size(&self) -> u64 {
        match self {
            JobOutcome::Uploaded(o) => o.size,
            JobOutcome::Downloaded(o) => o.size,
            JobOutcome::Copied(o) => o.size,
        }
    }
}

/// How one job of a batch ended.
#[derive(Debug)]
#[non_exhaustive]
pub struct JobReport {
    /// The job's place in the batch.
    pub index: usize,
    /// Where it read from.
    pub source: String,
    /// Where it wrote to.
    pub destination: String,
    /// What it did, or why it failed.
    pub outcome: Result<JobOutcome, TransferError>,
}

/// A job as it starts, with its own progress.
#[derive(Clone)]
pub struct JobStart {
    /// The job's place in the batch.
    pub index: usize,
    /// Where it reads from.
    pub source: String,
    /// Where it writes to.
    pub destination: String,
    tracker: Arc<Tracker>,
}

impl JobStart {
    /// How far the job has got.
    pub fn progress(&self) -> Progress {
        self.tracker.snapshot()
    }
}

impl std::fmt::Debug for JobStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobStart")
            .field("index", &self.index)
            .field("source", &self.source)
            .field("destination", &self.destination)
            .finish()
    }
}

/// Every job's report, in the order the jobs were given.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct BatchOutput {
    /// One per job.
    pub reports: Vec<JobReport>,
    /// Problems found before any job ran (a file that could not be read while walking a
    /// directory, a key that would land outside it), as `(what, why)`.
    pub skipped: Vec<(String, String)>,
}

impl BatchOutput {
    /// The jobs that failed.
    pub fn failures(&self) -> impl Iterator<Item = (&JobReport, &TransferError)> {
        self.reports
            .iter()
            .filter_map(|r| r.outcome.as_ref().err().map(|e| (r, e)))
    }

    /// Bytes moved by the jobs that succeeded.
    pub fn bytes(&self) -> u64 {
        self.reports
            .iter()
            .filter_map(|r| r.outcome.as_ref().ok())
            .map(JobOutcome::size)
            .sum()
    }
}

type StartHook = Arc<dyn Fn(&JobStart) + Send + Sync>;
type ReportHook = Arc<dyn Fn(&JobReport) + Send + Sync>;

/// Many transfers; made by [`Client::transfer_batch`].
pub struct Batch<Mode = Sends> {
    client: Client,
    jobs: Vec<Job>,
    settings: TransferConfig,
    total_bytes: Option<u64>,
    skipped: Vec<(String, String)>,
    on_start: Option<StartHook>,
    on_report: Option<ReportHook>,
    // Read by the blocking mode.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    mode: Mode,
}

transfer_settings!(Batch);
upload_settings!(Batch);
blocking_send!(Batch { client, jobs, settings, total_bytes, skipped, on_start, on_report } -> BatchOutput);
blocking_start!(Batch -> BatchOutput);

impl<Mode> std::fmt::Debug for Batch<Mode> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("jobs", &self.jobs.len())
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Batch {
    pub(crate) fn new(client: Client, jobs: Vec<Job>) -> Self {
        Batch {
            client,
            jobs,
            settings: TransferConfig::default(),
            mode: Sends,
            total_bytes: None,
            skipped: Vec::new(),
            on_start: None,
            on_report: None,
        }
    }

    /// The batch of a directory transfer: its jobs, settings, total and what the walk
    /// skipped.
    fn of_tree(
        client: &Client,
        jobs: Vec<Job>,
        settings: &TransferConfig,
        total: u64,
        skipped: Vec<(String, String)>,
    ) -> Self {
        Batch {
            settings: settings.clone(),
            total_bytes: Some(total),
            skipped,
            ..Batch::new(client.clone(), jobs)
        }
    }

    /// The bytes of all the jobs, when known, so that the overall progress has a total
    /// from the start (otherwise it grows as jobs learn their sizes).
    pub fn total_bytes(mut self, bytes: u64) -> Self {
        self.total_bytes = Some(bytes);
        self
    }

    /// Calls `f` as each job starts (for a progress bar per transfer).
    pub fn on_start(mut self, f: impl Fn(&JobStart) + Send + Sync + 'static) -> Self {
        self.on_start = Some(Arc::new(f));
        self
    }

    /// Calls `f` as each job ends, with its outcome.
    pub fn on_report(mut self, f: impl Fn(&JobReport) + Send + Sync + 'static) -> Self {
        self.on_report = Some(Arc::new(f));
        self
    }

    /// Starts the batch.
    pub fn start(self) -> TransferHandle<BatchOutput> {
        let ctx = Ctx::new(self.client.clone(), self.settings.clone());
        if let Some(total) = self.total_bytes {
            ctx.tracker.set_total_bytes(total);
        }
        let work = run_batch(
            ctx.clone(),
            self.jobs,
            self.skipped,
            self.on_start,
            self.on_report,
        );
        TransferHandle::spawn(&ctx, work)
    }

    /// Runs the batch and waits for every job.
    pub async fn send(self) -> Result<BatchOutput, TransferError> {
        self.start().await
    }
}

async fn run_batch(
    ctx: Ctx,
    jobs: Vec<Job>,
    skipped: Vec<(String, String)>,
    on_start: Option<StartHook>,
    on_report: Option<ReportHook>,
) -> Result<BatchOutput, TransferError> {
    ctx.config.validate()?;
    ctx.tracker.set_total_objects(jobs.len() as u64);
    // Objects in flight are bounded apart from requests, so that an object waiting for
    // a request permit never holds back the objects that have one.
    let slots = Arc::new(Semaphore::new(ctx.config.concurrency));
    let mut running = JoinSet::new();
    let mut reports: Vec<Option<JobReport>> = (0..jobs.len()).map(|_| None).collect();
    let names: Vec<(String, String)> = jobs.iter().map(|j| (j.source(), j.destination())).collect();
    let finish = |report: JobReport, reports: &mut Vec<Option<JobReport>>| {
        ctx.tracker.object_done(report.outcome.is_ok());
        if let Some(f) = &on_report {
            f(&report);
        }
        let index = report.index;
        reports[index] = Some(report);
    };
    for (index, job) in jobs.into_iter().enumerate() {
        let slot = tokio::select! {
            biased;
            _ = ctx.cancel.cancelled() => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        while let Some(Ok(report)) = running.try_join_next() {
            finish(report, &mut reports);
        }
        let child = ctx.child();
        let (source, destination) = names[index].clone();
        if let Some(f) = &on_start {
            f(&JobStart {
                index,
                source: source.clone(),
                destination: destination.clone(),
                tracker: child.tracker.clone(),
            });
        }
        running.spawn(async move {
            let outcome = job.run(child).await;
            drop(slot);
            JobReport {
                index,
                source,
                destination,
                outcome,
            }
        });
    }
    while let Some(joined) = running.join_next().await {
        if let Ok(report) = joined {
            finish(report, &mut reports);
        }
    }
    if ctx.cancel.is_cancelled() {
        return Err(TransferError::cancelled());
    }
    let reports = reports
        .into_iter()
        .zip(names)
        .enumerate()
        .map(|(index, (report, (source, destination)))| {
            report.unwrap_or_else(|| JobReport {
                index,
                source,
                destination,
                outcome: Err(TransferError::new(super::TransferErrorKind::Task(
                    "the job's task ended abnormally".into(),
                ))),
            })
        })
        .collect();
    Ok(BatchOutput { reports, skipped })
}

/// A file found under a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LocalFile {
    /// Its path.
    pub path: PathBuf,
    /// Its path under the directory, with `/` between names (the key suffix).
    pub relative: String,
    /// Its size.
    pub size: u64,
    /// When it was last modified.
    pub modified: Option<std::time::SystemTime>,
}

/// Every file under `dir`, following symbolic links as the AWS CLI does (a link back to
/// a directory already being walked is skipped), sorted by relative path; the problems
/// met on the way come second, as `(path, why)`.
pub async fn local_files(dir: &Path) -> (Vec<LocalFile>, Vec<(String, String)>) {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || walk(&dir))
        .await
        .unwrap_or_else(|e| (Vec::new(), vec![(String::new(), e.to_string())]))
}

fn walk(root: &Path) -> (Vec<LocalFile>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        match std::fs::canonicalize(&dir) {
            Ok(real) => {
                if !seen.insert(real) {
                    continue;
                }
            }
            Err(e) => {
                problems.push((dir.display().to_string(), e.to_string()));
                continue;
            }
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push((dir.display().to_string(), e.to_string()));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push((dir.display().to_string(), e.to_string()));
                    continue;
                }
            };
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                problems.push((
                    path.display().to_string(),
                    "the name is not UTF-8, so it cannot be a key".into(),
                ));
                continue;
            };
            let relative = format!("{prefix}{name}");
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => stack.push((path, format!("{relative}/"))),
                Ok(m) if m.is_file() => files.push(LocalFile {
                    path,
                    relative,
                    size: m.len(),
                    modified: m.modified().ok(),
                }),
                Ok(_) => problems.push((
                    path.display().to_string(),
                    "not a regular file or directory".into(),
                )),
                Err(e) => problems.push((path.display().to_string(), e.to_string())),
            }
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    (files, problems)
}

/// The path under `dir` an object's key maps to, or why it cannot be written there: a
/// key with `..` segments or an absolute path would land outside the directory.
pub fn local_path(dir: &Path, relative: &str) -> Result<PathBuf, String> {
    let rel = Path::new(relative);
    if relative.is_empty()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "the key part `{relative}` would be written outside {}",
            dir.display()
        ));
    }
    Ok(dir.join(rel))
}

type PathFilter = Arc<dyn Fn(&str) -> bool + Send + Sync>;
type PutCustomizer = Arc<dyn Fn(&LocalFile, &mut PutObjectInput) + Send + Sync>;

/// What a directory transfer names: the directory, the bucket and prefix, the filter.
struct Tree {
    dir: PathBuf,
    bucket: Option<String>,
    prefix: String,
    filter: Option<PathFilter>,
}

impl Tree {
    fn new(dir: &Path) -> Tree {
        Tree {
            dir: dir.to_path_buf(),
            bucket: None,
            prefix: String::new(),
            filter: None,
        }
    }

    /// Whether the path under the directory (`a/b.txt`) is transferred.
    fn keeps(&self, relative: &str) -> bool {
        self.filter.as_ref().is_none_or(|keep| keep(relative))
    }
}

/// The builder methods both directory transfers have.
macro_rules! tree_builder {
    ($builder:ident) => {
        impl<Mode> std::fmt::Debug for $builder<Mode> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($builder))
                    .field("dir", &self.tree.dir)
                    .field("bucket", &self.tree.bucket)
                    .field("prefix", &self.tree.prefix)
                    .finish_non_exhaustive()
            }
        }

        impl<Mode> $builder<Mode> {
            /// The bucket.
            pub fn bucket(mut self, bucket: impl Into<String>) -> Self {
                self.tree.bucket = Some(bucket.into());
                self
            }

            /// The keys' prefix: an upload puts it before each file's path under the
            /// directory (add the `/` yourself); a download takes the keys that start
            /// with it, each to its path after the prefix.
            pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
                self.tree.prefix = prefix.into();
                self
            }

            /// Transfers only what `keep` accepts of the paths under the directory
            /// (`a/b.txt`; for a download, the key after the prefix).
            pub fn filter(mut self, keep: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
                self.tree.filter = Some(Arc::new(keep));
                self
            }
        }

        transfer_settings!($builder);
    };
}

/// Uploads a directory; made by [`Client::upload_dir`].
pub struct UploadDir<Mode = Sends> {
    client: Client,
    tree: Tree,
    customize: Option<PutCustomizer>,
    settings: TransferConfig,
    // Read by the blocking mode.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    mode: Mode,
}

tree_builder!(UploadDir);
upload_settings!(UploadDir);
blocking_send!(UploadDir { client, tree, customize, settings } -> BatchOutput);

impl UploadDir {
    pub(crate) fn new(client: Client, dir: &Path) -> Self {
        UploadDir {
            client,
            tree: Tree::new(dir),
            customize: None,
            settings: TransferConfig::default(),
            mode: Sends,
        }
    }

    /// Sets `PutObject` settings per file (a content type from its name, say).
    pub fn with_input(
        mut self,
        f: impl Fn(&LocalFile, &mut PutObjectInput) + Send + Sync + 'static,
    ) -> Self {
        self.customize = Some(Arc::new(f));
        self
    }

    /// Walks the directory and makes the batch, to start or to add callbacks to.
    pub async fn into_batch(self) -> Result<Batch, TransferError> {
        let tree = &self.tree;
        let bucket = required_bucket(&tree.bucket)?;
        let meta = tokio::fs::metadata(&tree.dir)
            .await
            .map_err(|e| TransferError::file(&tree.dir, e))?;
        if !meta.is_dir() {
            return Err(TransferError::invalid(format!(
                "{} is not a directory",
                tree.dir.display()
            )));
        }
        let (files, skipped) = local_files(&tree.dir).await;
        let files: Vec<LocalFile> = files
            .into_iter()
            .filter(|f| tree.keeps(&f.relative))
            .collect();
        let total = files.iter().map(|f| f.size).sum();
        let jobs = files
            .iter()
            .map(|f| {
                let mut upload = self
                    .client
                    .upload_file(&f.path)
                    .bucket(&bucket)
                    .key(format!("{}{}", tree.prefix, f.relative));
                if let Some(customize) = &self.customize {
                    upload = upload.with_input(|put| customize(f, put));
                }
                Job::Upload(upload)
            })
            .collect();
        Ok(Batch::of_tree(
            &self.client,
            jobs,
            &self.settings,
            total,
            skipped,
        ))
    }

    /// Uploads every file and waits for all of them.
    pub async fn send(self) -> Result<BatchOutput, TransferError> {
        self.into_batch().await?.send().await
    }
}

/// Downloads the objects under a prefix; made by [`Client::download_dir`].
pub struct DownloadDir<Mode = Sends> {
    client: Client,
    tree: Tree,
    settings: TransferConfig,
    // Read by the blocking mode.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    mode: Mode,
}

tree_builder!(DownloadDir);
blocking_send!(DownloadDir { client, tree, settings } -> BatchOutput);

impl DownloadDir {
    pub(crate) fn new(client: Client, dir: &Path) -> Self {
        DownloadDir {
            client,
            tree: Tree::new(dir),
            settings: TransferConfig::default(),
            mode: Sends,
        }
    }

    /// Lists the objects and makes the batch, to start or to add callbacks to.
    pub async fn into_batch(self) -> Result<Batch, TransferError> {
        use futures_util::TryStreamExt;
        let tree = &self.tree;
        let bucket = required_bucket(&tree.bucket)?;
        let objects: Vec<crate::types::Object> = self
            .client
            .list_objects_v2()
            .bucket(&bucket)
            .prefix(&tree.prefix)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .map_err(|e| TransferError::request("ListObjectsV2", e))?;
        let mut jobs = Vec::new();
        let mut skipped = Vec::new();
        let mut total = 0;
        for object in objects {
            let Some(key) = object.key else { continue };
            // Keys ending in `/` are the folder markers consoles make, not files.
            if key.ends_with('/') {
                continue;
            }
            let relative = key[tree.prefix.len().min(key.len())..].trim_start_matches('/');
            if !tree.keeps(relative) {
                continue;
            }
            let path = match local_path(&tree.dir, relative) {
                Ok(p) => p,
                Err(why) => {
                    skipped.push((format!("s3://{bucket}/{key}"), why));
                    continue;
                }
            };
            let size = object.size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0);
            total += size;
            let download = self
                .client
                .download_file(path)
                .bucket(&bucket)
                .key(&key)
                .listed(size, object.e_tag);
            jobs.push(Job::Download(download));
        }
        Ok(Batch::of_tree(
            &self.client,
            jobs,
            &self.settings,
            total,
            skipped,
        ))
    }

    /// Downloads every object and waits for all of them.
    pub async fn send(self) -> Result<BatchOutput, TransferError> {
        self.into_batch().await?.send().await
    }
}
