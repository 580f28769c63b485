//! TCP frontend (RFC 7766): a bound on connections; each connection is
//! served by [`super::stream`]. The accept loop is shared with DoT.

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use super::{Frontend, Transport, stream};

/// Most connections at once (per listener).
pub const MAX_CONNECTIONS: usize = 1024;

/// Accepts plain DNS-over-TCP connections until the task is dropped.
pub async fn serve(listener: TcpListener, frontend: Arc<Frontend>) {
    accept(listener, frontend, |tcp, client, frontend| {
        stream::connection(tcp, client, frontend, Transport::Tcp)
    })
    .await;
}

/// Accepts connections until the task is dropped, each handled by
/// `handle` in its own task; a connection over [`MAX_CONNECTIONS`] is
/// closed at once.
pub async fn accept<H, F>(listener: TcpListener, frontend: Arc<Frontend>, handle: H)
where
    H: Fn(TcpStream, IpAddr, Arc<Frontend>) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let connection = handle(stream, peer.ip(), Arc::clone(&frontend));
        tokio::spawn(async move {
            connection.await;
            drop(permit);
        });
    }
}
