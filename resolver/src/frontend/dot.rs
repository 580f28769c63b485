//! DNS-over-TLS frontend (RFC 7858): TLS 1.3 and 1.2 with ALPN `dot`, a
//! handshake deadline; connections are accepted as for TCP
//! ([`super::tcp::accept`]) and then served by [`super::stream`].

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::{Frontend, Transport, stream, tcp};

/// How long a client has to complete the TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// Accepts DoT connections until the task is dropped.
pub async fn serve(listener: TcpListener, acceptor: TlsAcceptor, frontend: Arc<Frontend>) {
    tcp::accept(listener, frontend, move |tcp, client, frontend| {
        let acceptor = acceptor.clone();
        async move {
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => stream::connection(tls, client, frontend, Transport::Tls).await,
                Ok(Err(e)) => tracing::debug!("tls handshake failed: {e}"),
                Err(_) => tracing::debug!("tls handshake timed out"),
            }
        }
    })
    .await;
}
