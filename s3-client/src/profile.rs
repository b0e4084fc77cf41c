//! The shared AWS settings: a snapshot of the `AWS_*` environment variables, and the
//! shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`), read the
//! way the AWS CLI reads them.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

/// A profile file, or a setting, that cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ProfileError {
    source_name: String,
    message: String,
}

impl ProfileError {
    /// A setting (or file) named `source_name` with a problem.
    pub(crate) fn new(source_name: impl Into<String>, message: impl Into<String>) -> Self {
        ProfileError {
            source_name: source_name.into(),
            message: message.into(),
        }
    }
}

/// The environment variables the client reads, captured once, so that what a client was
/// configured with does not change under it (and tests can give their own).
#[derive(Clone, Default)]
pub(crate) struct Env {
    vars: HashMap<String, String>,
}

/// Variables whose values are secrets: `Debug` shows only that they are set.
const SECRET_VARS: [&str; 3] = [
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

impl Env {
    /// The process environment: every `AWS_*` variable, `S3_STORE`, and where home is.
    pub(crate) fn from_process() -> Self {
        let vars = std::env::vars()
            .filter(|(k, v)| {
                !v.is_empty()
                    && (k.starts_with("AWS_")
                        || k == "S3_STORE"
                        || k == "HOME"
                        || k == "USERPROFILE")
            })
            .collect();
        Env { vars }
    }

    /// An environment of these variables instead of the process's.
    pub(crate) fn from_vars<K: AsRef<str>, V: AsRef<str>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env {
            vars: vars
                .into_iter()
                .filter(|(_, v)| !v.as_ref().is_empty())
                .map(|(k, v)| (k.as_ref().to_string(), v.as_ref().to_string()))
                .collect(),
        }
    }

    /// An environment from name-value pairs (tests).
    #[cfg(test)]
    pub(crate) fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self::from_vars(pairs)
    }

    /// A variable's value, when set and not empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    fn home(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<_> = self.vars.keys().collect();
        names.sort();
        let mut map = f.debug_map();
        for name in names {
            if SECRET_VARS.contains(&name.as_str()) {
                map.entry(name, &"** redacted **");
            } else {
                map.entry(name, &self.vars[name]);
            }
        }
        map.finish()
    }
}

/// Reads `true` or `false` as the AWS settings spell them.
pub(crate) fn parse_flag(name: &str, value: &str) -> Result<bool, ProfileError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(ProfileError::new(
            name,
            format!("`{other}` is not `true` or `false`"),
        )),
    }
}

/// One profile's settings: the config file's, with the credentials file's on top.
pub(crate) type Profile = HashMap<String, String>;

/// The shared config and credentials files.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfileFiles {
    profiles: HashMap<String, Profile>,
    sso_sessions: HashMap<String, Profile>,
    /// The files looked at, for messages.
    pub(crate) paths: Vec<PathBuf>,
}

/// Section kinds of the files.
enum Section {
    Profile(String),
    SsoSession(String),
    Other,
}

/// Parses an INI-style AWS profile file. In the config file, sections are `[default]`,
/// `[profile NAME]` and `[sso-session NAME]`; in the credentials file `[NAME]`. Indented
/// lines belong to a sub-section (`s3 =` then `  addressing_style = path`) and are read as
/// the profile's own keys.
fn parse(text: &str, config_file: bool, into: &mut ProfileFiles) {
    let mut current = Section::Other;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim();
            current = if !config_file {
                Section::Profile(name.to_string())
            } else if let Some(n) = name.strip_prefix("profile ") {
                Section::Profile(n.trim().to_string())
            } else if name == "default" {
                Section::Profile(name.to_string())
            } else if let Some(n) = name.strip_prefix("sso-session ") {
                Section::SsoSession(n.trim().to_string())
            } else {
                Section::Other // `[services x]` and the like
            };
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let (k, v) = (k.trim().to_string(), v.trim().to_string());
        match &current {
            Section::Profile(name) => {
                into.profiles.entry(name.clone()).or_default().insert(k, v);
            }
            Section::SsoSession(name) => {
                into.sso_sessions
                    .entry(name.clone())
                    .or_default()
                    .insert(k, v);
            }
            Section::Other => {}
        }
    }
}

impl ProfileFiles {
    /// Reads the files `env` points to (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`,
    /// or under `~/.aws`). A missing file is no error; an unreadable one is.
    pub(crate) fn load(env: &Env) -> Result<ProfileFiles, ProfileError> {
        let aws_dir = env.home().map(|h| h.join(".aws"));
        let config = env
            .get("AWS_CONFIG_FILE")
            .map(PathBuf::from)
            .or_else(|| aws_dir.as_ref().map(|d| d.join("config")));
        let credentials = env
            .get("AWS_SHARED_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .or_else(|| aws_dir.as_ref().map(|d| d.join("credentials")));
        let mut files = ProfileFiles::default();
        // The config file first: the credentials file's keys win.
        for (path, config_file) in [(config, true), (credentials, false)] {
            let Some(path) = path else { continue };
            match std::fs::read_to_string(&path) {
                Ok(text) => parse(&text, config_file, &mut files),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(ProfileError::new(path.display().to_string(), e.to_string())),
            }
            files.paths.push(path);
        }
        Ok(files)
    }

    /// The profile called `name`.
    pub(crate) fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The `[sso-session NAME]` section called `name`.
    pub(crate) fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.sso_sessions.get(name)
    }

    /// The files read, for messages: `a, b`.
    pub(crate) fn describe(&self) -> String {
        if self.paths.is_empty() {
            return "no profile files (no home directory)".to_string();
        }
        self.paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_sections_and_precedence() {
        let mut files = ProfileFiles::default();
        parse(
            "[default]\nregion = eu-west-1\n[profile work]\nregion = ap-south-1\nrole_arn = arn:aws:iam::1:role/r\ns3 =\n  addressing_style = path\n[sso-session corp]\nsso_region = us-east-2\nsso_start_url = https://corp.awsapps.com/start\n[services x]\ns3 =\n  endpoint_url = http://no\n",
            true,
            &mut files,
        );
        parse(
            "[work]\naws_access_key_id = W\naws_secret_access_key = WS\nregion = from-credentials\n# comment\n",
            false,
            &mut files,
        );
        let work = files.profile("work").unwrap();
        assert_eq!(work["region"], "from-credentials");
        assert_eq!(work["addressing_style"], "path");
        assert_eq!(work["aws_access_key_id"], "W");
        assert_eq!(
            files.sso_session("corp").unwrap()["sso_region"],
            "us-east-2"
        );
        assert!(files.profile("x").is_none());
        assert_eq!(files.profile("default").unwrap()["region"], "eu-west-1");
    }

    #[test]
    fn environment_snapshots_hide_secrets() {
        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "very-secret"),
            ("AWS_USE_FIPS_ENDPOINT", "TRUE"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "maybe"),
            ("AWS_EMPTY", ""),
        ]);
        let shown = format!("{env:?}");
        assert!(
            shown.contains("AKID") && !shown.contains("very-secret"),
            "{shown}"
        );
        let flag = |name: &str| parse_flag(name, env.get(name).unwrap());
        assert!(flag("AWS_USE_FIPS_ENDPOINT").unwrap());
        let err = flag("AWS_USE_DUALSTACK_ENDPOINT").unwrap_err();
        assert!(
            err.to_string()
                .contains("AWS_USE_DUALSTACK_ENDPOINT: `maybe`"),
            "{err}"
        );
        assert_eq!(env.get("AWS_EMPTY"), None);
    }
}
