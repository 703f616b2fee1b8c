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
/// stall is closed afterwards, as a real restart or network reset would close it.
async fn serve(mut client: TcpStream, target: String, mut mode: watch::Receiver<Mode>) {
    let current = *mode.borrow_and_update();
    match current {
        Mode::Cut => return,
        Mode::Stall => {
            // Accepted, then nothing: hold the socket until the mode changes.
            let _ = mode.changed().await;
            return;
        }
        Mode::Forward => {}
    }
    let Ok(mut upstream) = TcpStream::connect(&target).await else { return };
    tokio::select! {
        _ = copy_bidirectional(&mut client, &mut upstream) => {}
        _ = mode.changed() => {
            drop(upstream);
            if *mode.borrow() == Mode::Stall {
                let _ = mode.changed().await;
            }
        }
    }
}
