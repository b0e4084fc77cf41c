//! Where a command reads or writes: an S3 location (`s3://bucket/key`), a local path, or
//! `-` for standard input or output.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    S3 { bucket: String, key: String },
    Local(PathBuf),
    Stdio,
}

impl Location {
    pub(crate) fn parse(text: &str) -> Result<Location, String> {
        if text == "-" {
            return Ok(Location::Stdio);
        }
        let Some(rest) = text.strip_prefix("s3://") else {
            return Ok(Location::Local(PathBuf::from(text)));
        };
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("`{text}` names no bucket"));
        }
        Ok(Location::S3 {
            bucket: bucket.to_string(),
            key: key.to_string(),
        })
    }

    /// The S3 location, or an error saying this command wants one.
    pub(crate) fn s3(text: &str, command: &str) -> Result<(String, String), String> {
        match Location::parse(text)? {
            Location::S3 { bucket, key } => Ok((bucket, key)),
            _ => Err(format!("`{command}` needs an s3:// location, not `{text}`")),
        }
    }
}

/// `s3://bucket/key`.
pub(crate) fn url(bucket: &str, key: &str) -> String {
    format!("s3://{bucket}/{key}")
}

/// The last `/`-separated name of a key.
pub(crate) fn base_name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// `prefix` as the AWS CLI joins names to it: with a `/` after it unless it is empty or
/// already ends in one.
pub(crate) fn as_dir(prefix: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('/') {
        prefix.to_string()
    } else {
        format!("{prefix}/")
    }
}

/// A local path as the AWS CLI prints it.
pub(crate) fn show(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(
            Location::parse("s3://b/a/k").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                key: "a/k".into()
            }
        );
        assert_eq!(
            Location::parse("s3://b").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                key: String::new()
            }
        );
        assert!(
            Location::parse("s3:///k")
                .unwrap_err()
                .contains("names no bucket")
        );
        assert_eq!(Location::parse("-").unwrap(), Location::Stdio);
        assert_eq!(
            Location::parse("./x").unwrap(),
            Location::Local("./x".into())
        );
        assert_eq!(as_dir("p"), "p/");
        assert_eq!(as_dir(""), "");
        assert_eq!(base_name("a/b/c.txt"), "c.txt");
    }
}
