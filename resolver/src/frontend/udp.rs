//! UDP frontend: one socket per worker thread on the same address
//! (`SO_REUSEPORT`, the kernel spreads datagrams), each a blocking loop
//! that takes up to 32 datagrams per `recvmmsg` and sends the answers of
//! a batch with one `sendmmsg` (the system calls are most of a cache
//! hit's cost), through authdns's batched [`Receiver`] and [`Sender`].
//! What can be answered at once (cache hits, local zones, errors) is
//! answered on the worker, with nothing allocated but the response; a
//! query that needs resolution becomes a task on the async runtime,
//! which sends its response when it is done.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::thread::JoinHandle;

use authdns::listen::udp::{Receiver, Sender};
use nix::errno::Errno;
use tokio::runtime::Handle;

use super::{Frontend, Reply, Transport};

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
    let mut receiver = Receiver::new();
    let mut sender = Sender::new();
    loop {
        if let Err(e) = receiver.receive(socket) {
            if !matches!(e, Errno::EAGAIN | Errno::EINTR) {
                tracing::debug!("udp receive failed: {e}");
            }
            continue;
        }
        for (msg, peer) in receiver.datagrams() {
            match frontend.respond_now(msg, peer.ip(), Transport::Udp, sender.buffer()) {
                Reply::Send => sender.push(peer),
                Reply::Drop => {}
                Reply::Resolve => {
                    let msg = msg.to_vec();
                    let (socket, frontend) = (Arc::clone(socket), Arc::clone(frontend));
                    runtime.spawn(async move {
                        let response = frontend.respond(&msg, peer.ip(), Transport::Udp).await;
                        if let Some(response) = response {
                            let _ = socket.send_to(&response, peer);
                        }
                    });
                }
            }
        }
        sender.flush(socket);
    }
}
