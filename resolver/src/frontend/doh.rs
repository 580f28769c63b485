//! DNS-over-HTTPS frontend (RFC 8484), HTTP/2 and HTTP/1.1 over TLS
//! (ALPN `h2`, `http/1.1`), served by hyper:
//!
//! - `GET PATH?dns=BASE64URL` and `POST PATH` with
//!   `Content-Type: application/dns-message` carry a DNS message each way;
//! - `GET PATH?name=NAME&type=TYPE&do=1&cd=1` is the JSON API
//!   ([`super::json`]);
//! - a successful exchange is `200` whatever the DNS RCODE, with
//!   `Cache-Control: max-age=` the smallest TTL in the response;
//! - errors: `400` malformed request or message, `404` other paths, `405`
//!   other methods, `408` a body too slow to arrive, `413` a message over
//!   65,535 octets, `415` a POST body of another media type.
//!
//! Request headers other than `Content-Type` and `Content-Length` are
//! never read, and nothing from a request is logged or kept.
//!
//! Bounds: the TLS handshake deadline of DoT, at most
//! [`MAX_STREAMS`] HTTP/2 streams at once per connection, a deadline for
//! headers and bodies, and connections idle for [`IDLE_TIMEOUT`] are
//! closed (HTTP/2 with a GOAWAY).

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::time::{Instant, timeout};
use tokio_rustls::TlsAcceptor;

use super::dot::HANDSHAKE_TIMEOUT;
use super::{Frontend, Reply, Transport, json, message, tcp};

/// The default URL path of the endpoint.
pub const DEFAULT_PATH: &str = "/dns-query";
/// Media type of DNS messages over HTTP.
pub const MEDIA_TYPE: &str = "application/dns-message";
/// Largest DNS message accepted.
const MAX_MESSAGE: usize = u16::MAX as usize;
/// A connection with no request for this long is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long request headers, and then a request body, may take to arrive.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Most octets of request headers: room for the longest `?dns=` URL.
const HEADER_LIMIT: usize = 128 * 1024;
/// Most octets of a request body read (and dropped past [`MAX_MESSAGE`])
/// before the stream is reset.
const DRAIN_LIMIT: usize = 256 * 1024;
/// HTTP/2 streams open at once on one connection.
pub const MAX_STREAMS: u32 = 128;

/// The DoH endpoint: what every connection serves.
pub struct Endpoint {
    frontend: Arc<Frontend>,
    path: String,
    transport: Transport,
}

impl Endpoint {
    /// An endpoint answering on `path` over HTTPS.
    pub fn new(frontend: Arc<Frontend>, path: &str) -> Self {
        Self {
            frontend,
            path: path.to_owned(),
            transport: Transport::Https,
        }
    }

    /// The same endpoint for plain HTTP behind a TLS-terminating proxy:
    /// nothing is padded.
    pub fn plain(mut self) -> Self {
        self.transport = Transport::Tcp;
        self
    }
}

/// Accepts DoH connections until the task is dropped: TLS with
/// `acceptor`, or plain HTTP/1.1 and HTTP/2 (h2c) without one.
pub async fn serve(listener: TcpListener, acceptor: Option<TlsAcceptor>, endpoint: Arc<Endpoint>) {
    let frontend = Arc::clone(&endpoint.frontend);
    tcp::accept(listener, frontend, move |tcp, client, _| {
        let (acceptor, endpoint) = (acceptor.clone(), Arc::clone(&endpoint));
        async move {
            let Some(acceptor) = acceptor else {
                return connection(tcp, client, endpoint).await;
            };
            match timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => connection(tls, client, endpoint).await,
                Ok(Err(e)) => tracing::debug!("doh: tls handshake failed: {e}"),
                Err(_) => tracing::debug!("doh: tls handshake timed out"),
            }
        }
    })
    .await;
}

/// Requests started and still running on one connection.
#[derive(Default)]
struct Activity {
    started: AtomicU64,
    running: AtomicUsize,
}

/// Marks a request running until dropped.
struct Running(Arc<Activity>);

impl Running {
    fn start(activity: &Arc<Activity>) -> Self {
        activity.started.fetch_add(1, Ordering::Relaxed);
        activity.running.fetch_add(1, Ordering::Relaxed);
        Self(Arc::clone(activity))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Serves HTTP/1.1 or HTTP/2 (by the client's preface) on one connection
/// until the client closes it or it stays idle for [`IDLE_TIMEOUT`].
async fn connection<S>(io: S, client: IpAddr, endpoint: Arc<Endpoint>)
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(REQUEST_TIMEOUT)
        .max_buf_size(HEADER_LIMIT);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(MAX_STREAMS)
        .max_header_list_size(HEADER_LIMIT as u32)
        .initial_stream_window_size(64 * 1024)
        .initial_connection_window_size(256 * 1024)
        .keep_alive_interval(IDLE_TIMEOUT)
        .keep_alive_timeout(REQUEST_TIMEOUT);
    let activity = Arc::new(Activity::default());
    let service = {
        let activity = Arc::clone(&activity);
        service_fn(move |request| {
            let running = Running::start(&activity);
            let endpoint = Arc::clone(&endpoint);
            async move {
                let response = endpoint.handle(request, client).await;
                drop(running);
                Ok::<_, Infallible>(response)
            }
        })
    };
    let conn = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    let mut tick = tokio::time::interval(IDLE_TIMEOUT / 4);
    let (mut seen, mut busy_at) = (0, Instant::now());
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!("doh: connection ended: {e}");
                }
                return;
            }
            _ = tick.tick() => {
                let started = activity.started.load(Ordering::Relaxed);
                if started != seen || activity.running.load(Ordering::Relaxed) > 0 {
                    (seen, busy_at) = (started, Instant::now());
                } else if busy_at.elapsed() >= IDLE_TIMEOUT {
                    conn.as_mut().graceful_shutdown();
                    break;
                }
            }
        }
    }
    let _ = timeout(REQUEST_TIMEOUT, conn).await;
}

impl Endpoint {
    /// The response to one HTTP request.
    async fn handle(&self, request: Request<Incoming>, client: IpAddr) -> Response<Full<Bytes>> {
        if request.uri().path() != self.path {
            return error(StatusCode::NOT_FOUND, "not a DNS endpoint");
        }
        match *request.method() {
            Method::GET => self.get(request.uri().query().unwrap_or(""), client).await,
            Method::POST => match read_message(request).await {
                Ok(msg) => self.exchange(&msg, client).await,
                Err(response) => response,
            },
            _ => {
                let mut response = error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST");
                response
                    .headers_mut()
                    .insert(ALLOW, http::HeaderValue::from_static("GET, POST"));
                response
            }
        }
    }

    /// `?dns=` (RFC 8484) or `?name=` (the JSON API).
    async fn get(&self, query: &str, client: IpAddr) -> Response<Full<Bytes>> {
        match decode_get(query) {
            Ok(GetRequest::Wire(msg)) => self.exchange(&msg, client).await,
            Ok(GetRequest::Json(msg)) => self.json_exchange(&msg, client).await,
            Err((status, why)) => error(status, &why),
        }
    }

    /// The DNS response to `msg`, or `None` to send nothing. A cache hit is
    /// answered here; only resolution goes into a (large) boxed future,
    /// so the task hyper spawns per request stays small.
    async fn answer(&self, msg: &[u8], client: IpAddr) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(512);
        match self
            .frontend
            .respond_now(msg, client, self.transport, &mut out)
        {
            Reply::Send => Some(out),
            Reply::Drop => None,
            Reply::Resolve => Box::pin(self.frontend.respond(msg, client, self.transport)).await,
        }
    }

    /// Answers a DNS message with a DNS message.
    async fn exchange(&self, msg: &[u8], client: IpAddr) -> Response<Full<Bytes>> {
        match self.answer(msg, client).await {
            Some(answer) => {
                let max_age = message::min_ttl(&answer).unwrap_or(0);
                success(MEDIA_TYPE, answer, max_age)
            }
            None => error(StatusCode::BAD_REQUEST, "not a DNS query"),
        }
    }

    /// Answers a JSON API request.
    async fn json_exchange(&self, msg: &[u8], client: IpAddr) -> Response<Full<Bytes>> {
        let answer = self.answer(msg, client).await;
        match answer.as_deref().and_then(json::response) {
            Some(text) => {
                let max_age = answer.as_deref().and_then(message::min_ttl).unwrap_or(0);
                success(json::MEDIA_TYPE, text.into_bytes(), max_age)
            }
            None => error(StatusCode::BAD_REQUEST, "not a DNS query"),
        }
    }
}

/// What a GET asks for: a DNS query, carried as is (`?dns=`) or built
/// from the JSON API's parameters (`?name=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetRequest {
    /// `?dns=`: the decoded message.
    Wire(Vec<u8>),
    /// `?name=...`: the query the parameters make; answered in JSON.
    Json(Vec<u8>),
}

/// Decodes the query string of a GET, or says which error status and why.
pub fn decode_get(query: &str) -> Result<GetRequest, (StatusCode, String)> {
    let params: Vec<_> = form_urlencoded::parse(query.as_bytes()).collect();
    if let Some((_, encoded)) = params.iter().find(|(key, _)| key == "dns") {
        if encoded.len() > MAX_MESSAGE.div_ceil(3) * 4 {
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                "DNS message too large".into(),
            ));
        }
        return data_encoding::BASE64URL_NOPAD
            .decode(encoded.trim_end_matches('=').as_bytes())
            .map(GetRequest::Wire)
            .map_err(|_| (StatusCode::BAD_REQUEST, "dns is not base64url".into()));
    }
    if params.iter().any(|(key, _)| key == "name") {
        let pairs = params.iter().map(|(k, v)| (k.as_ref(), v.as_ref()));
        return json::query(pairs)
            .map(GetRequest::Json)
            .map_err(|json::BadQuery(why)| (StatusCode::BAD_REQUEST, why));
    }
    Err((
        StatusCode::BAD_REQUEST,
        "give a dns or a name parameter".into(),
    ))
}

/// The body of a POST: `application/dns-message`, at most 65,535 octets,
/// arriving within [`REQUEST_TIMEOUT`]. A body is read to its end before
/// an error is sent (up to [`DRAIN_LIMIT`] octets): some clients take a
/// reset of a request they are still sending for a failed exchange.
async fn read_message(request: Request<Incoming>) -> Result<Vec<u8>, Response<Full<Bytes>>> {
    let media_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    let is_dns = media_type.is_some_and(|t| t.eq_ignore_ascii_case(MEDIA_TYPE));
    let (kept, total) = match timeout(REQUEST_TIMEOUT, drain(request.into_body())).await {
        Ok(Ok(read)) => read,
        Ok(Err(status)) => return Err(error(status, "the body could not be read")),
        Err(_) => return Err(error(StatusCode::REQUEST_TIMEOUT, "the body took too long")),
    };
    if !is_dns {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "POST a body of type application/dns-message",
        ));
    }
    if total > MAX_MESSAGE {
        return Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "DNS message too large",
        ));
    }
    Ok(kept)
}

/// Reads a body to its end, keeping at most [`MAX_MESSAGE`] octets:
/// what was kept and the full length. `413` past [`DRAIN_LIMIT`], `400`
/// if the stream fails.
async fn drain(mut body: Incoming) -> Result<(Vec<u8>, usize), StatusCode> {
    let (mut kept, mut total) = (Vec::new(), 0usize);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| StatusCode::BAD_REQUEST)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total += data.len();
        if total > DRAIN_LIMIT {
            return Err(StatusCode::PAYLOAD_TOO_LARGE);
        }
        if total <= MAX_MESSAGE {
            kept.extend_from_slice(&data);
        }
    }
    Ok((kept, total))
}

/// `200` with `body`, cacheable for `max_age` seconds.
fn success(media_type: &'static str, body: Vec<u8>, max_age: u32) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, http::HeaderValue::from_static(media_type));
    headers.insert(
        CACHE_CONTROL,
        http::HeaderValue::from_str(&format!("max-age={max_age}"))
            .expect("a number is a valid header value"),
    );
    response
}

/// An error status with a one-line explanation.
fn error(status: StatusCode, why: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(format!("{why}\n"))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
