//! TCP frontend (RFC 7766): several queries per connection, an idle
//! timeout, a bound on connections.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use super::{Frontend, Transport};

/// How long a connection may wait for its next query.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// Most connections at once.
pub const MAX_CONNECTIONS: usize = 1024;

/// Accepts connections until the task is dropped.
pub async fn serve(listener: TcpListener, frontend: Arc<Frontend>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else {
            continue;
        };
        let frontend = Arc::clone(&frontend);
        tokio::spawn(async move {
            connection(stream, peer.ip(), &frontend).await;
            drop(permit);
        });
    }
}

async fn connection(mut stream: TcpStream, client: std::net::IpAddr, frontend: &Frontend) {
    let _ = stream.set_nodelay(true);
    loop {
        let mut len = [0u8; 2];
        if !matches!(
            tokio::time::timeout(IDLE_TIMEOUT, stream.read_exact(&mut len)).await,
            Ok(Ok(_))
        ) {
            return;
        }
        let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if !matches!(
            tokio::time::timeout(IDLE_TIMEOUT, stream.read_exact(&mut msg)).await,
            Ok(Ok(_))
        ) {
            return;
        }
        let Some(response) = frontend.respond(&msg, client, Transport::Tcp).await else {
            continue;
        };
        let mut framed = (response.len() as u16).to_be_bytes().to_vec();
        framed.extend_from_slice(&response);
        if !matches!(
            tokio::time::timeout(IDLE_TIMEOUT, stream.write_all(&framed)).await,
            Ok(Ok(()))
        ) {
            return;
        }
    }
}
