//! Credentials and the shared AWS settings: environment variables and profile files.

use std::collections::HashMap;
use std::path::PathBuf;

/// An access key, secret key and optional session token. `Debug` never shows the secrets.
pub type Credentials = aws_credential_types::Credentials;

/// A profile file that exists but cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ProfileError {
    file: String,
    message: String,
}

/// Parses an INI-style AWS profile file into section name -> key -> value. In the config
/// file, sections are `[default]` and `[profile NAME]`; in the credentials file `[NAME]`.
fn parse_profiles(text: &str, config_file: bool) -> HashMap<String, HashMap<String, String>> {
    let mut sections: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim();
            let name = if config_file {
                match name.strip_prefix("profile ") {
                    Some(n) => Some(n.trim().to_string()),
                    None if name == "default" => Some(name.to_string()),
                    None => None, // `[sso-session x]`, `[services x]`: not profiles
                }
            } else {
                Some(name.to_string())
            };
            current = name;
            continue;
        }
        // Indented lines belong to a sub-section (`s3 =` followed by `  key = value`).
        if let (Some(section), Some((k, v))) = (&current, line.split_once('=')) {
            sections
                .entry(section.clone())
                .or_default()
                .insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    sections
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
}

fn read_profile(
    path: Option<PathBuf>,
    profile: &str,
    config_file: bool,
) -> Result<HashMap<String, String>, ProfileError> {
    let Some(path) = path else {
        return Ok(HashMap::new());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(parse_profiles(&text, config_file)
            .remove(profile)
            .unwrap_or_default()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(HashMap::new()),
        Err(e) => Err(ProfileError {
            file: path.display().to_string(),
            message: e.to_string(),
        }),
    }
}

/// What the environment and the shared profile files say, before it becomes a
/// configuration: each value as written, environment variables first.
#[derive(Debug, Default)]
pub(crate) struct SharedSettings {
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    /// `AWS_MAX_ATTEMPTS` or the profile's `max_attempts`, and where it came from.
    pub(crate) max_attempts: Option<(String, &'static str)>,
    /// `AWS_RETRY_MODE` or the profile's `retry_mode`, and where it came from.
    pub(crate) retry_mode: Option<(String, &'static str)>,
    pub(crate) path_style: bool,
}

impl ProfileError {
    /// A setting whose value cannot be used.
    pub(crate) fn setting(source: &str, message: String) -> Self {
        ProfileError {
            file: source.to_string(),
            message,
        }
    }
}

/// Reads environment variables (through `env`) and the profile files they point to.
pub(crate) fn resolve(
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<SharedSettings, ProfileError> {
    let profile = env("AWS_PROFILE").unwrap_or_else(|| "default".to_string());
    let aws_dir = home().map(|h| h.join(".aws"));
    let creds_path = env("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| aws_dir.as_ref().map(|d| d.join("credentials")));
    let config_path = env("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| aws_dir.as_ref().map(|d| d.join("config")));
    let from_creds = read_profile(creds_path, &profile, false)?;
    let from_config = read_profile(config_path, &profile, true)?;
    let setting = |key: &str| {
        from_creds
            .get(key)
            .or_else(|| from_config.get(key))
            .cloned()
    };
    let either = |var: &str, key: &str, var_source: &'static str, key_source: &'static str| {
        env(var)
            .map(|v| (v, var_source))
            .or_else(|| from_config.get(key).map(|v| (v.clone(), key_source)))
    };
    let credentials = match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Some(Credentials::new(
            id,
            secret,
            env("AWS_SESSION_TOKEN"),
            None,
            "environment",
        )),
        _ => match (
            setting("aws_access_key_id"),
            setting("aws_secret_access_key"),
        ) {
            (Some(id), Some(secret)) => Some(Credentials::new(
                id,
                secret,
                setting("aws_session_token"),
                None,
                "profile",
            )),
            _ => None,
        },
    };
    Ok(SharedSettings {
        region: env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .or_else(|| from_config.get("region").cloned()),
        endpoint_url: env("AWS_ENDPOINT_URL_S3")
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .or_else(|| from_config.get("endpoint_url").cloned()),
        credentials,
        max_attempts: either(
            "AWS_MAX_ATTEMPTS",
            "max_attempts",
            "AWS_MAX_ATTEMPTS",
            "profile max_attempts",
        ),
        retry_mode: either(
            "AWS_RETRY_MODE",
            "retry_mode",
            "AWS_RETRY_MODE",
            "profile retry_mode",
        ),
        path_style: from_config.get("addressing_style").map(String::as_str) == Some("path"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_and_environment() {
        let dir =
            std::env::temp_dir().join(format!("s3-client-profile-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let creds = dir.join("credentials");
        let config = dir.join("config");
        std::fs::write(&creds, "[default]\naws_access_key_id = D\naws_secret_access_key = DS\n[work]\naws_access_key_id = W\naws_secret_access_key = WS\naws_session_token = T\n").unwrap();
        std::fs::write(&config, "[default]\nregion = eu-west-1\n[profile work]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:9000\ns3 =\n  addressing_style = path\n").unwrap();
        let vars = |extra: &[(&str, &str)]| {
            let mut m: HashMap<String, String> = HashMap::new();
            m.insert(
                "AWS_SHARED_CREDENTIALS_FILE".into(),
                creds.display().to_string(),
            );
            m.insert("AWS_CONFIG_FILE".into(), config.display().to_string());
            for (k, v) in extra {
                m.insert(k.to_string(), v.to_string());
            }
            m
        };

        let m = vars(&[("AWS_PROFILE", "work")]);
        let c = resolve(&|k| m.get(k).cloned()).unwrap();
        assert_eq!(c.region.as_deref(), Some("ap-south-1"));
        assert_eq!(c.endpoint_url.as_deref(), Some("http://127.0.0.1:9000"));
        assert!(c.path_style);
        let cr = c.credentials.unwrap();
        assert_eq!((cr.access_key_id(), cr.session_token()), ("W", Some("T")));

        let m = vars(&[
            ("AWS_ACCESS_KEY_ID", "E"),
            ("AWS_SECRET_ACCESS_KEY", "ES"),
            ("AWS_REGION", "us-west-2"),
        ]);
        let c = resolve(&|k| m.get(k).cloned()).unwrap();
        assert_eq!(c.region.as_deref(), Some("us-west-2"));
        assert_eq!(c.credentials.as_ref().unwrap().access_key_id(), "E");
        assert!(
            !format!("{c:?}").contains("ES"),
            "secret key leaked into Debug: {c:?}"
        );

        let m = vars(&[]);
        let c = resolve(&|k| m.get(k).cloned()).unwrap();
        assert_eq!(c.region.as_deref(), Some("eu-west-1"));
        assert_eq!(c.credentials.unwrap().access_key_id(), "D");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
