//! `<binary> healthcheck`: the container's health probe, so the runtime image needs no curl.
//! It reads only the port from the environment (not the whole configuration, which a probe
//! must not depend on), asks `http://127.0.0.1:<port>/health` and exits 0 on a 200, 1 on
//! anything else, within a few seconds whatever the server does.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

/// For connecting, sending and reading each: a server that does not answer is unhealthy.
const DEADLINE: Duration = Duration::from_secs(3);

/// Probes the port named by `port_variable` (`PORT`, `METRICS_PORT`), or `default_port`.
pub fn run(port_variable: &str, default_port: Option<u16>) -> ExitCode {
    let port = match std::env::var(port_variable) {
        Ok(value) => match value.trim().parse::<u16>() {
            Ok(port) => Some(port),
            Err(_) => {
                eprintln!("unhealthy: {port_variable}={value:?} is not a port");
                return ExitCode::FAILURE;
            }
        },
        Err(_) => default_port,
    };
    let Some(port) = port else {
        eprintln!("unhealthy: {port_variable} is not set, so nothing serves /health");
        return ExitCode::FAILURE;
    };
    match probe(port) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("unhealthy: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// `GET /health` on loopback; `Ok` when it answers 200.
pub fn probe(port: u16) -> Result<(), String> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream =
        TcpStream::connect_timeout(&address, DEADLINE).map_err(|e| format!("cannot connect to {address}: {e}"))?;
    stream.set_read_timeout(Some(DEADLINE)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(DEADLINE)).map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut head = [0_u8; 64];
    let read = stream.read(&mut head).map_err(|e| format!("no answer from {address}: {e}"))?;
    let status_line = String::from_utf8_lossy(head.get(..read).unwrap_or_default()).into_owned();
    let status = status_line.split_whitespace().nth(1).unwrap_or_default();
    if status == "200" {
        Ok(())
    } else {
        Err(format!("/health on {address} answered {:?}", status_line.lines().next().unwrap_or_default()))
    }
}
