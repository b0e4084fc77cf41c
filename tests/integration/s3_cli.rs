//! The `s3` command end to end against s3s-fs, in-process: every command, its lines and
//! exit codes, `sync` sending nothing when nothing changed, and `--dryrun` sending
//! nothing at all (counted by a proxy in front of the server).

use std::io::Write;
use std::sync::{Arc, Mutex};

use s3_client_tests::{ACCESS_KEY, LocalS3, SECRET_KEY};

use crate::faults::{Fault, FaultProxy};
use crate::transfer::{MIB, Scratch, data};

/// What one run printed, and its exit code.
struct Ran {
    code: u8,
    out: String,
    err: String,
    /// Standard output as bytes (a download to `-`).
    data: Vec<u8>,
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).to_string()
    }
}

/// A server and the keys it takes.
struct Server {
    endpoint: String,
    keys: (&'static str, &'static str),
}

impl Server {
    fn local(server: &LocalS3) -> Server {
        Server {
            endpoint: server.endpoint(),
            keys: (ACCESS_KEY, SECRET_KEY),
        }
    }

    /// The moto server, which lists ETags and refuses what S3 refuses (s3s-fs lists no
    /// ETags, takes objects into missing buckets and removes non-empty ones).
    fn moto() -> Server {
        Server {
            endpoint: std::env::var(s3_client_tests::MOTO_ENDPOINT_VAR).unwrap(),
            keys: ("testing", "testing"),
        }
    }

    /// The same keys, through `proxy`.
    fn through(&self, proxy: &FaultProxy) -> Server {
        Server {
            endpoint: proxy.endpoint.clone(),
            keys: self.keys,
        }
    }
}

/// Runs `s3 --endpoint-url <endpoint> <line>` with the server's keys.
async fn s3(server: &Server, line: &str) -> Ran {
    s3_with_stdin(server, line, Vec::new()).await
}

async fn s3_with_stdin(server: &Server, line: &str, stdin: Vec<u8>) -> Ran {
    let mut args = vec!["--endpoint-url".to_string(), server.endpoint.clone()];
    args.extend(split(line));
    let (out, err) = (Captured::default(), Captured::default());
    let vars = vec![
        ("AWS_ACCESS_KEY_ID".to_string(), server.keys.0.to_string()),
        (
            "AWS_SECRET_ACCESS_KEY".to_string(),
            server.keys.1.to_string(),
        ),
        ("AWS_REGION".to_string(), "us-east-1".to_string()),
        ("AWS_CONFIG_FILE".to_string(), "/nonexistent".to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE".to_string(),
            "/nonexistent".to_string(),
        ),
    ];
    let io = s3_cli::Io {
        out: Box::new(out.clone()),
        err: Box::new(err.clone()),
        terminal: false,
        signals: false,
        stdin: Box::new(std::io::Cursor::new(stdin)),
    };
    let code = s3_cli::run(&args, vars, io).await;
    Ran {
        code,
        out: out.text(),
        err: err.text(),
        data: out.0.lock().unwrap().clone(),
    }
}

/// Words, with '...' quoting for paths with spaces.
fn split(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut quoted = false;
    let mut word = String::new();
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn tree(scratch: &Scratch) -> std::path::PathBuf {
    let root = scratch.path("tree");
    for (i, (name, size)) in [
        ("a.txt", 100),
        ("b.log", 2000),
        ("sub/c.txt", 30),
        ("sub/big.bin", 6 * MIB),
    ]
    .iter()
    .enumerate()
    {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data(*size, i as u64 + 100)).unwrap();
    }
    root
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

/// Against moto, which refuses to remove a bucket that still holds objects.
#[tokio::test]
async fn buckets_objects_and_listings() {
    let e = Server::moto();
    let client = s3_client_tests::moto_client();
    let scratch = Scratch::new("cli-basic");
    let b = s3_client_tests::unique_bucket("cli");
    let ran = s3(&e, &format!("mb s3://{b}")).await;
    assert_eq!(
        (ran.code, ran.out.clone()),
        (0, format!("make_bucket: {b}\n")),
        "{}",
        ran.err
    );
    let file = scratch.path("hello.txt");
    std::fs::write(&file, b"hello, world").unwrap();
    let ran = s3(&e, &format!("cp {} s3://{b}/docs/", file.display())).await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert_eq!(
        ran.out,
        format!("upload: {} to s3://{b}/docs/hello.txt\n", file.display())
    );
    // The content type is guessed from the name, as the AWS CLI does.
    let head = client
        .head_object()
        .bucket(&b)
        .key("docs/hello.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));

    let ran = s3(&e, &format!("ls s3://{b}")).await;
    assert_eq!(ran.out, format!("{:>26} PRE docs/\n", ""));
    let ran = s3(&e, &format!("ls s3://{b}/docs/ --summarize")).await;
    let lines: Vec<&str> = ran.out.lines().collect();
    assert!(lines[0].ends_with("        12 hello.txt"), "{lines:?}");
    assert_eq!(
        lines[0].len(),
        "2026-01-01 00:00:00         12 hello.txt".len(),
        "{lines:?}"
    );
    assert_eq!(lines[2..], ["Total Objects: 1", "   Total Size: 12"]);
    let ran = s3(&e, "ls").await;
    assert!(
        ran.out.lines().any(|l| l.ends_with(&format!(" {b}"))),
        "{}",
        ran.out
    );

    let back = scratch.path("back.txt");
    let ran = s3(
        &e,
        &format!("cp s3://{b}/docs/hello.txt {}", back.display()),
    )
    .await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert_eq!(std::fs::read(&back).unwrap(), b"hello, world");

    let ran = s3(
        &e,
        &format!("mv s3://{b}/docs/hello.txt s3://{b}/moved.txt"),
    )
    .await;
    assert_eq!(
        ran.out,
        format!("move: s3://{b}/docs/hello.txt to s3://{b}/moved.txt\n"),
        "{}",
        ran.err
    );
    let ran = s3(&e, &format!("ls s3://{b} --recursive")).await;
    assert_eq!(ran.out.lines().count(), 1, "{}", ran.out);
    assert!(ran.out.trim_end().ends_with(" moved.txt"));

    let ran = s3(&e, &format!("presign s3://{b}/moved.txt --expires-in 600")).await;
    let url = ran.out.trim();
    assert!(url.contains("X-Amz-Expires=600"), "{url}");
    let got = reqwest::get(url).await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"hello, world");

    let ran = s3(&e, &format!("rb s3://{b}")).await;
    assert_eq!(
        ran.code, 1,
        "a bucket with an object is not removed: {}",
        ran.err
    );
    assert!(
        ran.err.contains(&format!("remove_bucket failed: s3://{b}")),
        "{}",
        ran.err
    );
    let ran = s3(&e, &format!("rb s3://{b} --force")).await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert_eq!(
        ran.out,
        format!("delete: s3://{b}/moved.txt\nremove_bucket: {b}\n")
    );
}

#[tokio::test]
async fn trees_go_up_and_down_with_filters() {
    let server = LocalS3::start().await.unwrap();
    let e = Server::local(&server);
    server
        .client()
        .create_bucket()
        .bucket("tree")
        .send()
        .await
        .unwrap();
    let scratch = Scratch::new("cli-tree");
    let root = tree(&scratch);
    let ran = s3(
        &e,
        &format!(
            "cp {} s3://tree/t --recursive --exclude *.log --part-size 5MiB",
            root.display()
        ),
    )
    .await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    let r = root.display();
    assert_eq!(
        sorted_lines(&ran.out),
        [
            format!("upload: {r}/a.txt to s3://tree/t/a.txt"),
            format!("upload: {r}/sub/big.bin to s3://tree/t/sub/big.bin"),
            format!("upload: {r}/sub/c.txt to s3://tree/t/sub/c.txt"),
        ]
    );
    let down = scratch.path("down");
    let ran = s3(
        &e,
        &format!(
            "cp s3://tree/t {} --recursive --exclude * --include *.txt",
            down.display()
        ),
    )
    .await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert_eq!(ran.out.lines().count(), 2, "{}", ran.out);
    assert_eq!(
        std::fs::read(down.join("sub/c.txt")).unwrap(),
        std::fs::read(root.join("sub/c.txt")).unwrap()
    );
    assert!(!down.join("sub/big.bin").exists());

    let ran = s3(&e, "rm s3://tree/t --recursive --exclude *.bin").await;
    assert_eq!(
        sorted_lines(&ran.out),
        ["delete: s3://tree/t/a.txt", "delete: s3://tree/t/sub/c.txt"]
    );
    let ran = s3(&e, "ls s3://tree --recursive").await;
    assert!(ran.out.trim_end().ends_with("t/sub/big.bin"), "{}", ran.out);
}

/// Against moto, whose listings carry the ETags that `sync` compares contents by.
#[tokio::test]
async fn sync_sends_only_what_changed_and_dryrun_sends_nothing() {
    let (_, b) = crate::moto::bucket("sync").await;
    let moto = Server::moto();
    let proxy = FaultProxy::start(&moto.endpoint, |_, _| Fault::Forward).await;
    let e = moto.through(&proxy);
    let scratch = Scratch::new("cli-sync");
    let root = tree(&scratch);
    let line = format!("sync {} s3://{b}/site --part-size 5MiB", root.display());
    let ran = s3(&e, &line).await;
    assert_eq!(
        (ran.code, ran.out.lines().count()),
        (0, 4),
        "{}{}",
        ran.out,
        ran.err
    );
    let puts = proxy.count("PUT", &format!("/{b}/"));

    // Nothing changed: nothing is printed or sent but the listing.
    let ran = s3(&e, &line).await;
    assert_eq!((ran.code, ran.out.as_str()), (0, ""), "{}", ran.err);
    assert_eq!(proxy.count("PUT", &format!("/{b}/")), puts);

    // Same size, other bytes: found by content, not by size or time.
    std::fs::write(root.join("a.txt"), data(100, 999)).unwrap();
    std::fs::remove_file(root.join("b.log")).unwrap();
    let dry = s3(&e, &format!("{line} --delete --dryrun")).await;
    assert_eq!(
        sorted_lines(&dry.out),
        [
            format!("(dryrun) delete: s3://{b}/site/b.log"),
            format!(
                "(dryrun) upload: {}/a.txt to s3://{b}/site/a.txt",
                root.display()
            ),
        ]
    );
    assert_eq!(
        proxy.count("PUT", &format!("/{b}/")),
        puts,
        "--dryrun sent an upload"
    );
    assert_eq!(proxy.count("POST", "delete"), 0, "--dryrun sent a delete");

    let ran = s3(&e, &format!("{line} --delete")).await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert_eq!(
        sorted_lines(&ran.out),
        sorted_lines(&dry.out.replace("(dryrun) ", ""))
    );
    let ran = s3(&e, &format!("{line} --delete")).await;
    assert_eq!(ran.out, "");

    // And back down: a fresh directory gets everything, then nothing more.
    let down = scratch.path("down");
    let back = format!("sync s3://{b}/site {} --part-size 5MiB", down.display());
    let ran = s3(&e, &back).await;
    assert_eq!((ran.code, ran.out.lines().count()), (0, 3), "{}", ran.err);
    assert_eq!(
        std::fs::read(down.join("sub/big.bin")).unwrap(),
        std::fs::read(root.join("sub/big.bin")).unwrap()
    );
    let gets = proxy.count("GET", &format!("/{b}/site/"));
    let ran = s3(&e, &back).await;
    assert_eq!(ran.out, "");
    assert_eq!(
        proxy.count("GET", &format!("/{b}/site/")),
        gets,
        "an unchanged sync downloaded"
    );
}

#[tokio::test]
async fn streams_through_stdin_and_stdout() {
    let server = LocalS3::start().await.unwrap();
    let e = Server::local(&server);
    server
        .client()
        .create_bucket()
        .bucket("pipe")
        .send()
        .await
        .unwrap();
    let body = data(11 * MIB, 5);
    let ran = s3_with_stdin(&e, "cp - s3://pipe/k --part-size 5MiB", body.clone()).await;
    assert_eq!(
        (ran.code, ran.out.as_str()),
        (0, "upload: - to s3://pipe/k\n"),
        "{}",
        ran.err
    );
    let ran = s3(&e, "cp s3://pipe/k - --part-size 5MiB").await;
    assert_eq!(ran.code, 0, "{}", ran.err);
    assert!(ran.data == body, "{} bytes came out", ran.data.len());
}

/// Against moto, which refuses uploads to a missing bucket.
#[tokio::test]
async fn exit_codes_are_the_aws_clis() {
    let moto = Server::moto();
    let proxy = FaultProxy::start(&moto.endpoint, |_, _| Fault::Forward).await;
    let e = moto.through(&proxy);
    let scratch = Scratch::new("cli-codes");
    let ran = s3(&e, "cp onlyone").await;
    assert_eq!(ran.code, 252);
    assert!(ran.err.contains("takes 2 path(s)"), "{}", ran.err);
    let ran = s3(&e, "ls --nonsense").await;
    assert_eq!(ran.code, 252);
    let ran = s3(&e, "cp ./a ./b").await;
    assert_eq!(ran.code, 252);
    assert!(
        ran.err.contains("one of the paths must be s3://"),
        "{}",
        ran.err
    );
    assert!(proxy.seen().is_empty(), "bad usage sent requests");

    let ran = s3(
        &e,
        &format!("cp {} s3://nobucket/k", scratch.path("missing").display()),
    )
    .await;
    assert_eq!(ran.code, 2, "a missing file is skipped: {}", ran.err);
    assert!(ran.err.contains("warning: skipping"), "{}", ran.err);
    let file = scratch.path("f");
    std::fs::write(&file, b"x").unwrap();
    let ran = s3(&e, &format!("cp {} s3://nobucket-cli/k", file.display())).await;
    assert_eq!(ran.code, 1, "{}", ran.err);
    assert!(ran.err.starts_with("upload failed: "), "{}", ran.err);
    let ran = s3(&e, "ls s3://nobucket-cli").await;
    assert_eq!(ran.code, 254, "{}", ran.err);
    let ran = s3(&e, "--profile nosuchprofile ls").await;
    assert_eq!(ran.code, 253, "{}", ran.err);
}
