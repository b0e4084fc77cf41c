//! SigV4 with aws-sigv4: signed headers for requests sent now, signed query parameters for
//! presigned URLs, and the signature of a POST policy.

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::credentials::Credentials;
use crate::error::BuildError;

/// What a signature says about the body.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Payload<'a> {
    /// A body in memory: its SHA-256 is signed.
    Bytes(&'a [u8]),
    /// A stream: `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// An `aws-chunked` stream with a trailing checksum:
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
    UnsignedTrailer,
}

/// Who signs, for which service, and where a session token goes.
#[derive(Debug, Clone)]
pub(crate) struct SigningIdentity {
    pub(crate) credentials: Credentials,
    /// The SigV4 service name.
    pub(crate) service: &'static str,
    /// An S3 Express session: the token goes in `x-amz-s3session-token`, not
    /// `x-amz-security-token`.
    pub(crate) express_session: bool,
}

impl SigningIdentity {
    /// The form field of a presigned POST the session token goes in.
    pub(crate) fn token_field(&self) -> &'static str {
        self.token_name(false).unwrap_or("x-amz-security-token")
    }

    /// The header a session token goes in, or with `presigned`, the query parameter.
    fn token_name(&self, presigned: bool) -> Option<&'static str> {
        match (self.express_session, presigned) {
            (false, _) => None,
            (true, false) => Some(super::express::TOKEN_HEADER),
            // As boto3 writes it.
            (true, true) => Some("X-Amz-S3session-Token"),
        }
    }
}

/// Signs a request for S3 as of `time`: adds `authorization`, `x-amz-date`,
/// `x-amz-content-sha256` (what `payload` says) and the session token when there is one.
/// The secrets among them are marked sensitive, so `Debug` never shows them.
pub(crate) fn sign_request(
    method: &str,
    url: &str,
    headers: &mut HeaderMap,
    payload: Payload<'_>,
    identity: &SigningIdentity,
    region: &str,
    time: SystemTime,
) -> Result<(), BuildError> {
    let mut settings = s3_settings();
    settings.session_token_name_override = identity.token_name(false);
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let body = match payload {
        Payload::Bytes(bytes) => SignableBody::Bytes(bytes),
        Payload::Unsigned => SignableBody::UnsignedPayload,
        Payload::UnsignedTrailer => SignableBody::StreamingUnsignedPayloadTrailer,
    };
    let signer = Signer {
        credentials: &identity.credentials,
        region,
        service: identity.service,
        time,
    };
    let (new_headers, _params) = signer.sign(method, url, headers, body, settings)?;
    for (name, mut value) in new_headers {
        if name == http::header::AUTHORIZATION
            || name.as_str() == "x-amz-security-token"
            || name.as_str() == super::express::TOKEN_HEADER
        {
            value.set_sensitive(true);
        }
        headers.insert(name, value);
    }
    Ok(())
}

/// Presigns a request: the URL with the signature in its query, valid for `expires_in`
/// from `time`. The payload is `UNSIGNED-PAYLOAD`, as S3 expects of presigned URLs.
pub(crate) fn presign_url(
    method: &str,
    url: &str,
    headers: &HeaderMap,
    identity: &SigningIdentity,
    region: &str,
    time: SystemTime,
    expires_in: Duration,
) -> Result<String, BuildError> {
    let mut settings = s3_settings();
    settings.session_token_name_override = identity.token_name(true);
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(expires_in);
    settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    let signer = Signer {
        credentials: &identity.credentials,
        region,
        service: identity.service,
        time,
    };
    let (_headers, params) = signer.sign(
        method,
        url,
        headers,
        SignableBody::UnsignedPayload,
        settings,
    )?;
    let mut url = url.to_string();
    for (i, (name, value)) in params.iter().enumerate() {
        let first = i == 0 && !url.contains('?');
        url.push(if first { '?' } else { '&' });
        url.push_str(name);
        url.push('=');
        url.extend(percent_encoding::utf8_percent_encode(
            value,
            super::request::UNRESERVED,
        ));
    }
    Ok(url)
}

/// The SigV4 signature of a base64 POST policy: HMAC-SHA256 with the day's signing key.
pub(crate) fn sign_policy(
    policy_base64: &str,
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
) -> String {
    let key = v4::generate_signing_key(credentials.secret_access_key(), time, region, service);
    v4::calculate_signature(key, policy_base64.as_bytes())
}

/// S3's signing rules: the path is encoded once and never normalised.
fn s3_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings
}

/// What signing adds: headers, and query parameters (for presigned URLs).
type Signed = (Vec<(HeaderName, HeaderValue)>, Vec<(String, String)>);

/// Who signs, where, and when.
struct Signer<'a> {
    credentials: &'a Credentials,
    region: &'a str,
    service: &'a str,
    time: SystemTime,
}

impl Signer<'_> {
    /// Signs, returning the headers and query parameters to add.
    fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &HeaderMap,
        body: SignableBody<'_>,
        settings: SigningSettings,
    ) -> Result<Signed, BuildError> {
        let identity: Identity = self.credentials.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(self.time)
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
        let signable = SignableRequest::new(method, url, pairs.into_iter(), body)
            .map_err(|e| BuildError::new(format!("cannot sign {url}: {e}")))?;
        // aws-sigv4 traces the request it signs, header values included: SSE-C keys must
        // not reach anyone's logs, so its events go nowhere.
        // `Dispatch::none` is not registered, so this costs no callsite-interest rebuild.
        let signed = tracing::dispatcher::with_default(&tracing::Dispatch::none(), || {
            sign(signable, &params)
        });
        let (instructions, _signature) = signed
            .map_err(|e| BuildError::new(format!("cannot sign {url}: {e}")))?
            .into_parts();
        let (new_headers, new_params) = instructions.into_parts();
        let mut out = Vec::with_capacity(new_headers.len());
        for header in new_headers {
            let name = HeaderName::from_bytes(header.name().as_bytes())
                .map_err(|e| BuildError::new(format!("signing produced a bad header name: {e}")))?;
            let value = HeaderValue::from_str(header.value()).map_err(|e| {
                BuildError::new(format!("signing produced a bad header value: {e}"))
            })?;
            out.push((name, value));
        }
        let params = new_params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_owned()))
            .collect();
        Ok((out, params))
    }
}
