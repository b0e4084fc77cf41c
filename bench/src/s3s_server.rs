//! The s3s-fs server: a real S3 implementation over files, with SigV4 checked, for the
//! same workloads against a server nobody here wrote. Its objects are made as files
//! before it starts: the small objects every GET workload reads, `big` (a link to the
//! 1 GiB file), and the 1,000 keys of the listed bucket.

use std::path::Path;

use hyper_util::rt::{TokioExecutor, TokioIo};
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;

use crate::adapters::{ACCESS_KEY, BUCKET, Error, LIST_BUCKET, SECRET_KEY};

/// Serves the objects under `root` on 127.0.0.1 (a free port, printed on stdout) until
/// killed.
pub async fn serve(root: &Path, big: &Path, small_objects: usize) -> Result<(), Error> {
    let bucket = root.join(BUCKET);
    std::fs::create_dir_all(&bucket)?;
    let small = vec![b'z'; crate::canned::SMALL];
    for i in 0..small_objects {
        let path = bucket.join(format!("k{i}"));
        if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(small.len() as u64) {
            std::fs::write(&path, &small)?;
        }
    }
    let listed = root.join(LIST_BUCKET);
    std::fs::create_dir_all(&listed)?;
    for i in 0..crate::canned::KEYS {
        let path = listed.join(format!("k{i:04}"));
        if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(small.len() as u64) {
            std::fs::write(&path, &small)?;
        }
    }
    let linked = bucket.join("big");
    if std::fs::metadata(&linked).map(|m| m.len()).ok() != Some(crate::canned::BIG) {
        let _ = std::fs::remove_file(&linked);
        if std::fs::hard_link(big, &linked).is_err() {
            std::fs::copy(big, &linked)?;
        }
    }
    let fs = s3s_fs::FileSystem::new(root).map_err(|e| format!("s3s-fs: {e:?}"))?;
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("{}", listener.local_addr()?.port());
    let http = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    loop {
        let (socket, _) = listener.accept().await?;
        socket.set_nodelay(true)?;
        let conn = http
            .serve_connection(TokioIo::new(socket), service.clone())
            .into_owned();
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
}
