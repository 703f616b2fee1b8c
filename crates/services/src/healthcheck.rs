//! `<binary> healthcheck`: the container's health probe, so the runtime image needs no curl.
//! It reads only the port from the environment (not the whole configuration, which a probe
//! must not depend on), asks `http://127.0.0.1:<port>/health` and exits 0 on a 200, 1 on
//! anything else, within [`DEADLINE`] whatever the server does.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// For the whole probe (connect, send, read the status line): a server that has not answered
/// by then is unhealthy, and the probe ends well inside Docker's 5 s HEALTHCHECK timeout.
pub const DEADLINE: Duration = Duration::from_secs(3);

/// The status line fits in this many bytes (`HTTP/1.1 200 OK\r\n`); the rest is not read.
const STATUS_LINE_MAX: usize = 64;

/// Probes the port named by `port_variable` (`PORT`, `METRICS_PORT`), or `default_port`.
pub fn run(port_variable: &str, default_port: Option<u16>) -> ExitCode {
    let port = match std::env::var(port_variable) {
        Ok(value) => match value.trim().parse::<u16>() {
            Ok(port) if port != 0 => Some(port),
            _ => {
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
    match probe(port, DEADLINE) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("unhealthy: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// `GET /health` on loopback; `Ok` when it answers 200 within `deadline`.
pub fn probe(port: u16, deadline: Duration) -> Result<(), String> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let until = Instant::now() + deadline;
    let remaining = || {
        until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
            .ok_or_else(|| format!("no answer from {address} within {deadline:?}"))
    };
    let mut stream =
        TcpStream::connect_timeout(&address, remaining()?).map_err(|e| format!("cannot connect to {address}: {e}"))?;
    stream.set_write_timeout(Some(remaining()?)).map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .map_err(|e| format!("cannot send the request to {address}: {e}"))?;
    // The status line may arrive in pieces: read until its end, the buffer is full, or the
    // server closes.
    let mut head = [0_u8; STATUS_LINE_MAX];
    let mut filled = 0;
    while let Some(rest) = head.get_mut(filled..).filter(|rest| !rest.is_empty()) {
        stream.set_read_timeout(Some(remaining()?)).map_err(|e| e.to_string())?;
        match stream.read(rest) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("no answer from {address}: {e}")),
        }
        if head.get(..filled).is_some_and(|received| received.contains(&b'\n')) {
            break;
        }
    }
    let received = head.get(..filled).unwrap_or_default();
    let status_line = String::from_utf8_lossy(received).lines().next().unwrap_or_default().to_owned();
    match status_line.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        _ => Err(format!("/health on {address} answered {status_line:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    /// A one-connection server on a free loopback port that reads the request and then does
    /// what `answer` says with the connection.
    fn serve_once(answer: impl FnOnce(TcpStream) + Send + 'static) -> u16 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0_u8; 256];
            let read = stream.read(&mut request).unwrap();
            assert!(request[..read].starts_with(b"GET /health HTTP/1.0\r\n"));
            answer(stream);
        });
        port
    }

    #[test]
    fn a_200_is_healthy_even_when_the_status_line_arrives_in_pieces() {
        let port = serve_once(|mut stream| {
            stream.write_all(b"HTTP/1.1 2").unwrap();
            stream.flush().unwrap();
            thread::sleep(Duration::from_millis(50));
            stream.write_all(b"00 OK\r\ncontent-length: 0\r\n\r\n").unwrap();
        });
        assert_eq!(probe(port, DEADLINE), Ok(()));
    }

    #[test]
    fn any_other_status_is_unhealthy_and_says_what_it_was() {
        let port = serve_once(|mut stream| {
            stream.write_all(b"HTTP/1.1 503 Service Unavailable\r\n\r\n").unwrap();
        });
        let reason = probe(port, DEADLINE).unwrap_err();
        assert!(reason.contains("503 Service Unavailable"), "{reason}");
    }

    #[test]
    fn a_closed_connection_without_an_answer_is_unhealthy() {
        let port = serve_once(drop);
        let reason = probe(port, DEADLINE).unwrap_err();
        assert!(reason.contains("answered \"\""), "{reason}");
    }

    #[test]
    fn a_server_that_never_answers_is_unhealthy_by_the_deadline() {
        let port = serve_once(|stream| {
            thread::sleep(Duration::from_secs(2));
            drop(stream);
        });
        let started = Instant::now();
        let reason = probe(port, Duration::from_millis(300)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
        assert!(reason.contains(&format!("127.0.0.1:{port}")), "{reason}");
    }

    #[test]
    fn nothing_listening_is_unhealthy() {
        // Bound and dropped at once: the port is free, and nothing listens on it.
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port();
        let reason = probe(port, DEADLINE).unwrap_err();
        assert!(reason.starts_with("cannot connect"), "{reason}");
    }
}
