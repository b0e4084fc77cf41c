//! SigV4 header signing with aws-sigv4.

use std::time::SystemTime;

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::credentials::Credentials;
use crate::error::BuildError;

/// Signs a request for S3: adds `authorization`, `x-amz-date`, `x-amz-content-sha256`
/// (the payload's SHA-256 when `body` is in memory, `UNSIGNED-PAYLOAD` for a stream) and
/// `x-amz-security-token` when there is a session token.
pub(crate) fn sign_request(
    method: &str,
    url: &str,
    headers: &mut HeaderMap,
    body: Option<&[u8]>,
    credentials: &Credentials,
    region: &str,
    service: &str,
) -> Result<(), BuildError> {
    let mut settings = SigningSettings::default();
    // S3 checks the path exactly as sent: encoded once and never normalised.
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let identity: Identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .map_err(|e| BuildError::new(format!("cannot sign: {e}")))?
        .into();
    let mut pairs = Vec::with_capacity(headers.len());
    for (name, value) in headers.iter() {
        let value = std::str::from_utf8(value.as_bytes()).map_err(|_| {
            BuildError::new(format!("header `{name}` is not UTF-8 and cannot be signed"))
        })?;
        pairs.push((name.as_str(), value));
    }
    let body = match body {
        Some(bytes) => SignableBody::Bytes(bytes),
        None => SignableBody::UnsignedPayload,
    };
    let signable = SignableRequest::new(method, url, pairs.into_iter(), body)
        .map_err(|e| BuildError::new(format!("cannot sign {url}: {e}")))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| BuildError::new(format!("cannot sign {url}: {e}")))?
        .into_parts();
    let (new_headers, _params) = instructions.into_parts();
    for header in new_headers {
        let name = HeaderName::from_bytes(header.name().as_bytes())
            .map_err(|e| BuildError::new(format!("signing produced a bad header name: {e}")))?;
        let value = HeaderValue::from_str(header.value())
            .map_err(|e| BuildError::new(format!("signing produced a bad header value: {e}")))?;
        headers.insert(name, value);
    }
    Ok(())
}
