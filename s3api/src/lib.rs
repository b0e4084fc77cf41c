//! The `s3api` command as a library, so that tests drive it in-process.
//!
//! Exit codes follow the AWS CLI: 0 success, 2 bad usage or input (nothing was sent), 254
//! an error from S3, 255 any other failure.

#![deny(missing_docs)]

use std::io::Write;
use std::path::PathBuf;

use s3_client::Client;
use s3_client::json::JsonError;
use s3_client::primitives::ByteStream;

/// Bad usage or input; nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// S3 answered with an error.
pub const EXIT_SERVICE: u8 = 254;
/// Anything else went wrong (transport, files).
pub const EXIT_OTHER: u8 = 255;

const USAGE: &str = "usage: s3api [GLOBAL OPTIONS] <operation> [--cli-input-json JSON|FILE|file://FILE] [--body FILE] [--outfile FILE]

<operation> is any S3 operation, as put-object, put_object or PutObject.
The input is JSON with the member names boto3 uses; the output is printed as JSON.
--body FILE     the body to upload (PutObject, UploadPart)
--outfile FILE  where to write a downloaded body (GetObject, GetObjectTorrent)

Global options, as the AWS CLI's (the environment and profile files give the rest):
--endpoint-url URL   --region REGION   --profile NAME   --store NAME (S3_STORE)
--no-sign-request    unsigned requests, for public buckets
--ca-bundle FILE     trust these root certificates too (AWS_CA_BUNDLE)
--no-verify-ssl      accept any TLS certificate (a local test store only)";

/// The AWS CLI's global options that choose where and how to connect.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GlobalOptions {
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--store`: a store profile by name.
    pub store: Option<String>,
    /// `--no-sign-request`.
    pub no_sign_request: bool,
    /// `--ca-bundle`.
    pub ca_bundle: Option<PathBuf>,
    /// `--no-verify-ssl`.
    pub no_verify_ssl: bool,
}

impl GlobalOptions {
    /// Takes the global options out of `args`, leaving the command's own.
    pub fn split(args: &[String]) -> Result<(GlobalOptions, Vec<String>), String> {
        let mut options = GlobalOptions::default();
        let mut rest = Vec::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |flag: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match arg.as_str() {
                "--endpoint-url" => options.endpoint_url = Some(value(arg)?),
                "--region" => options.region = Some(value(arg)?),
                "--profile" => options.profile = Some(value(arg)?),
                "--store" => options.store = Some(value(arg)?),
                "--ca-bundle" => options.ca_bundle = Some(PathBuf::from(value(arg)?)),
                "--no-sign-request" => options.no_sign_request = true,
                "--no-verify-ssl" => options.no_verify_ssl = true,
                _ => rest.push(arg.clone()),
            }
        }
        Ok((options, rest))
    }

    /// The configuration: the environment `vars` (and the profile files they point to),
    /// then these options over them.
    pub fn config(
        &self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<s3_client::Config, s3_client::ProfileError> {
        let mut vars: Vec<(String, String)> = vars.into_iter().collect();
        if let Some(p) = &self.profile {
            vars.push(("AWS_PROFILE".into(), p.clone()));
        }
        if let Some(s) = &self.store {
            vars.push(("S3_STORE".into(), s.clone()));
        }
        let mut b = s3_client::Config::builder().from_env_vars(vars)?;
        if let Some(url) = &self.endpoint_url {
            b = b.endpoint_url(url);
        }
        if let Some(r) = &self.region {
            b = b.region(r);
        }
        if self.no_sign_request {
            b = b.anonymous();
        }
        if let Some(ca) = &self.ca_bundle {
            b = b.ca_bundle(ca);
        }
        if self.no_verify_ssl {
            b = b.accept_invalid_certificates(true);
        }
        Ok(b.build())
    }
}

/// Parsed command line.
struct Args {
    operation: String,
    input: Option<String>,
    body: Option<PathBuf>,
    outfile: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut operation = None;
    let (mut input, mut body, mut outfile) = (None, None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--cli-input-json" => input = Some(value(arg)?),
            "--body" => body = Some(PathBuf::from(value(arg)?)),
            "--outfile" => outfile = Some(PathBuf::from(value(arg)?)),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            name if operation.is_none() => operation = Some(name.to_string()),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    let operation = operation.ok_or("no operation given")?;
    Ok(Args {
        operation,
        input,
        body,
        outfile,
    })
}

/// The input JSON: inline, `file://path`, or a path.
fn read_input(input: Option<&str>) -> Result<serde_json::Value, String> {
    let Some(input) = input else {
        return Ok(serde_json::Value::Object(Default::default()));
    };
    let trimmed = input.trim_start();
    let (text, source) = if trimmed.starts_with('{') {
        (input.to_string(), "--cli-input-json".to_string())
    } else {
        let path = input.strip_prefix("file://").unwrap_or(input);
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        (text, path.to_string())
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{source} is not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err(format!("{source} must hold a JSON object"));
    }
    Ok(value)
}

/// Runs one command; returns the exit code.
pub async fn run(
    client: Result<Client, String>,
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    if args.is_empty() || args.iter().any(|a| a == "--help" || a == "-h") {
        let _ = writeln!(err, "{USAGE}");
        return if args.is_empty() { EXIT_USAGE } else { 0 };
    }
    let args = match parse(args) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "s3api: {e}\n\n{USAGE}");
            return EXIT_USAGE;
        }
    };
    let input = match read_input(args.input.as_deref()) {
        Ok(v) => v,
        Err(e) => {
            let _ = writeln!(err, "s3api: {e}");
            return EXIT_USAGE;
        }
    };
    let body = match &args.body {
        Some(path) => match ByteStream::from_path(path).await {
            Ok(b) => Some(b),
            Err(e) => {
                let _ = writeln!(err, "s3api: cannot read --body {}: {e}", path.display());
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "s3api: configuration: {e}");
            return EXIT_OTHER;
        }
    };
    let result = client
        .invoke_json_with_body(&args.operation, input, body)
        .await;
    let output = match result {
        Ok(o) => o,
        Err(e) => return report(&e, err),
    };
    if let Some(body) = output.body {
        let Some(path) = &args.outfile else {
            let _ = writeln!(
                err,
                "s3api: {} returns a body: give --outfile FILE to save it",
                args.operation
            );
            return EXIT_USAGE;
        };
        if let Err(e) = save(body, path).await {
            let _ = writeln!(err, "s3api: cannot write {}: {e}", path.display());
            return EXIT_OTHER;
        }
    }
    let empty = output.output.as_object().is_some_and(|m| m.is_empty());
    if !empty {
        match serde_json::to_string_pretty(&output.output) {
            Ok(text) => {
                let _ = writeln!(out, "{text}");
            }
            Err(e) => {
                let _ = writeln!(err, "s3api: {e}");
                return EXIT_OTHER;
            }
        }
    }
    0
}

fn report(e: &JsonError, err: &mut dyn Write) -> u8 {
    let _ = writeln!(err, "s3api: {e}");
    if e.is_input_error() {
        return EXIT_USAGE;
    }
    match e {
        JsonError::Call { meta: Some(_), .. } => EXIT_SERVICE,
        _ => EXIT_OTHER,
    }
}

/// Streams a response body into a file.
async fn save(mut body: ByteStream, path: &std::path::Path) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::create(path).await?;
    while let Some(chunk) = body.next().await {
        file.write_all(&chunk.map_err(std::io::Error::other)?)
            .await?;
    }
    file.flush().await
}
