//! SSO (IAM Identity Center): the access token `aws sso login` cached, exchanged for role
//! credentials at the SSO portal (`GetRoleCredentials`).
//!
//! Profiles name an `sso_session` (whose section gives `sso_region` and
//! `sso_start_url`) or, the legacy way, carry `sso_start_url` and `sso_region`
//! themselves; both add `sso_account_id` and `sso_role_name`. The token cache file is
//! `~/.aws/sso/cache/<sha1 of the session name, or of the start URL>.json`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::Method;
use percent_encoding::utf8_percent_encode;

use super::{fetch, json, parse_time};
use crate::credentials::{ChainConfig, Credentials, CredentialsError};
use crate::profile::Profile;
use crate::runtime::endpoint::aws_host;
use crate::runtime::http::Transport;
use crate::runtime::request::UNRESERVED;

const TIMEOUT: Duration = Duration::from_secs(10);

fn hex_sha1(text: &str) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Role credentials for an SSO profile.
pub(crate) async fn credentials(
    c: &ChainConfig,
    t: &Transport,
    p: &Profile,
    chain: &[String],
) -> Result<Credentials, CredentialsError> {
    let invalid = |m: String| {
        CredentialsError::invalid_configuration(format!("profile {}: SSO: {m}", chain.join(" -> ")))
    };
    let (region, cache_key) = match p.get("sso_session") {
        Some(session) => {
            let s = c.files.sso_session(session).ok_or_else(|| {
                invalid(format!(
                    "sso_session `{session}` has no [sso-session {session}] section"
                ))
            })?;
            let region = s
                .get("sso_region")
                .ok_or_else(|| invalid(format!("[sso-session {session}] has no sso_region")))?;
            (region.clone(), session.clone())
        }
        None => {
            let start = p
                .get("sso_start_url")
                .ok_or_else(|| invalid("no sso_start_url".into()))?;
            let region = p
                .get("sso_region")
                .ok_or_else(|| invalid("no sso_region".into()))?;
            (region.clone(), start.clone())
        }
    };
    let account = p
        .get("sso_account_id")
        .ok_or_else(|| invalid("no sso_account_id".into()))?;
    let role = p
        .get("sso_role_name")
        .ok_or_else(|| invalid("no sso_role_name".into()))?;

    let home = c
        .env
        .get("HOME")
        .or_else(|| c.env.get("USERPROFILE"))
        .unwrap_or(".");
    let cache = PathBuf::from(home)
        .join(".aws/sso/cache")
        .join(format!("{}.json", hex_sha1(&cache_key)));
    let login = "run `aws sso login` to sign in again";
    let text = tokio::fs::read(&cache).await.map_err(|e| {
        invalid(format!(
            "no cached token at {} ({e}); {login}",
            cache.display()
        ))
    })?;
    let token =
        json::parse(&text).map_err(|e| invalid(format!("{} is not JSON: {e}", cache.display())))?;
    let access = json::text(&token, "accessToken")
        .ok_or_else(|| invalid(format!("{} has no accessToken; {login}", cache.display())))?;
    let expires = json::text(&token, "expiresAt")
        .ok_or_else(|| invalid(format!("{} has no expiresAt", cache.display())))?;
    if parse_time(expires).map_err(invalid)? <= SystemTime::now() {
        return Err(invalid(format!(
            "the cached token expired at {expires}; {login}"
        )));
    }

    let base = c
        .env
        .get("AWS_ENDPOINT_URL_SSO")
        .map(str::to_string)
        .unwrap_or_else(|| format!("https://{}", aws_host("portal.sso", &region)));
    let url = format!(
        "{}/federation/credentials?account_id={}&role_name={}",
        base.trim_end_matches('/'),
        utf8_percent_encode(account, UNRESERVED),
        utf8_percent_encode(role, UNRESERVED)
    );
    let fail = |m: String| {
        CredentialsError::provider_error(format!("SSO GetRoleCredentials at {base}: {m}"))
    };
    let (status, body) = fetch(
        t,
        Method::GET,
        &url,
        &[("x-amz-sso_bearer_token", access)],
        Bytes::new(),
        TIMEOUT,
    )
    .await
    .map_err(fail)?;
    if !(200..300).contains(&status) {
        return Err(fail(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        )));
    }
    let value = json::parse(&body).map_err(|e| fail(format!("not JSON: {e}")))?;
    let rc =
        json::member(&value, "roleCredentials").ok_or_else(|| fail("no roleCredentials".into()))?;
    let text = |k: &str| json::text(rc, k);
    let (Some(id), Some(secret)) = (text("accessKeyId"), text("secretAccessKey")) else {
        return Err(fail(
            "roleCredentials without accessKeyId and secretAccessKey".into(),
        ));
    };
    let expiry = json::unsigned(rc, "expiration")
        .map(|ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
    Ok(Credentials::new(
        id,
        secret,
        text("sessionToken").map(str::to_string),
        expiry,
        "sso",
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cache_file_names_are_sha1_hex() {
        // `aws sso login` names the cache file after the SHA-1 of the session name.
        assert_eq!(
            super::hex_sha1("abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
