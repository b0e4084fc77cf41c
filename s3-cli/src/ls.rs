//! `ls`: buckets, or the objects and common prefixes under a prefix (`PRE` lines), or
//! with `--recursive` every key; sizes in bytes or `--human-readable`, and totals with
//! `--summarize`. Times are UTC.

use s3_client::primitives::{DateTime, DateTimeFormat};

use crate::args::Command;
use crate::location::Location;
use crate::ui::human;
use crate::{Cli, Failure, Outcome, exit};

pub(crate) async fn ls(cli: &Cli, c: &Command) -> Outcome {
    let o = &c.options;
    let ui = &cli.ui;
    let target = c.paths.first().map(String::as_str).unwrap_or("s3://");
    if target == "s3://" || target.is_empty() {
        let out = cli
            .client
            .list_buckets()
            .send()
            .await
            .map_err(|e| Failure::Service(format!("cannot list buckets: {e}")))?;
        for b in out.buckets.unwrap_or_default() {
            ui.print(&format!(
                "{} {}",
                when(b.creation_date),
                b.name.unwrap_or_default()
            ));
        }
        return Ok(exit::OK);
    }
    let (bucket, key) = Location::s3(target, "ls")?;
    let size = |n: i64| {
        if o.human_readable {
            format!("{:>10}", human(n.max(0) as u64))
        } else {
            format!("{n:>10}")
        }
    };
    let (mut count, mut total) = (0u64, 0i64);
    let mut request = cli.client.list_objects_v2().bucket(&bucket).prefix(&key);
    if !o.recursive {
        request = request.delimiter("/");
    }
    // Names are shown under the "directory" the prefix is in, as the AWS CLI shows them.
    let dir = if o.recursive {
        ""
    } else {
        &key[..key.rfind('/').map_or(0, |i| i + 1)]
    };
    let mut paginator = request.into_paginator();
    if let Some(n) = o.page_size {
        paginator = paginator.page_size(n);
    }
    let mut pages = paginator.send();
    while let Some(page) = pages
        .try_next()
        .await
        .map_err(|e| Failure::Service(format!("cannot list s3://{bucket}/{key}: {e}")))?
    {
        for p in page.common_prefixes.unwrap_or_default() {
            let p = p.prefix.unwrap_or_default();
            ui.print(&format!(
                "{:>26} PRE {}",
                "",
                p.strip_prefix(dir).unwrap_or(&p)
            ));
        }
        for obj in page.contents.unwrap_or_default() {
            let k = obj.key.unwrap_or_default();
            let n = obj.size.unwrap_or(0);
            count += 1;
            total += n;
            ui.print(&format!(
                "{} {} {}",
                when(obj.last_modified),
                size(n),
                k.strip_prefix(dir).unwrap_or(&k)
            ));
        }
    }
    if o.summarize {
        let total = if o.human_readable {
            human(total.max(0) as u64)
        } else {
            total.to_string()
        };
        ui.print(&format!("\nTotal Objects: {count}\n   Total Size: {total}"));
    }
    Ok(exit::OK)
}

/// `2024-05-01 12:34:56`, in UTC.
fn when(t: Option<DateTime>) -> String {
    let text = t
        .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
        .unwrap_or_default();
    let text = text.replacen('T', " ", 1);
    text.get(..19)
        .map_or_else(|| format!("{:19}", ""), str::to_string)
}
