//! Credentials from the selected profile: static keys, `role_arn` with a
//! `source_profile` (chains of them), a `credential_source` or a
//! `web_identity_token_file`, `credential_process`, or SSO.

use std::future::Future;
use std::pin::Pin;

use super::chain::Found;
use super::sts::{self, Role};
use super::{container, imds, process, sso};
use crate::credentials::{ChainConfig, Credentials, CredentialsError};
use crate::profile::Profile;
use crate::runtime::http::Transport;

/// Keys that make a profile a source of credentials.
const CREDENTIAL_KEYS: [&str; 5] = [
    "aws_access_key_id",
    "role_arn",
    "credential_process",
    "sso_session",
    "sso_start_url",
];

/// The selected profile's credentials, or why it has none.
pub(crate) async fn credentials(c: &ChainConfig, t: &Transport) -> Result<Found, CredentialsError> {
    let Some(p) = c.files.profile(&c.profile) else {
        return Ok(Found::No(format!(
            "profile `{}` (not in {})",
            c.profile,
            c.files.describe()
        )));
    };
    if !CREDENTIAL_KEYS.iter().any(|k| p.contains_key(*k)) {
        return Ok(Found::No(format!(
            "profile `{}` (no credentials in it: none of {})",
            c.profile,
            CREDENTIAL_KEYS.join(", ")
        )));
    }
    let mut chain = Vec::new();
    resolve(c, t, c.profile.clone(), &mut chain)
        .await
        .map(Found::Yes)
}

fn invalid(chain: &[String], message: impl std::fmt::Display) -> CredentialsError {
    CredentialsError::invalid_configuration(format!("profile {}: {message}", chain.join(" -> ")))
}

fn static_keys(p: &Profile) -> Option<Credentials> {
    Some(Credentials::new(
        p.get("aws_access_key_id")?,
        p.get("aws_secret_access_key")?,
        p.get("aws_session_token").cloned(),
        None,
        "profile",
    ))
}

type Resolving<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// The credentials of profile `name`, following `source_profile` links (recorded in
/// `chain`, which also catches cycles).
fn resolve<'a>(
    c: &'a ChainConfig,
    t: &'a Transport,
    name: String,
    chain: &'a mut Vec<String>,
) -> Resolving<'a> {
    Box::pin(async move {
        let shown = format!("`{name}`");
        let cycle = chain.contains(&shown);
        chain.push(shown);
        if cycle {
            return Err(invalid(chain, "source_profile loops back"));
        }
        let Some(p) = c.files.profile(&name) else {
            return Err(invalid(
                chain,
                format!("not found in {}", c.files.describe()),
            ));
        };
        if let Some(arn) = p.get("role_arn") {
            let role = Role {
                arn: arn.clone(),
                session_name: p.get("role_session_name").cloned(),
                external_id: p.get("external_id").cloned(),
                duration_seconds: p.get("duration_seconds").cloned(),
            };
            if let Some(file) = p.get("web_identity_token_file") {
                return sts::assume_role_with_web_identity(c, t, &role, file).await;
            }
            let source = match (p.get("source_profile"), p.get("credential_source")) {
                // A profile that is its own source holds the keys to assume with.
                (Some(src), _) if *src == name => static_keys(p).ok_or_else(|| {
                    invalid(
                        chain,
                        "is its own source_profile but has no aws_access_key_id",
                    )
                })?,
                (Some(src), _) => {
                    let src = src.clone();
                    resolve(c, t, src, chain).await?
                }
                (None, Some(source)) => credential_source(c, t, source, chain).await?,
                (None, None) => {
                    return Err(invalid(
                        chain,
                        "role_arn needs source_profile, credential_source or web_identity_token_file",
                    ));
                }
            };
            return sts::assume_role(c, t, &role, &source).await;
        }
        if p.contains_key("sso_session") || p.contains_key("sso_start_url") {
            return sso::credentials(c, t, p, chain).await;
        }
        if let Some(command) = p.get("credential_process") {
            return process::run(command).await;
        }
        static_keys(p).ok_or_else(|| {
            invalid(
                chain,
                "has no credentials (aws_access_key_id with aws_secret_access_key, role_arn, credential_process or sso_session)",
            )
        })
    })
}

/// A `credential_source`: the environment, the container endpoint or instance metadata.
async fn credential_source(
    c: &ChainConfig,
    t: &Transport,
    source: &str,
    chain: &[String],
) -> Result<Credentials, CredentialsError> {
    let found = match source {
        "Environment" => super::chain::environment(c),
        "EcsContainer" => container::credentials(c, t).await?,
        "Ec2InstanceMetadata" => imds::credentials(c, t).await?,
        other => {
            return Err(invalid(
                chain,
                format!(
                    "credential_source `{other}` is not Environment, EcsContainer or Ec2InstanceMetadata"
                ),
            ));
        }
    };
    match found {
        Found::Yes(credentials) => Ok(credentials),
        Found::No(why) => Err(invalid(chain, format!("credential_source {source}: {why}"))),
    }
}
