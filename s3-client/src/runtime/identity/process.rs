//! `credential_process`: a command that prints credentials as JSON (`Version` 1,
//! `AccessKeyId`, `SecretAccessKey`, optional `SessionToken` and `Expiration`).

use std::process::Output;
use std::time::Duration;

use super::{from_document, json};
use crate::credentials::{Credentials, CredentialsError};

/// How long the command may run.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Splits a command line as a POSIX shell would split words: spaces separate, quotes and
/// backslashes group (no variables, no globbing).
fn split(command: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => w.push(ch),
                        None => return Err("an unclosed single quote".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch) => w.push(ch),
                            None => return Err("a backslash at the end".into()),
                        },
                        Some(ch) => w.push(ch),
                        None => return Err("an unclosed double quote".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(ch) => word.get_or_insert_with(String::new).push(ch),
                None => return Err("a backslash at the end".into()),
            },
            ch => word.get_or_insert_with(String::new).push(ch),
        }
    }
    words.extend(word);
    Ok(words)
}

/// Runs `program`, reading what it prints on blocking threads, and kills it when it
/// outlasts `timeout` or the caller stops waiting. (std's process API, not tokio's:
/// tokio's needs a signal-handling crate, and this runs once per credential refresh.)
async fn output(program: &str, args: &[String], timeout: Duration) -> Result<Output, String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    /// The child, killed when dropped (a no-op once it has exited and been waited for).
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            if let Ok(None) = self.0.try_wait() {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
    }
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot be run: {e}"))?;
    let mut child = Running(child);
    fn drain(pipe: Option<impl Read + Send + 'static>) -> tokio::task::JoinHandle<Vec<u8>> {
        tokio::task::spawn_blocking(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    }
    let stdout = drain(child.0.stdout.take());
    let stderr = drain(child.0.stderr.take());
    let deadline = tokio::time::Instant::now() + timeout;
    // Polled, from every millisecond up to every 50: a command that prints credentials
    // exits within milliseconds, and the deadline bounds the loop.
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.0.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Ok(None) => return Err(format!("did not finish within {timeout:?}")),
            Err(e) => return Err(format!("cannot be waited for: {e}")),
        }
    };
    let read = |e: tokio::task::JoinError| format!("its output cannot be read: {e}");
    Ok(Output {
        status,
        stdout: stdout.await.map_err(read)?,
        stderr: stderr.await.map_err(read)?,
    })
}

/// Runs `command` and reads the credentials it prints.
pub(crate) async fn run(command: &str) -> Result<Credentials, CredentialsError> {
    run_within(command, TIMEOUT).await
}

async fn run_within(command: &str, timeout: Duration) -> Result<Credentials, CredentialsError> {
    let fail = |why: String| {
        CredentialsError::provider_error(format!("credential_process `{command}`: {why}"))
    };
    let words = split(command).map_err(|e| fail(format!("cannot be split into words: {e}")))?;
    let Some((program, args)) = words.split_first() else {
        return Err(fail("is empty".into()));
    };
    let output = output(program, args, timeout).await.map_err(fail)?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(fail(format!(
            "exited with {}: {}",
            output.status,
            stderr.trim()
        )));
    }
    let value =
        json::parse(&output.stdout).map_err(|e| fail(format!("did not print JSON: {e}")))?;
    match json::unsigned(&value, "Version") {
        Some(1) => {}
        other => {
            return Err(fail(format!(
                "printed Version {other:?}; only Version 1 is known"
            )));
        }
    }
    from_document(&value, "credential_process")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_as_a_shell_splits_them() {
        let w = |s: &str| split(s).unwrap();
        assert_eq!(
            w("/bin/get-creds --profile a"),
            ["/bin/get-creds", "--profile", "a"]
        );
        assert_eq!(
            w("'/opt/my tool' \"x y\" a\\ b"),
            ["/opt/my tool", "x y", "a b"]
        );
        assert_eq!(w("  a   b  "), ["a", "b"]);
        assert_eq!(w("e\"\"x"), ["ex"]);
        assert!(split("'open").is_err());
    }

    #[tokio::test]
    async fn commands_and_their_failures() {
        let c = run(r#"sh -c 'echo {\"Version\": 1, \"AccessKeyId\": \"AK\", \"SecretAccessKey\": \"SK\", \"SessionToken\": \"ST\"}'"#)
            .await
            .unwrap();
        assert_eq!((c.access_key_id(), c.session_token()), ("AK", Some("ST")));
        let msg =
            |r: Result<Credentials, CredentialsError>| super::super::describe(&r.unwrap_err());
        assert!(msg(run("sh -c 'echo oops >&2; exit 3'").await).contains("oops"));
        assert!(msg(run("sh -c 'echo {\\\"Version\\\": 2}'").await).contains("Version Some(2)"));
        assert!(msg(run("/nonexistent/tool").await).contains("cannot be run"));
    }

    #[tokio::test]
    async fn a_command_that_hangs_is_killed_after_the_timeout() {
        let marker = std::env::temp_dir().join(format!("s3-client-hang-{}", std::process::id()));
        let command = format!("sh -c 'echo $$ > {}; exec sleep 600'", marker.display());
        let result = run_within(&command, Duration::from_millis(300)).await;
        let err = super::super::describe(&result.unwrap_err());
        assert!(err.contains("did not finish within 300ms"), "{err}");
        // Killed and reaped: no such process any more (unless it was killed before the
        // shell could say who it was).
        if let Ok(pid) = std::fs::read_to_string(&marker) {
            std::fs::remove_file(&marker).ok();
            let alive = std::process::Command::new("kill")
                .args(["-0", pid.trim()])
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(!alive.success(), "process {pid} still runs");
        }
    }
}
