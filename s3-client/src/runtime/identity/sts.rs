//! The two STS calls credentials need, in STS's query protocol: `AssumeRole` (signed with
//! the source credentials) and `AssumeRoleWithWebIdentity` (unsigned; the token is the
//! proof), and web identity from the environment (EKS IRSA).

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::Method;
use percent_encoding::utf8_percent_encode;

use super::chain::Found;
use super::{fetch, parse_time};
use crate::credentials::{ChainConfig, Credentials, CredentialsError};
use crate::runtime::XmlReader;
use crate::runtime::endpoint::aws_host;
use crate::runtime::http::Transport;
use crate::runtime::request::UNRESERVED;
use crate::runtime::signing;

/// How long an STS call may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A role to assume and how.
#[derive(Debug, Clone, Default)]
pub(crate) struct Role {
    pub(crate) arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) duration_seconds: Option<String>,
}

/// Where STS is for `c`: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile's
/// `endpoint_url`, or the regional endpoint of the configured region (us-east-1 when
/// none is), and the region to sign for.
fn endpoint(c: &ChainConfig) -> (String, String) {
    let region = c
        .region
        .clone()
        .or_else(|| c.env.get("AWS_REGION").map(str::to_string))
        .or_else(|| c.env.get("AWS_DEFAULT_REGION").map(str::to_string))
        .or_else(|| {
            c.files
                .profile(&c.profile)
                .and_then(|p| p.get("region"))
                .cloned()
        })
        .unwrap_or_else(|| "us-east-1".to_string());
    let url = c
        .env
        .get("AWS_ENDPOINT_URL_STS")
        .or_else(|| c.env.get("AWS_ENDPOINT_URL"))
        .map(str::to_string)
        .or_else(|| {
            c.files
                .profile(&c.profile)
                .and_then(|p| p.get("endpoint_url"))
                .cloned()
        })
        .unwrap_or_else(|| format!("https://{}", aws_host("sts", &region)));
    (url.trim_end_matches('/').to_string() + "/", region)
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, UNRESERVED)))
        .collect::<Vec<_>>()
        .join("&")
}

fn session_name(role: &Role) -> String {
    role.session_name.clone().unwrap_or_else(|| {
        let secs = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        format!("s3-client-{secs}")
    })
}

/// `AssumeRole`, signed with `source`.
pub(crate) async fn assume_role(
    c: &ChainConfig,
    t: &Transport,
    role: &Role,
    source: &Credentials,
) -> Result<Credentials, CredentialsError> {
    let name = session_name(role);
    let mut pairs = vec![
        ("Action", "AssumeRole"),
        ("Version", "2011-06-15"),
        ("RoleArn", role.arn.as_str()),
        ("RoleSessionName", name.as_str()),
    ];
    if let Some(id) = &role.external_id {
        pairs.push(("ExternalId", id));
    }
    if let Some(d) = &role.duration_seconds {
        pairs.push(("DurationSeconds", d));
    }
    call(
        c,
        t,
        &form(&pairs),
        Some(source),
        "AssumeRole",
        "assume role",
    )
    .await
}

/// `AssumeRoleWithWebIdentity` with the token in `token_file` (read on every call: the
/// platform rotates it).
pub(crate) async fn assume_role_with_web_identity(
    c: &ChainConfig,
    t: &Transport,
    role: &Role,
    token_file: &str,
) -> Result<Credentials, CredentialsError> {
    let token = tokio::fs::read_to_string(token_file).await.map_err(|e| {
        CredentialsError::invalid_configuration(format!(
            "web identity: cannot read the token file {token_file}: {e}"
        ))
    })?;
    let name = session_name(role);
    let mut pairs = vec![
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", role.arn.as_str()),
        ("RoleSessionName", name.as_str()),
        ("WebIdentityToken", token.trim()),
    ];
    if let Some(d) = &role.duration_seconds {
        pairs.push(("DurationSeconds", d));
    }
    call(
        c,
        t,
        &form(&pairs),
        None,
        "AssumeRoleWithWebIdentity",
        "web identity",
    )
    .await
}

/// Web identity from `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and
/// `AWS_ROLE_SESSION_NAME`.
pub(crate) async fn web_identity_from_env(
    c: &ChainConfig,
    t: &Transport,
) -> Result<Found, CredentialsError> {
    let (Some(file), Some(arn)) = (
        c.env.get("AWS_WEB_IDENTITY_TOKEN_FILE"),
        c.env.get("AWS_ROLE_ARN"),
    ) else {
        let why = if c.env.get("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() {
            "web identity (AWS_WEB_IDENTITY_TOKEN_FILE is set, AWS_ROLE_ARN is not)"
        } else {
            "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)"
        };
        return Ok(Found::No(why.into()));
    };
    let role = Role {
        arn: arn.to_string(),
        session_name: c.env.get("AWS_ROLE_SESSION_NAME").map(str::to_string),
        ..Role::default()
    };
    assume_role_with_web_identity(c, t, &role, file)
        .await
        .map(Found::Yes)
}

async fn call(
    c: &ChainConfig,
    t: &Transport,
    body: &str,
    signer: Option<&Credentials>,
    action: &str,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let (url, region) = endpoint(c);
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
    );
    if let Some(source) = signer {
        signing::sign_request(
            "POST",
            &url,
            &mut headers,
            signing::Payload::Bytes(body.as_bytes()),
            &signing::SigningIdentity {
                credentials: source.clone(),
                service: "sts",
                express_session: false,
            },
            &region,
            SystemTime::now(),
        )
        .map_err(|e| {
            CredentialsError::unhandled(format!("{provider}: cannot sign {action}: {e}"))
        })?;
    }
    let pairs: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, answer) = fetch(
        t,
        Method::POST,
        &url,
        &pairs,
        Bytes::from(body.to_string()),
        TIMEOUT,
    )
    .await
    .map_err(|e| {
        CredentialsError::provider_error(format!("{provider}: STS {action} at {url}: {e}"))
    })?;
    if !(200..300).contains(&status) {
        let (code, message) = sts_error(&answer);
        return Err(CredentialsError::provider_error(format!(
            "{provider}: STS {action} at {url} failed: {code} (HTTP {status}): {message}"
        )));
    }
    read_credentials(&answer, provider).map_err(|e| {
        CredentialsError::unhandled(format!("{provider}: unreadable STS {action} answer: {e}"))
    })
}

/// The `<Credentials>` of an AssumeRole or AssumeRoleWithWebIdentity answer.
fn read_credentials(body: &[u8], provider: &'static str) -> Result<Credentials, String> {
    let mut r = XmlReader::new(body);
    r.root().map_err(|e| e.to_string())?;
    let (mut id, mut secret, mut token, mut expiry) = (None, None, None, None);
    let err = |e: crate::error::ResponseError| e.to_string();
    while let Some(result) = r.next_child().map_err(err)? {
        if !result.ends_with(b"Result") {
            r.skip().map_err(err)?;
            continue;
        }
        while let Some(name) = r.next_child().map_err(err)? {
            if name != b"Credentials" {
                r.skip().map_err(err)?;
                continue;
            }
            while let Some(field) = r.next_child().map_err(err)? {
                match field {
                    b"AccessKeyId" => id = Some(r.string().map_err(err)?),
                    b"SecretAccessKey" => secret = Some(r.string().map_err(err)?),
                    b"SessionToken" => token = Some(r.string().map_err(err)?),
                    b"Expiration" => expiry = Some(parse_time(&r.string().map_err(err)?)?),
                    _ => r.skip().map_err(err)?,
                }
            }
        }
    }
    match (id, secret) {
        (Some(id), Some(secret)) => Ok(Credentials::new(id, secret, token, expiry, provider)),
        _ => Err("no Credentials with AccessKeyId and SecretAccessKey".into()),
    }
}

/// Code and message of an STS `<ErrorResponse>`.
fn sts_error(body: &[u8]) -> (String, String) {
    let mut r = XmlReader::new(body);
    let (mut code, mut message) = (None, None);
    let mut read = || -> Result<(), crate::error::ResponseError> {
        r.root()?;
        while let Some(name) = r.next_child()? {
            if name != b"Error" {
                r.skip()?;
                continue;
            }
            while let Some(field) = r.next_child()? {
                match field {
                    b"Code" => code = Some(r.string()?),
                    b"Message" => message = Some(r.string()?),
                    _ => r.skip()?,
                }
            }
        }
        Ok(())
    };
    let _ = read();
    (
        code.unwrap_or_else(|| "unknown error".into()),
        message
            .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_errors() {
        let ok = br#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser><Arn>arn</Arn></AssumedRoleUser><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>2026-12-02T12:00:00Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>"#;
        let c = read_credentials(ok, "assume role").unwrap();
        assert_eq!((c.access_key_id(), c.session_token()), ("ASIA1", Some("T")));
        let err = br#"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>"#;
        assert_eq!(
            sts_error(err),
            ("AccessDenied".into(), "not allowed".into())
        );
        assert!(read_credentials(b"<AssumeRoleResponse/>", "x").is_err());
        assert_eq!(
            form(&[("A", "a b/c"), ("T", "x+y=")]),
            "A=a%20b%2Fc&T=x%2By%3D"
        );
    }
}
