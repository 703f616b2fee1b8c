//! A TCP proxy on loopback that stands between the app and PostgreSQL or Redis and breaks the
//! link on demand, so tests can take a shared service "down" without stopping it for every
//! other test: `cut` drops every connection and refuses new ones (a restart, a crash),
//! `stall` keeps connections open but forwards nothing (a hung server, a black-holed network),
//! `restore` forwards again.

use std::net::SocketAddr;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Forward,
    Cut,
    Stall,
}

pub struct FaultProxy {
    address: SocketAddr,
    mode: watch::Sender<Mode>,
    acceptor: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on an ephemeral loopback port and forwards to `target` (`host:port`).
    pub async fn start(target: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the fault proxy");
        let address = listener.local_addr().expect("the proxy's address");
        let (mode, watching) = watch::channel(Mode::Forward);
        let target = target.to_owned();
        let acceptor = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, target.clone(), watching.clone()));
            }
        });
        Self { address, mode, acceptor }
    }

    /// A proxy in front of the server `url` names (`redis://host:port`,
    /// `postgres://user@host:port/db`), and `url` rewritten to go through it.
    pub async fn in_front_of(url: &str) -> (Self, String) {
        let parsed = url::Url::parse(url).expect("a server URL");
        let host = parsed.host_str().expect("the URL's host");
        let target = format!("{host}:{}", parsed.port_or_known_default().expect("the URL's port"));
        let proxy = Self::start(&target).await;
        let through = proxy.url_through(url, &target);
        (proxy, through)
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// `url` with its `host:port` replaced by the proxy's, e.g. a database URL.
    pub fn url_through(&self, url: &str, target: &str) -> String {
        url.replacen(target, &format!("127.0.0.1:{}", self.port()), 1)
    }

    /// Every connection dropped at once, new ones closed as they arrive.
    pub fn cut(&self) {
        self.mode.send_replace(Mode::Cut);
    }

    /// Connections stay open and nothing passes either way.
    pub fn stall(&self) {
        self.mode.send_replace(Mode::Stall);
    }

    pub fn restore(&self) {
        self.mode.send_replace(Mode::Forward);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.acceptor.abort();
        self.mode.send_replace(Mode::Cut);
    }
}

/// One client connection for as long as the mode allows it. A connection that saw a cut or a
/// stall is closed afterwards, as a real restart or network reset would close it. Only a change
/// of mode counts: `restore()` while forwarding leaves live connections alone.
async fn serve(mut client: TcpStream, target: String, mut mode: watch::Receiver<Mode>) {
    let current = *mode.borrow_and_update();
    match current {
        Mode::Cut => return,
        Mode::Stall => {
            // Accepted, then nothing: hold the socket until the stall ends.
            let _ = mode.wait_for(|m| *m != Mode::Stall).await;
            return;
        }
        Mode::Forward => {}
    }
    let Ok(mut upstream) = TcpStream::connect(&target).await else { return };
    let broken = tokio::select! {
        _ = copy_bidirectional(&mut client, &mut upstream) => false,
        _ = async { mode.wait_for(|m| *m != Mode::Forward).await.map(|_| ()) } => true,
    };
    if broken {
        drop(upstream);
        // Cut: close now. Stall: stay open and silent until the stall ends.
        let _ = mode.wait_for(|m| *m != Mode::Stall).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    const PATIENCE: Duration = Duration::from_millis(300);

    /// An upstream that echoes whatever it reads, on every connection.
    async fn echo_server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let (mut reader, mut writer) = socket.split();
                    let _ = tokio::io::copy(&mut reader, &mut writer).await;
                });
            }
        });
        address
    }

    async fn connect(proxy: &FaultProxy) -> TcpStream {
        TcpStream::connect(("127.0.0.1", proxy.port())).await.unwrap()
    }

    /// What one round trip gives: `Some(bytes)` echoed, `None` when the connection is closed.
    /// Panics if nothing at all happens within `PATIENCE` (use `is_silent` for that case).
    async fn round_trip(stream: &mut TcpStream) -> Option<Vec<u8>> {
        let written = stream.write_all(b"ping").await;
        let mut buffer = [0_u8; 4];
        let read = tokio::time::timeout(PATIENCE, stream.read_exact(&mut buffer)).await.expect("no answer in time");
        (written.is_ok() && read.is_ok()).then(|| buffer.to_vec())
    }

    async fn is_silent(stream: &mut TcpStream) -> bool {
        stream.write_all(b"ping").await.unwrap();
        let mut buffer = [0_u8; 4];
        tokio::time::timeout(PATIENCE, stream.read(&mut buffer)).await.is_err()
    }

    #[tokio::test]
    async fn forwards_both_ways_by_default() {
        let proxy = FaultProxy::start(&echo_server().await).await;
        let mut stream = connect(&proxy).await;
        assert_eq!(round_trip(&mut stream).await.as_deref(), Some(&b"ping"[..]));
    }

    #[tokio::test]
    async fn a_cut_closes_live_connections_and_new_ones_until_restored() {
        let proxy = FaultProxy::start(&echo_server().await).await;
        let mut live = connect(&proxy).await;
        assert!(round_trip(&mut live).await.is_some());

        proxy.cut();
        assert_eq!(round_trip(&mut live).await, None, "the live connection is closed");
        let mut fresh = connect(&proxy).await;
        assert_eq!(round_trip(&mut fresh).await, None, "a new connection is closed at once");

        proxy.restore();
        let mut after = connect(&proxy).await;
        assert_eq!(round_trip(&mut after).await.as_deref(), Some(&b"ping"[..]));
    }

    #[tokio::test]
    async fn a_stall_keeps_connections_open_and_silent_then_closes_them_on_restore() {
        let proxy = FaultProxy::start(&echo_server().await).await;
        let mut live = connect(&proxy).await;
        assert!(round_trip(&mut live).await.is_some());

        proxy.stall();
        assert!(is_silent(&mut live).await, "a live connection hears nothing");
        let mut fresh = connect(&proxy).await;
        assert!(is_silent(&mut fresh).await, "a new connection is accepted and hears nothing");

        proxy.restore();
        assert_eq!(round_trip(&mut live).await, None, "stalled connections are closed when the stall ends");
        let mut after = connect(&proxy).await;
        assert_eq!(round_trip(&mut after).await.as_deref(), Some(&b"ping"[..]));
    }

    #[tokio::test]
    async fn restoring_a_working_link_leaves_its_connections_alone() {
        let proxy = FaultProxy::start(&echo_server().await).await;
        let mut live = connect(&proxy).await;
        proxy.restore();
        assert_eq!(round_trip(&mut live).await.as_deref(), Some(&b"ping"[..]));
    }
}
