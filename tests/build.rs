//! Ports the aws-sdk-s3 programs in `porting/` the way the README tells users to: by
//! changing the import. Each is written to `$OUT_DIR/porting/` with `aws_config` replaced
//! by `s3_client::config` and `aws_sdk_s3` by `s3_client`, and nothing else changed; the
//! integration tests `include!` the results.

use std::path::PathBuf;
use std::{env, fs};

fn main() {
    println!("cargo::rerun-if-changed=porting");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("porting");
    fs::create_dir_all(&out).expect("OUT_DIR is writable");
    let mut programs: Vec<PathBuf> = fs::read_dir("porting")
        .expect("tests/porting exists")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    programs.sort();
    for program in programs {
        let text = fs::read_to_string(&program).expect("a program is UTF-8 text");
        let ported = text
            .replace("aws_config", "s3_client::config")
            .replace("aws_sdk_s3", "s3_client");
        let name = program.file_name().expect("a file name");
        fs::write(out.join(name), ported).expect("OUT_DIR is writable");
    }
}
