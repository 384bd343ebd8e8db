//! `cmu fake-server`: the built-in fake Adobe Pass server in the foreground.

use std::net::SocketAddr;
use std::time::Duration;

use cmu_core::fake_server::{self, FakeServer, FakeServerConfig};
use cmu_core::Error;

use crate::args::FakeServerArgs;

/// Runs until Ctrl-C or SIGTERM.
pub async fn run(args: &FakeServerArgs) -> Result<(), Error> {
    let addr: SocketAddr = args.addr.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "--addr {} is not an address; use 127.0.0.1:PORT",
            args.addr
        ))
    })?;
    if !addr.ip().is_loopback() {
        return Err(Error::InvalidInput(
            "the fake server listens on loopback only; use --addr 127.0.0.1:PORT".to_owned(),
        ));
    }
    let mut config = FakeServerConfig {
        addr,
        ..FakeServerConfig::default()
    };
    if let Some(ttl) = args.token_ttl {
        config.token_ttl = Duration::from_secs(ttl);
    }
    let server = FakeServer::start(config)
        .await
        .map_err(|e| Error::LocalIo(format!("cannot listen on {addr}: {e}")))?;
    let faults = server.faults();
    if let Some(n) = args.throttle {
        faults.throttle_next(n);
    }
    if let Some(n) = args.fail {
        faults.fail_next(n, 503);
    }
    if let Some(ms) = args.delay_ms {
        faults.set_delay(Duration::from_millis(ms));
    }
    if args.drop_connections {
        faults.set_drop_always(true);
    }
    if let Some(path) = &args.statement_out {
        let statement =
            fake_server::demo_statement(&args.software_id, fake_server::DEMO_CLIENT_NAME);
        std::fs::write(path, statement).map_err(|e| Error::io("write", path, &e))?;
        eprintln!("demo statement written to {}", path.display());
    }
    // The URL alone on stdout, so scripts can capture it.
    println!("{}", server.base_url());
    eprintln!(
        "fake Adobe Pass server running; faults at {}_fake/faults; Ctrl-C to stop",
        server.base_url()
    );
    server.wait().await;
    Ok(())
}
