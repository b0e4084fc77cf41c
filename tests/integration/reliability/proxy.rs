//! Proxies from the environment (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`) are honoured
//! by the transport. The environment is per process, so each case runs this test binary
//! again as a child with the variables set, and the parent checks what the stand-in
//! proxy received.

use std::time::Duration;

use crate::recorder::{Plan, client_with, ok, serve};

/// Names the case a child process runs, and its target endpoint.
const CASE: &str = "S3_CLIENT_TEST_PROXY_CASE";
const TARGET: &str = "S3_CLIENT_TEST_PROXY_TARGET";
const NAME: &str = "reliability::proxy::proxies_from_the_environment_are_honoured";

async fn child(case: &str, target: &str) {
    let client = client_with(target, |c| {
        c.force_path_style(true)
            .max_attempts(1)
            .connect_timeout(Duration::from_millis(500))
    });
    let result = client.head_bucket().bucket("b").send().await;
    match case {
        // Through the proxy, or straight to the target: either way the answer is a 200.
        "http" | "no_proxy" => {
            result.unwrap();
        }
        // The tunnel opens, then TLS cannot start with a server that is no TLS server.
        "connect" => {
            let err = result.unwrap_err();
            assert!(
                matches!(err, s3_client::SdkError::DispatchFailure(_)),
                "{err:?}"
            );
        }
        other => panic!("unknown case {other}"),
    }
}

/// Runs this test again in a child process with `env` set.
async fn run_child(case: &str, target: &str, env: &[(&str, &str)]) {
    let mut cmd = tokio::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", NAME, "--test-threads", "1"])
        .env(CASE, case)
        .env(TARGET, target);
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.unwrap();
    assert!(
        out.status.success(),
        "child {case} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn proxies_from_the_environment_are_honoured() {
    if let (Ok(case), Ok(target)) = (std::env::var(CASE), std::env::var(TARGET)) {
        return child(&case, &target).await;
    }
    let proxy = serve(|_, _| Plan::reply(ok("200 OK", &[], b""))).await;
    let direct = serve(|_, _| Plan::reply(ok("200 OK", &[], b""))).await;

    // Plain HTTP through the proxy: the request in absolute form, to a host only the
    // proxy resolves.
    run_child(
        "http",
        "http://s3.store.invalid:9000",
        &[("HTTP_PROXY", &proxy.endpoint)],
    )
    .await;
    let seen = proxy.received();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "http://s3.store.invalid:9000/b");
    assert_eq!(seen[0].header("host"), Some("s3.store.invalid:9000"));

    // NO_PROXY: straight to the target.
    run_child(
        "no_proxy",
        &direct.endpoint,
        &[("HTTP_PROXY", &proxy.endpoint), ("NO_PROXY", "127.0.0.1")],
    )
    .await;
    assert_eq!(proxy.received().len(), 1);
    assert_eq!(direct.received().len(), 1);
    assert_eq!(direct.received()[0].target, "/b");

    // HTTPS through a proxy with credentials: a CONNECT tunnel that carries them.
    let with_auth = proxy.endpoint.replace("http://", "http://user:pa%20ss@");
    run_child(
        "connect",
        "https://s3.store.invalid",
        &[("HTTPS_PROXY", &with_auth)],
    )
    .await;
    let seen = proxy.received();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (seen[1].method.as_str(), seen[1].target.as_str()),
        ("CONNECT", "s3.store.invalid:443")
    );
    // "user:pa ss", base64.
    assert_eq!(
        seen[1].header("proxy-authorization"),
        Some("Basic dXNlcjpwYSBzcw==")
    );
}
