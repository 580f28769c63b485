//! TCP (RFC 7766): several queries per connection, answered in order; an
//! idle timeout between queries and bounds on simultaneous connections,
//! overall and per client ([`ConnectionLimits`]; a connection over a
//! limit is closed at once).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::Service;
use super::connections::ConnectionLimits;
use crate::answer::{Request, Transport};

/// TCP limits.
#[derive(Debug, Clone, Copy)]
pub struct TcpLimits {
    /// How long a connection may wait for its next query.
    pub idle_timeout: Duration,
    /// Most connections at once.
    pub max_connections: usize,
    /// Most connections at once from one client (0: no bound).
    pub max_connections_per_client: usize,
}

/// Accepts connections until `shutdown` turns true; `connections` is
/// shared by every listener.
pub async fn serve(
    listener: TcpListener,
    limits: TcpLimits,
    connections: Arc<ConnectionLimits>,
    service: Arc<Service>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::debug!("tcp accept failed: {}", e.kind());
                continue;
            }
        };
        let Some(slot) = connections.admit(peer.ip()) else {
            drop(stream);
            continue;
        };
        let service = Arc::clone(&service);
        tokio::spawn(async move {
            connection(stream, peer, limits, &service).await;
            drop(slot);
        });
    }
}

async fn connection(mut stream: TcpStream, peer: SocketAddr, limits: TcpLimits, service: &Service) {
    let _ = stream.set_nodelay(true);
    let mut query = Vec::with_capacity(512);
    let mut response = Vec::with_capacity(4096);
    let mut frame = Vec::with_capacity(4096);
    loop {
        let mut prefix = [0u8; 2];
        match tokio::time::timeout(limits.idle_timeout, stream.read_exact(&mut prefix)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let len = usize::from(u16::from_be_bytes(prefix));
        query.resize(len, 0);
        match tokio::time::timeout(limits.idle_timeout, stream.read_exact(&mut query)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let request = Request {
            msg: &query,
            transport: Transport::Tcp,
            client: peer.ip(),
            now: super::unix_now(),
        };
        let Some(out) = service.respond(&request, &mut response) else {
            continue;
        };
        frame.clear();
        frame.extend_from_slice(&(out as u16).to_be_bytes());
        frame.extend_from_slice(&response[..out]);
        match tokio::time::timeout(limits.idle_timeout, stream.write_all(&frame)).await {
            Ok(Ok(())) => {}
            _ => return,
        }
    }
}
