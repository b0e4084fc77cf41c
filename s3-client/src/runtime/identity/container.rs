//! Container credentials (ECS task roles, EKS Pod Identity): JSON from
//! `http://169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, or from
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the token of
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every call) or
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` in `Authorization`.

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use http::Method;

use super::chain::Found;
use super::{fetch, from_json};
use crate::credentials::{ChainConfig, CredentialsError};
use crate::runtime::http::Transport;

const ECS_HOST: &str = "http://169.254.170.2";
/// The endpoint may be slow to answer right after a task starts.
const TIMEOUT: Duration = Duration::from_secs(5);
const ATTEMPTS: u32 = 3;

/// Whether a full URI may be used: HTTPS anywhere, plain HTTP only to loopback or the
/// ECS and EKS link-local addresses (as the AWS SDKs allow).
fn allowed(uri: &http::Uri) -> bool {
    if uri.scheme_str() == Some("https") {
        return true;
    }
    let host = uri
        .host()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']');
    if host == "localhost" {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(ip) => {
            ip.is_loopback()
                || ip == IpAddr::from([169, 254, 170, 2])
                || ip == IpAddr::from([169, 254, 170, 23])
                || ip
                    == "fd00:ec2::23"
                        .parse::<IpAddr>()
                        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
        }
        Err(_) => false,
    }
}

/// Container credentials, when the environment points to them.
pub(crate) async fn credentials(c: &ChainConfig, t: &Transport) -> Result<Found, CredentialsError> {
    let env = &c.env;
    let url = match (
        env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
        env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
    ) {
        (Some(relative), _) => format!("{ECS_HOST}{relative}"),
        (None, Some(full)) => {
            let uri: http::Uri = full.parse().map_err(|e| {
                CredentialsError::invalid_configuration(format!(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI `{full}`: {e}"
                ))
            })?;
            if !allowed(&uri) {
                return Err(CredentialsError::invalid_configuration(format!(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI `{full}`: plain HTTP is allowed only to loopback, 169.254.170.2 and 169.254.170.23"
                )));
            }
            full.to_string()
        }
        (None, None) => {
            return Ok(Found::No(
                "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI not set)".into(),
            ));
        }
    };
    let token = match env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        Some(file) => Some(tokio::fs::read_to_string(file).await.map_err(|e| {
            CredentialsError::invalid_configuration(format!(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {file}: {e}"
            ))
        })?),
        None => env
            .get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
            .map(str::to_string),
    };
    let token = token.map(|t| t.trim().to_string());
    let headers: Vec<(&str, &str)> = token
        .iter()
        .map(|t| ("authorization", t.as_str()))
        .collect();
    let mut last = String::new();
    for _ in 0..ATTEMPTS {
        match fetch(t, Method::GET, &url, &headers, Bytes::new(), TIMEOUT).await {
            Ok((200, body)) => return from_json(&body, "container").map(Found::Yes),
            Ok((status, body)) if status < 500 => {
                return Err(CredentialsError::provider_error(format!(
                    "container credentials at {url}: HTTP {status}: {}",
                    String::from_utf8_lossy(&body)
                )));
            }
            Ok((status, _)) => last = format!("HTTP {status}"),
            Err(e) => last = e,
        }
    }
    Err(CredentialsError::provider_error(format!(
        "container credentials at {url}: {last} ({ATTEMPTS} attempts)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_safe_full_uris() {
        let ok = |u: &str| allowed(&u.parse().unwrap());
        assert!(ok("http://127.0.0.1:8080/creds"));
        assert!(ok("http://169.254.170.23/v1/credentials"));
        assert!(ok("http://[fd00:ec2::23]/v1/credentials"));
        assert!(ok("https://creds.example.com/x"));
        assert!(!ok("http://creds.example.com/x"));
        assert!(!ok("http://10.0.0.1/x"));
    }
}
