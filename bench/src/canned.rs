//! The canned server: S3-shaped answers from memory, so that the client's cost is what
//! is measured. A PUT is read to its end and answered with an ETag; a GET of `big` streams
//! 1 GiB; a listing (`list-type=2`) is a 1,000-key page; any other GET is a 4 KiB object.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// The body of a small GET.
pub const SMALL: usize = 4096;
/// The body of the big GET.
pub const BIG: u64 = 1 << 30;
/// Keys in the listing.
pub const KEYS: usize = 1000;

/// Serves on 127.0.0.1 (a free port, printed on stdout) until killed.
pub async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("{}", listener.local_addr()?.port());
    let answers = Arc::new(Answers::new());
    loop {
        let (socket, _) = listener.accept().await?;
        socket.set_nodelay(true)?;
        let answers = answers.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let answers = answers.clone();
                async move { Ok::<_, Infallible>(answers.answer(req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(socket), service)
                .await;
        });
    }
}

/// What the server answers, made once.
struct Answers {
    small: Bytes,
    listing: Bytes,
    chunk: Bytes,
}

impl Answers {
    fn new() -> Self {
        let mut listing = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bench</Name><Prefix></Prefix><KeyCount>1000</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>",
        );
        for i in 0..KEYS {
            listing.push_str(&format!(
                "<Contents><Key>photos/2026/12/{i:06}.jpg</Key><LastModified>2026-12-01T10:00:00.000Z</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType><Size>{}</Size><StorageClass>STANDARD</StorageClass></Contents>",
                1000 + i
            ));
        }
        listing.push_str("</ListBucketResult>");
        Answers {
            small: Bytes::from(vec![b'x'; SMALL]),
            listing: Bytes::from(listing),
            chunk: Bytes::from(vec![b'y'; 1 << 20]),
        }
    }

    async fn answer(&self, req: Request<Incoming>) -> Response<Canned> {
        let ok = Response::builder()
            .status(200)
            .header("x-amz-request-id", "0123456789ABCDEF")
            .header("x-amz-id-2", "bench");
        let method = req.method().clone();
        let listing = req.uri().query().is_some_and(|q| q.contains("list-type=2"));
        let big = req.uri().path().ends_with("/big");
        // A PUT's body is read to its end, as a server must before it answers.
        let mut body = req.into_body();
        while let Some(frame) = body.frame().await {
            if frame.is_err() {
                break;
            }
        }
        let response = if method == hyper::Method::PUT {
            ok.header("etag", "\"9b2cf535f27731c974343645a3985328\"")
                .body(Canned::Bytes(Some(Bytes::new())))
        } else if listing {
            ok.header("content-type", "application/xml")
                .header("content-length", self.listing.len())
                .body(Canned::Bytes(Some(self.listing.clone())))
        } else {
            let length = if big { BIG } else { SMALL as u64 };
            let with_headers = ok
                .header("content-length", length)
                .header("content-type", "application/octet-stream")
                .header("etag", "\"9b2cf535f27731c974343645a3985328\"")
                .header("last-modified", "Tue, 01 Dec 2026 10:00:00 GMT")
                .header("accept-ranges", "bytes");
            if method == hyper::Method::HEAD {
                with_headers.body(Canned::Bytes(None))
            } else if big {
                with_headers.body(Canned::Repeat {
                    chunk: self.chunk.clone(),
                    left: BIG,
                })
            } else {
                with_headers.body(Canned::Bytes(Some(self.small.clone())))
            }
        };
        response.unwrap_or_else(|_| Response::new(Canned::Bytes(None)))
    }
}

/// A canned body: bytes held once, or one chunk repeated to a length.
pub enum Canned {
    Bytes(Option<Bytes>),
    Repeat { chunk: Bytes, left: u64 },
}

impl Body for Canned {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        Poll::Ready(match this {
            Canned::Bytes(b) => b.take().map(|b| Ok(Frame::data(b))),
            Canned::Repeat { chunk, left } => {
                if *left == 0 {
                    None
                } else {
                    let n = (*left).min(chunk.len() as u64);
                    *left -= n;
                    Some(Ok(Frame::data(chunk.slice(..n as usize))))
                }
            }
        })
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            Canned::Bytes(b) => {
                http_body::SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64))
            }
            Canned::Repeat { left, .. } => http_body::SizeHint::with_exact(*left),
        }
    }
}
