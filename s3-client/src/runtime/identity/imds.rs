//! EC2 instance metadata (IMDSv2): a session token from `PUT /latest/api/token`, then the
//! instance role's name and its credentials from
//! `/latest/meta-data/iam/security-credentials/`.
//!
//! `AWS_EC2_METADATA_DISABLED=true` turns it off; `AWS_EC2_METADATA_SERVICE_ENDPOINT`
//! (or `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`) moves it;
//! `AWS_METADATA_SERVICE_TIMEOUT` (seconds, default 1) and
//! `AWS_METADATA_SERVICE_NUM_ATTEMPTS` (default 1) bound it, so that off EC2 the chain
//! gives up quickly.

use std::time::Duration;

use bytes::Bytes;
use http::Method;

use super::chain::Found;
use super::{fetch, from_document, json, parse_answer};
use crate::credentials::{ChainConfig, CredentialsError};
use crate::profile::parse_flag;
use crate::runtime::http::Transport;

const IPV4: &str = "http://169.254.169.254";
const IPV6: &str = "http://[fd00:ec2::254]";
const CREDENTIALS: &str = "/latest/meta-data/iam/security-credentials/";

/// Instance-role credentials, unless instance metadata is turned off.
pub(crate) async fn credentials(c: &ChainConfig, t: &Transport) -> Result<Found, CredentialsError> {
    let env = &c.env;
    let invalid =
        |e: crate::profile::ProfileError| CredentialsError::invalid_configuration(e.to_string());
    if let Some(v) = env.get("AWS_EC2_METADATA_DISABLED")
        && parse_flag("AWS_EC2_METADATA_DISABLED", v).map_err(invalid)?
    {
        return Ok(Found::No(
            "EC2 instance metadata (AWS_EC2_METADATA_DISABLED=true)".into(),
        ));
    }
    let base = match env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
        Some(e) => e.trim_end_matches('/').to_string(),
        None => match env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") {
            Some(m) if m.eq_ignore_ascii_case("ipv6") => IPV6.to_string(),
            _ => IPV4.to_string(),
        },
    };
    let number = |name: &str, default: f64| -> Result<f64, CredentialsError> {
        match env.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| *n > 0.0)
                .ok_or_else(|| {
                    CredentialsError::invalid_configuration(format!(
                        "{name}: `{v}` is not a positive number"
                    ))
                }),
        }
    };
    let timeout = Duration::from_secs_f64(number("AWS_METADATA_SERVICE_TIMEOUT", 1.0)?);
    let attempts = number("AWS_METADATA_SERVICE_NUM_ATTEMPTS", 1.0)? as u32;
    let mut last = String::new();
    for _ in 0..attempts.max(1) {
        match fetch_credentials(t, &base, timeout).await {
            Ok(Step::Got(found)) => return Ok(found),
            Ok(Step::Refused(why)) => {
                return Err(CredentialsError::provider_error(format!(
                    "EC2 instance metadata at {base}: {why}"
                )));
            }
            Err(e) => last = e,
        }
    }
    // Nothing answers: not on EC2 (or metadata is unreachable), so the chain moves on.
    Ok(Found::No(format!("EC2 instance metadata ({last})")))
}

enum Step {
    Got(Found),
    Refused(String),
}

async fn fetch_credentials(t: &Transport, base: &str, timeout: Duration) -> Result<Step, String> {
    let (status, token) = fetch(
        t,
        Method::PUT,
        &format!("{base}/latest/api/token"),
        &[("x-aws-ec2-metadata-token-ttl-seconds", "21600")],
        Bytes::new(),
        timeout,
    )
    .await?;
    if status != 200 {
        return Ok(Step::Refused(format!(
            "the token request was answered with HTTP {status}"
        )));
    }
    let token = String::from_utf8_lossy(&token).trim().to_string();
    let auth = [("x-aws-ec2-metadata-token", token.as_str())];
    let (status, role) = fetch(
        t,
        Method::GET,
        &format!("{base}{CREDENTIALS}"),
        &auth,
        Bytes::new(),
        timeout,
    )
    .await?;
    if status == 404 {
        return Ok(Step::Got(Found::No(
            "EC2 instance metadata (the instance has no IAM role)".into(),
        )));
    }
    if status != 200 {
        return Ok(Step::Refused(format!(
            "the role name request was answered with HTTP {status}"
        )));
    }
    let role = String::from_utf8_lossy(&role);
    let Some(role) = role.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return Ok(Step::Got(Found::No(
            "EC2 instance metadata (the instance has no IAM role)".into(),
        )));
    };
    let (status, body) = fetch(
        t,
        Method::GET,
        &format!("{base}{CREDENTIALS}{role}"),
        &auth,
        Bytes::new(),
        timeout,
    )
    .await?;
    if status != 200 {
        return Ok(Step::Refused(format!(
            "the credentials of role `{role}` were answered with HTTP {status}"
        )));
    }
    let value = match parse_answer(&body, "imds") {
        Ok(value) => value,
        Err(e) => return Ok(Step::Refused(super::describe(&e))),
    };
    if let Some(code) = json::text(&value, "Code")
        && code != "Success"
    {
        return Ok(Step::Refused(format!(
            "the credentials of role `{role}` came with Code {code}"
        )));
    }
    match from_document(&value, "imds") {
        Ok(credentials) => Ok(Step::Got(Found::Yes(credentials))),
        Err(e) => Ok(Step::Refused(super::describe(&e))),
    }
}
