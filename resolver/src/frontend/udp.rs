//! UDP frontend: one socket, a task per query (resolution may wait on the
//! network; cache hits still go through it for now).

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::UdpSocket;

use super::{Frontend, Transport};

/// Largest query read.
const MAX_QUERY: usize = 4096;

/// Serves `socket` until the task is dropped.
pub async fn serve(socket: UdpSocket, frontend: Arc<Frontend>) {
    let socket = Arc::new(socket);
    let mut buf = vec![0u8; MAX_QUERY];
    loop {
        let (len, peer): (usize, SocketAddr) = match socket.recv_from(&mut buf).await {
            Ok(received) => received,
            Err(e) => {
                tracing::debug!("udp receive failed: {}", e.kind());
                continue;
            }
        };
        let msg = buf[..len].to_vec();
        let (socket, frontend) = (Arc::clone(&socket), Arc::clone(&frontend));
        tokio::spawn(async move {
            if let Some(response) = frontend.respond(&msg, peer.ip(), Transport::Udp).await {
                let _ = socket.send_to(&response, peer).await;
            }
        });
    }
}
