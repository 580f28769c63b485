//! UDP frontend: one socket per worker thread on the same address
//! (`SO_REUSEPORT`, the kernel spreads datagrams), each a blocking loop.
//! What can be answered at once (cache hits, local zones, errors) is
//! answered on the worker, with nothing allocated but the response; a
//! query that needs resolution becomes a task on the async runtime,
//! which sends its response when it is done.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::runtime::Handle;

use super::{Frontend, Reply, Transport};

/// Largest query read.
const MAX_QUERY: usize = 4096;

/// Binds `workers` sockets to `addr` with `SO_REUSEPORT`, as authdns does
/// (port 0: the first picks it).
pub fn bind_workers(addr: SocketAddr, workers: usize) -> io::Result<Vec<UdpSocket>> {
    authdns::listen::udp::bind_workers(addr, workers.max(1)).map(|(_, sockets)| sockets)
}

/// Starts a worker thread on each socket; resolutions run on `runtime`.
pub fn spawn(
    sockets: Vec<UdpSocket>,
    frontend: &Arc<Frontend>,
    runtime: &Handle,
) -> io::Result<Vec<JoinHandle<()>>> {
    sockets
        .into_iter()
        .enumerate()
        .map(|(i, socket)| {
            let (frontend, runtime) = (Arc::clone(frontend), runtime.clone());
            std::thread::Builder::new()
                .name(format!("udp-{i}"))
                .spawn(move || serve(&Arc::new(socket), &frontend, &runtime))
        })
        .collect()
}

fn serve(socket: &Arc<UdpSocket>, frontend: &Arc<Frontend>, runtime: &Handle) {
    let mut buf = vec![0u8; MAX_QUERY];
    loop {
        let (len, peer) = match socket.recv_from(&mut buf) {
            Ok(received) => received,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::Interrupted
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(e) => {
                tracing::debug!("udp receive failed: {}", e.kind());
                continue;
            }
        };
        let msg = &buf[..len];
        match frontend.respond_now(msg, peer.ip(), Transport::Udp) {
            Reply::Send(response) => {
                let _ = socket.send_to(&response, peer);
            }
            Reply::Drop => {}
            Reply::Resolve => {
                let msg = msg.to_vec();
                let (socket, frontend) = (Arc::clone(socket), Arc::clone(frontend));
                runtime.spawn(async move {
                    if let Some(response) = frontend.respond(&msg, peer.ip(), Transport::Udp).await
                    {
                        let _ = socket.send_to(&response, peer);
                    }
                });
            }
        }
    }
}
