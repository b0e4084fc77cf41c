//! What the command prints: result lines as the AWS CLI words them ("upload: a to
//! s3://b/a"), errors, and on a terminal indicatif progress bars, one per transfer in
//! flight and one overall with rate and ETA. Piped, there are no bars; `--quiet` and
//! `--only-show-errors` leave fewer lines.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use s3_client::transfer::{JobStart, Progress};

/// Which lines are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verbosity {
    /// Result lines and errors.
    All,
    /// Errors only (`--only-show-errors`).
    Errors,
    /// Nothing but the command's own output and errors (`--quiet`).
    Quiet,
}

pub(crate) type Sink = Box<dyn Write + Send>;

/// The command's output streams.
pub(crate) struct Ui {
    out: Mutex<Sink>,
    err: Mutex<Sink>,
    verbosity: Mutex<Verbosity>,
    /// Progress bars are drawn (stderr is a terminal and `--no-progress` was not given).
    terminal: bool,
    bars: Mutex<Option<MultiProgress>>,
}

impl Ui {
    pub(crate) fn new(out: Sink, err: Sink, terminal: bool) -> Arc<Ui> {
        Arc::new(Ui {
            out: Mutex::new(out),
            err: Mutex::new(err),
            verbosity: Mutex::new(Verbosity::All),
            terminal,
            bars: Mutex::new(None),
        })
    }

    pub(crate) fn set_verbosity(&self, v: Verbosity) {
        if let Ok(mut verbosity) = self.verbosity.lock() {
            *verbosity = v;
        }
    }

    fn verbosity(&self) -> Verbosity {
        self.verbosity.lock().map_or(Verbosity::All, |v| *v)
    }

    /// The command's own output (listings, URLs): always printed.
    pub(crate) fn print(&self, line: &str) {
        self.write(&self.out, line);
    }

    /// A result line ("upload: a to s3://b/a"), unless quieted.
    pub(crate) fn result(&self, line: &str) {
        if self.verbosity() == Verbosity::All {
            self.write(&self.out, line);
        }
    }

    /// An error or warning line, on stderr.
    pub(crate) fn error(&self, line: &str) {
        self.write(&self.err, line);
    }

    fn write(&self, sink: &Mutex<Sink>, line: &str) {
        let bars = self.bars.lock().ok().and_then(|b| b.clone());
        let emit = || {
            if let Ok(mut s) = sink.lock() {
                let _ = writeln!(s, "{line}");
                let _ = s.flush();
            }
        };
        match bars {
            // Above the bars, which are drawn again below the line.
            Some(bars) => bars.suspend(emit),
            None => emit(),
        }
    }

    /// A writer of raw bytes to standard output (`cp s3://b/k -`).
    pub(crate) fn data_writer(self: &Arc<Self>) -> DataWriter {
        DataWriter(self.clone())
    }

    /// Bars for a transfer, when they are drawn.
    pub(crate) fn bars(self: &Arc<Self>, show: bool) -> Option<Arc<Bars>> {
        if !self.terminal || !show || self.verbosity() != Verbosity::All {
            return None;
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10));
        let total = multi.add(ProgressBar::new(0));
        total.set_style(style(
            "{spinner:.green} [{elapsed_precise}] [{wide_bar:.cyan/blue}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
        ));
        if let Ok(mut b) = self.bars.lock() {
            *b = Some(multi.clone());
        }
        Some(Arc::new(Bars {
            ui: self.clone(),
            multi,
            total,
            jobs: Mutex::new(Vec::new()),
        }))
    }
}

/// Standard output as an async writer; writes go straight to the sink.
pub(crate) struct DataWriter(Arc<Ui>);

impl tokio::io::AsyncWrite for DataWriter {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let written = match self.0.out.lock() {
            Ok(mut out) => out.write_all(buf).map(|()| buf.len()),
            Err(_) => Err(std::io::Error::other("standard output is unusable")),
        };
        std::task::Poll::Ready(written)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let flushed = match self.0.out.lock() {
            Ok(mut out) => out.flush(),
            Err(_) => Err(std::io::Error::other("standard output is unusable")),
        };
        std::task::Poll::Ready(flushed)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.poll_flush(cx)
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// The bars of one command: overall, and one per transfer in flight.
pub(crate) struct Bars {
    ui: Arc<Ui>,
    multi: MultiProgress,
    total: ProgressBar,
    jobs: Mutex<Vec<(usize, JobStart, ProgressBar)>>,
}

impl Bars {
    /// A transfer started.
    pub(crate) fn start(&self, job: &JobStart) {
        let bar = self.multi.add(ProgressBar::new(0));
        bar.set_style(style(
            "  {msg:40!} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec}",
        ));
        bar.set_message(job.destination.clone());
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.push((job.index, job.clone(), bar));
        }
    }

    /// A transfer ended.
    pub(crate) fn end(&self, index: usize) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.retain(|(i, _, bar)| {
                if *i == index {
                    bar.finish_and_clear();
                    self.multi.remove(bar);
                }
                *i != index
            });
        }
    }

    /// Draws `overall` and each transfer's progress.
    pub(crate) fn update(&self, overall: &Progress) {
        set(&self.total, overall);
        let files = match overall.total_objects {
            Some(n) if n > 1 => format!("{}/{n} files", overall.objects),
            _ => String::new(),
        };
        self.total.set_message(files);
        if let Ok(jobs) = self.jobs.lock() {
            for (_, job, bar) in jobs.iter() {
                set(bar, &job.progress());
            }
        }
    }

    /// Removes the bars once the transfers are done.
    pub(crate) fn finish(&self) {
        self.total.finish_and_clear();
        let _ = self.multi.clear();
        if let Ok(mut b) = self.ui.bars.lock() {
            *b = None;
        }
    }
}

fn set(bar: &ProgressBar, p: &Progress) {
    bar.set_length(p.total_bytes.unwrap_or(p.bytes));
    bar.set_position(p.bytes);
}

/// How often bars are redrawn.
pub(crate) const TICK: Duration = Duration::from_millis(100);

/// Sizes as `ls --human-readable` prints them: `12 Bytes`, `1.5 KiB`, `3.0 GiB`.
pub(crate) fn human(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} Bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    #[test]
    fn human_sizes() {
        assert_eq!(super::human(12), "12 Bytes");
        assert_eq!(super::human(1536), "1.5 KiB");
        assert_eq!(super::human(3 << 30), "3.0 GiB");
    }
}
