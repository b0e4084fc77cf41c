//! `credential_process`: a command that prints credentials as JSON (`Version` 1,
//! `AccessKeyId`, `SecretAccessKey`, optional `SessionToken` and `Expiration`).

use std::time::Duration;

use super::from_json;
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

/// Runs `command` and reads the credentials it prints.
pub(crate) async fn run(command: &str) -> Result<Credentials, CredentialsError> {
    let fail = |why: String| {
        CredentialsError::provider_error(format!("credential_process `{command}`: {why}"))
    };
    let words = split(command).map_err(|e| fail(format!("cannot be split into words: {e}")))?;
    let Some((program, args)) = words.split_first() else {
        return Err(fail("is empty".into()));
    };
    let child = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(TIMEOUT, child)
        .await
        .map_err(|_| fail(format!("did not finish within {TIMEOUT:?}")))?
        .map_err(|e| fail(format!("cannot be run: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(fail(format!(
            "exited with {}: {}",
            output.status,
            stderr.trim()
        )));
    }
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| fail(format!("did not print JSON: {e}")))?;
    match value.get("Version").and_then(serde_json::Value::as_u64) {
        Some(1) => {}
        other => {
            return Err(fail(format!(
                "printed Version {other:?}; only Version 1 is known"
            )));
        }
    }
    from_json(&output.stdout, "credential_process")
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
}
