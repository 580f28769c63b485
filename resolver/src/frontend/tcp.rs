//! TCP frontend (RFC 7766): connections are bounded overall and per
//! client by [`Frontend::connections`], shared by TCP, DoT and DoH; each
//! connection is served by [`super::stream`]. The accept loop is shared
//! with DoT and DoH.

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};

use super::{Frontend, Transport, stream};

/// Accepts plain DNS-over-TCP connections until the task is dropped.
pub async fn serve(listener: TcpListener, frontend: Arc<Frontend>) {
    accept(listener, frontend, |tcp, client, frontend| {
        stream::connection(tcp, client, frontend, Transport::Tcp)
    })
    .await;
}

/// Accepts connections until the task is dropped, each handled by
/// `handle` in its own task; a connection over the overall or the
/// client's limit is closed at once.
pub async fn accept<H, F>(listener: TcpListener, frontend: Arc<Frontend>, handle: H)
where
    H: Fn(TcpStream, IpAddr, Arc<Frontend>) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let Some(slot) = frontend.connections.admit(peer.ip()) else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let connection = handle(stream, peer.ip(), Arc::clone(&frontend));
        tokio::spawn(async move {
            connection.await;
            drop(slot);
        });
    }
}
