//! An s3s-fs server as a process of its own, for benchmarks and for trying the `s3`
//! command by hand: `local-s3 <root> <port> [bytes-per-second-per-connection]`. It prints
//! its endpoint and serves until killed. Its keys are the tests' (`AKIDLOCALTEST`).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, port, rest @ ..] = args.as_slice() else {
        return Err("usage: local-s3 <root> <port> [bytes-per-second-per-connection]".into());
    };
    let cap = rest.first().map(|c| c.parse::<u64>()).transpose()?;
    let server = s3_client_tests::LocalS3::serve(root.into(), port.parse()?, cap).await?;
    println!("{}", server.endpoint());
    std::future::pending::<()>().await;
    Ok(())
}
