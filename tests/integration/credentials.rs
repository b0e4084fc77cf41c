//! Every credential source of the default chain, each read from an environment the test
//! gives (`from_env_vars`, with its own home and profile files): environment variables,
//! profiles (static keys, assume-role chains, `credential_process`, SSO), web identity and
//! AssumeRole against moto's STS, container credentials and IMDSv2 against small local
//! servers that answer as the documented endpoints do, and refresh before expiry.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use s3_client::primitives::{ByteStream, DateTime, DateTimeFormat};
use s3_client::{Client, Config, SdkError};
use s3_client_tests::{ACCESS_KEY, SECRET_KEY};

use crate::recorder::{Plan, Recorded, Recorder, ok, serve};

/// A fresh home directory with `~/.aws/config` and `~/.aws/credentials` as given.
struct Home(PathBuf);

impl Home {
    fn new(config: &str, credentials: &str) -> Home {
        let dir = std::env::temp_dir().join(s3_client_tests::unique_bucket("home"));
        std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
        std::fs::write(dir.join(".aws/config"), config).unwrap();
        std::fs::write(dir.join(".aws/credentials"), credentials).unwrap();
        Home(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// The environment of a process with this home, `vars` and nothing else: no IMDS
    /// unless a test points it somewhere.
    fn env(&self, vars: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut env = vec![
            ("HOME".to_string(), self.0.display().to_string()),
            ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
        ];
        for (k, v) in vars {
            env.retain(|(name, _)| name != k);
            env.push((k.to_string(), v.to_string()));
        }
        env
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A client from `env`, sending to `server`.
fn client(env: Vec<(String, String)>, server: &Recorder) -> Client {
    let config = Config::builder()
        .from_env_vars(env)
        .unwrap()
        .endpoint_url(&server.endpoint)
        .region("us-east-1")
        .build();
    Client::new(config)
}

/// The access key id and session token a request was signed with.
fn signer(r: &Recorded) -> (String, Option<String>) {
    let auth = r.header("authorization").unwrap_or_default();
    let id = auth
        .split("Credential=")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_default()
        .to_string();
    (id, r.header("x-amz-security-token").map(str::to_string))
}

async fn s3() -> Recorder {
    serve(|_, _| Plan::reply(ok("200 OK", &[], b""))).await
}

#[tokio::test]
async fn environment_variables() {
    let home = Home::new("", "");
    let server = s3().await;
    let env = home.env(&[
        ("AWS_ACCESS_KEY_ID", "AKENV"),
        ("AWS_SECRET_ACCESS_KEY", "SKENV"),
        ("AWS_SESSION_TOKEN", "TOKENV"),
    ]);
    client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    assert_eq!(
        signer(&server.received()[0]),
        ("AKENV".into(), Some("TOKENV".into()))
    );
}

#[tokio::test]
async fn profile_static_keys_and_missing_profiles() {
    let home = Home::new(
        "[profile work]\nregion = eu-west-1\n",
        "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = SKDEF\n[work]\naws_access_key_id = AKWORK\naws_secret_access_key = SKWORK\n",
    );
    let server = s3().await;
    client(home.env(&[]), &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    client(home.env(&[("AWS_PROFILE", "work")]), &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = server.received().iter().map(|r| signer(r).0).collect();
    assert_eq!(ids, ["AKDEF", "AKWORK"]);

    // A named profile that is not there is an error naming it and the files read.
    let err = Config::builder()
        .from_env_vars(home.env(&[("AWS_PROFILE", "nope")]))
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("profile `nope`"), "{text}");
    assert!(
        text.contains(&format!("{}/.aws/config", home.path().display())),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}/.aws/credentials", home.path().display())),
        "{text}"
    );
}

#[tokio::test]
async fn no_credentials_is_an_error_listing_where_the_chain_looked() {
    let home = Home::new("[default]\nregion = eu-west-1\n", "");
    let server = s3().await;
    // Instance metadata on; nothing answers there.
    let env = home.env(&[
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1"),
    ]);
    let err = client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    let text = err.to_string();
    for place in [
        "environment (AWS_ACCESS_KEY_ID not set)",
        "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)",
        "profile `default` (no credentials in it",
        "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI not set)",
        "EC2 instance metadata (",
        "anonymous()",
    ] {
        assert!(text.contains(place), "{place:?} missing from: {text}");
    }
    assert!(
        server.received().is_empty(),
        "nothing is sent without credentials"
    );

    // A configuration built by hand with no credentials says how to give some.
    let bare = Client::new(Config::builder().endpoint_url(&server.endpoint).build());
    let err = bare.head_bucket().bucket("b").send().await.unwrap_err();
    assert!(
        err.to_string().contains("no credentials configured"),
        "{err}"
    );
    // Asked for, anonymous requests go out unsigned.
    let anonymous = Client::new(
        Config::builder()
            .endpoint_url(&server.endpoint)
            .anonymous()
            .build(),
    );
    anonymous.head_bucket().bucket("b").send().await.unwrap();
    assert_eq!(server.received()[0].header("authorization"), None);
    assert_eq!(
        anonymous.config().credentials_source(),
        "anonymous (unsigned requests)"
    );
}

#[tokio::test]
async fn credential_process_against_the_authenticating_server() {
    let (local, _) = crate::setup("process").await;
    let script = std::env::temp_dir().join(format!("s3-client-creds-{}.sh", std::process::id()));
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{ACCESS_KEY}\", \"SecretAccessKey\": \"{SECRET_KEY}\"}}'\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = Home::new(
        &format!("[default]\ncredential_process = {}\n", script.display()),
        "",
    );
    let config = Config::builder()
        .from_env_vars(home.env(&[]))
        .unwrap()
        .endpoint_url(local.endpoint())
        .build();
    let client = Client::new(config);
    // s3s-fs checks every signature: these only succeed with the script's keys.
    client
        .put_object()
        .bucket("process")
        .key("k")
        .body(ByteStream::from_static(b"via process"))
        .send()
        .await
        .unwrap();
    let body = client
        .get_object()
        .bucket("process")
        .key("k")
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&body[..], b"via process");
    std::fs::remove_file(&script).unwrap();
}

fn moto() -> String {
    std::env::var(s3_client_tests::MOTO_ENDPOINT_VAR).unwrap_or_else(|_| {
        panic!(
            "{} is not set: run the suite with `cargo xtask test`",
            s3_client_tests::MOTO_ENDPOINT_VAR
        )
    })
}

#[tokio::test]
async fn assume_role_chains_through_moto_sts() {
    let server = s3().await;
    let home = Home::new(
        "[profile base]\nregion = us-east-1\n[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\nrole_session_name = dev-session\n[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/chained\nsource_profile = dev\n[profile loop-a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = loop-b\n[profile loop-b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = loop-a\n",
        "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    );
    for profile in ["dev", "chained"] {
        let env = home.env(&[("AWS_PROFILE", profile), ("AWS_ENDPOINT_URL_STS", &moto())]);
        client(env, &server)
            .head_bucket()
            .bucket("b")
            .send()
            .await
            .unwrap();
    }
    for r in server.received() {
        let (id, token) = signer(&r);
        // moto's STS hands out temporary keys with a session token.
        assert!(id.starts_with("ASIA") && id.len() == 20, "{id}");
        assert!(token.is_some_and(|t| !t.is_empty()));
    }
    // A loop of source profiles is an error naming it.
    let env = home.env(&[("AWS_PROFILE", "loop-a"), ("AWS_ENDPOINT_URL_STS", &moto())]);
    let err = client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`loop-a` -> `loop-b` -> `loop-a`: source_profile loops back"),
        "{err}"
    );
}

/// An STS answer with fixed credentials.
fn sts_answer(action: &str, id: &str) -> Vec<u8> {
    let expires = DateTime::from(SystemTime::now() + Duration::from_secs(3600))
        .fmt(DateTimeFormat::DateTime)
        .unwrap();
    ok(
        "200 OK",
        &[],
        format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result><Credentials><AccessKeyId>{id}</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>TOKEN-{id}</SessionToken><Expiration>{expires}</Expiration></Credentials></{action}Result></{action}Response>"
        )
        .as_bytes(),
    )
}

#[tokio::test]
async fn assume_role_requests_on_the_wire() {
    let sts = serve(|_, _| Plan::reply(sts_answer("AssumeRole", "ASIAWIRE"))).await;
    let server = s3().await;
    let home = Home::new(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\nexternal_id = ext-1\nregion = eu-west-1\n",
        "[base]\naws_access_key_id = AKBASE\naws_secret_access_key = SKBASE\n",
    );
    let env = home.env(&[
        ("AWS_PROFILE", "dev"),
        ("AWS_ENDPOINT_URL_STS", &sts.endpoint),
    ]);
    client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    let call = &sts.received()[0];
    assert_eq!((call.method.as_str(), call.target.as_str()), ("POST", "/"));
    let body = String::from_utf8(call.body.clone()).unwrap();
    assert!(body.starts_with("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdev&RoleSessionName=s3-client-"), "{body}");
    assert!(body.ends_with("&ExternalId=ext-1"), "{body}");
    // Signed with the source profile's keys, for STS, in the configured region.
    let auth = call.header("authorization").unwrap();
    assert!(
        auth.contains("Credential=AKBASE/") && auth.contains("/us-east-1/sts/aws4_request"),
        "{auth}"
    );
    assert_eq!(
        call.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_eq!(
        signer(&server.received()[0]),
        ("ASIAWIRE".into(), Some("TOKEN-ASIAWIRE".into()))
    );

    // STS refusing is an error that says what it said.
    let refusing = serve(|_, _| {
        Plan::reply(ok("403 Forbidden", &[], b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed to assume dev</Message></Error></ErrorResponse>"))
    })
    .await;
    let env = home.env(&[
        ("AWS_PROFILE", "dev"),
        ("AWS_ENDPOINT_URL_STS", &refusing.endpoint),
    ]);
    let err = client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("AccessDenied (HTTP 403): not allowed to assume dev"),
        "{err}"
    );
}

#[tokio::test]
async fn web_identity_through_moto_sts() {
    let server = s3().await;
    let home = Home::new("", "");
    let token = home.path().join("token");
    std::fs::write(
        &token,
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2ln\n",
    )
    .unwrap();
    let token = token.display().to_string();
    let env = home.env(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", &token),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"),
        ("AWS_ROLE_SESSION_NAME", "pod-1"),
        ("AWS_ENDPOINT_URL_STS", &moto()),
    ]);
    client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    let (id, token) = signer(&server.received()[0]);
    assert!(id.starts_with("ASIA"), "{id}");
    assert!(token.is_some());

    // And on the wire: unsigned, the token in the body.
    let sts = serve(|_, _| Plan::reply(sts_answer("AssumeRoleWithWebIdentity", "ASIAWEB"))).await;
    let env = home.env(&[
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            &home.path().join("token").display().to_string(),
        ),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"),
        ("AWS_ENDPOINT_URL_STS", &sts.endpoint),
    ]);
    client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    let call = &sts.received()[0];
    assert_eq!(call.header("authorization"), None);
    let body = String::from_utf8(call.body.clone()).unwrap();
    assert!(
        body.contains("Action=AssumeRoleWithWebIdentity")
            && body.contains("&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.eyJzdWIi"),
        "{body}"
    );
    assert_eq!(signer(&server.received()[1]).0, "ASIAWEB");
}

#[tokio::test]
async fn sso_with_the_cached_token() {
    let portal = serve(|_, _| {
        let expires = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis() + 3_600_000;
        Plan::reply(ok(
            "200 OK",
            &[("content-type", "application/json")],
            format!(r#"{{"roleCredentials":{{"accessKeyId":"ASIASSO","secretAccessKey":"S","sessionToken":"SSO-TOKEN","expiration":{expires}}}}}"#).as_bytes(),
        ))
    })
    .await;
    let server = s3().await;
    let home = Home::new(
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Developer\n[sso-session corp]\nsso_region = us-east-2\nsso_start_url = https://corp.awsapps.com/start\n",
        "",
    );
    let cache = |expires: SystemTime| {
        use sha1::Digest;
        let name: String = sha1::Sha1::digest(b"corp")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let at = DateTime::from(expires)
            .fmt(DateTimeFormat::DateTime)
            .unwrap();
        std::fs::write(
            home.path().join(format!(".aws/sso/cache/{name}.json")),
            format!(r#"{{"startUrl":"https://corp.awsapps.com/start","region":"us-east-2","accessToken":"PORTAL-TOKEN","expiresAt":"{at}"}}"#),
        )
        .unwrap();
    };
    cache(SystemTime::now() + Duration::from_secs(3600));
    let env = home.env(&[
        ("AWS_PROFILE", "dev"),
        ("AWS_ENDPOINT_URL_SSO", &portal.endpoint),
    ]);
    client(env.clone(), &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    let call = &portal.received()[0];
    assert_eq!(
        call.target,
        "/federation/credentials?account_id=111122223333&role_name=Developer"
    );
    assert_eq!(call.header("x-amz-sso_bearer_token"), Some("PORTAL-TOKEN"));
    assert_eq!(
        signer(&server.received()[0]),
        ("ASIASSO".into(), Some("SSO-TOKEN".into()))
    );

    // An expired login says how to renew it.
    cache(SystemTime::now() - Duration::from_secs(60));
    let err = client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("run `aws sso login`"), "{err}");
}

/// A container or IMDS credentials answer expiring in `lifetime`.
fn credentials_json(id: &str, lifetime: Duration) -> Vec<u8> {
    let expires = DateTime::from(SystemTime::now() + lifetime)
        .fmt(DateTimeFormat::DateTime)
        .unwrap();
    format!(r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"{id}","SecretAccessKey":"S","Token":"TOKEN-{id}","Expiration":"{expires}"}}"#).into_bytes()
}

#[tokio::test]
async fn container_credentials_with_a_token_file() {
    let endpoint = serve(|_, _| {
        Plan::reply(ok(
            "200 OK",
            &[],
            &credentials_json("ASIAECS", Duration::from_secs(3600)),
        ))
    })
    .await;
    let server = s3().await;
    let home = Home::new("", "");
    let token = home.path().join("eks-token");
    std::fs::write(&token, "pod-identity-token\n").unwrap();
    let env = home.env(&[
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{}/v1/credentials", endpoint.endpoint),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            &token.display().to_string(),
        ),
    ]);
    let client = client(env, &server);
    client.head_bucket().bucket("b").send().await.unwrap();
    let call = &endpoint.received()[0];
    assert_eq!(
        (call.method.as_str(), call.target.as_str()),
        ("GET", "/v1/credentials")
    );
    assert_eq!(call.header("authorization"), Some("pod-identity-token"));
    assert_eq!(
        signer(&server.received()[0]),
        ("ASIAECS".into(), Some("TOKEN-ASIAECS".into()))
    );

    // A full URI over plain HTTP to anywhere but loopback or the link-local addresses is
    // refused.
    let env = home.env(&[(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://10.1.2.3/creds",
    )]);
    let err = crate::credentials::client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("plain HTTP is allowed only to loopback"),
        "{err}"
    );
}

#[tokio::test]
async fn instance_metadata_v2() {
    let imds = serve(|_, r| match (r.method.as_str(), r.target.as_str()) {
        ("PUT", "/latest/api/token") => Plan::reply(ok("200 OK", &[], b"IMDS-SESSION")),
        ("GET", "/latest/meta-data/iam/security-credentials/") => {
            Plan::reply(ok("200 OK", &[], b"web-role\n"))
        }
        ("GET", "/latest/meta-data/iam/security-credentials/web-role") => Plan::reply(ok(
            "200 OK",
            &[],
            &credentials_json("ASIAEC2", Duration::from_secs(6 * 3600)),
        )),
        _ => Plan::reply(ok("404 Not Found", &[], b"")),
    })
    .await;
    let server = s3().await;
    let home = Home::new("", "");
    let env = home.env(&[
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.endpoint),
    ]);
    client(env, &server)
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    let calls = imds.received();
    assert_eq!(calls.len(), 3);
    assert_eq!(
        calls[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    for c in &calls[1..] {
        assert_eq!(c.header("x-aws-ec2-metadata-token"), Some("IMDS-SESSION"));
    }
    assert_eq!(
        signer(&server.received()[0]),
        ("ASIAEC2".into(), Some("TOKEN-ASIAEC2".into()))
    );
}

/// Instance metadata that answers the role's credentials with a failure `Code`, or with
/// something that is not JSON: the chain says so and nothing reaches S3.
#[tokio::test]
async fn instance_metadata_failures_name_what_came_back() {
    for (answer, expected) in [
        (
            &br#"{"Code":"AssumeRoleUnauthorizedAccess","AccessKeyId":"A","SecretAccessKey":"S"}"#
                [..],
            "came with Code AssumeRoleUnauthorizedAccess",
        ),
        (b"<html>busy</html>", "imds: the answer is not JSON"),
    ] {
        let imds = serve(move |_, r| match (r.method.as_str(), r.target.as_str()) {
            ("PUT", "/latest/api/token") => Plan::reply(ok("200 OK", &[], b"IMDS-SESSION")),
            ("GET", "/latest/meta-data/iam/security-credentials/") => {
                Plan::reply(ok("200 OK", &[], b"web-role\n"))
            }
            ("GET", "/latest/meta-data/iam/security-credentials/web-role") => {
                Plan::reply(ok("200 OK", &[], answer))
            }
            _ => Plan::reply(ok("404 Not Found", &[], b"")),
        })
        .await;
        let server = s3().await;
        let home = Home::new("", "");
        let env = home.env(&[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.endpoint),
        ]);
        let err = client(env, &server)
            .head_bucket()
            .bucket("b")
            .send()
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains(expected),
            "{expected:?} missing from: {err}"
        );
        assert!(
            server.received().is_empty(),
            "nothing is sent without credentials"
        );
    }
}

#[tokio::test]
async fn short_lived_credentials_are_refreshed_before_they_expire() {
    for (lifetime, expected_fetches) in [
        (Duration::from_secs(120), 3),
        (Duration::from_secs(3600), 1),
    ] {
        let endpoint = serve(move |n, _| {
            Plan::reply(ok(
                "200 OK",
                &[],
                &credentials_json(&format!("ASIAN{n}"), lifetime),
            ))
        })
        .await;
        let server = s3().await;
        let home = Home::new("", "");
        let env = home.env(&[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{}/creds", endpoint.endpoint),
        )]);
        let client = client(env, &server);
        for _ in 0..3 {
            client.head_bucket().bucket("b").send().await.unwrap();
        }
        // Two minutes left is inside the five-minute refresh window: every request
        // fetches anew. An hour left: one fetch serves them all.
        assert_eq!(endpoint.received().len(), expected_fetches, "{lifetime:?}");
        let ids: Vec<_> = server.received().iter().map(|r| signer(r).0).collect();
        let want: Vec<String> = (0..3)
            .map(|i| format!("ASIAN{}", if expected_fetches == 3 { i } else { 0 }))
            .collect();
        assert_eq!(ids, want);
    }
}
