//! A 1 GiB round trip through s3s-fs in a process of its own, with its peak memory held
//! to the documented bound: concurrency x part size, plus 32 MiB.

use std::io::{Read, Write};

use super::{MIB, Scratch, data};
use crate::setup;

/// Writes `blocks` distinct 8 MiB blocks.
fn write_big(path: &std::path::Path, blocks: u64) {
    let base = data(8 * MIB, 77);
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..blocks {
        let mut block = base.clone();
        block[..8].copy_from_slice(&i.to_le_bytes());
        f.write_all(&block).unwrap();
    }
    f.flush().unwrap();
}

/// Whether two files hold the same bytes, read a block at a time.
fn same_files(a: &std::path::Path, b: &std::path::Path) -> bool {
    let (mut a, mut b) = (
        std::fs::File::open(a).unwrap(),
        std::fs::File::open(b).unwrap(),
    );
    let (mut x, mut y) = (vec![0; MIB as usize], vec![0; MIB as usize]);
    // Bounded: one pass over a 1 GiB file in 1 MiB blocks.
    for _ in 0..=1024 {
        let n = a.read(&mut x).unwrap();
        let m = b.read(&mut y).unwrap();
        if n != m || x[..n] != y[..m] {
            return false;
        }
        if n == 0 {
            return true;
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gibibyte_round_trip_stays_within_its_memory_bound() {
    let (server, _client) = setup("big").await;
    let scratch = Scratch::new("big");
    let (file, down) = (scratch.path("big.bin"), scratch.path("big.down"));
    write_big(&file, 128);
    let (part_size, concurrency) = (8 * MIB, 8u64);
    let endpoint = server.endpoint();
    let (part, conc) = (part_size.to_string(), concurrency.to_string());
    let args = [
        endpoint.as_ref(),
        "big".as_ref(),
        file.as_os_str(),
        down.as_os_str(),
        part.as_ref(),
        conc.as_ref(),
    ];
    let peak_kib = crate::run_probe(args, std::time::Duration::from_secs(900))
        .await
        .value("peak_rss_kib");
    let bound = concurrency * part_size + 32 * MIB;
    assert!(
        peak_kib * 1024 < bound,
        "peak RSS {peak_kib} KiB over the bound of {} KiB",
        bound / 1024
    );
    assert!(same_files(&file, &down));
}
