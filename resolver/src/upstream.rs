//! One exchange with an authoritative server: a query out, its answer in.
//!
//! Defences against off-path spoofing (RFC 5452): a random query ID, a
//! fresh socket per query (the kernel picks a random source port), and an
//! answer is accepted only from the address asked, with the same ID and
//! the same question; anything else is ignored while the wait goes on.
//! EDNS advertises 1232 octets (DNS Flag Day 2020); a truncated answer is
//! asked again over TCP (RFC 7766). Answers are decoded with hickory-proto:
//! this is off the cache-hit path.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use hickory_proto::op::Message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::time::{Instant, timeout_at};

/// The EDNS UDP payload size we advertise upstream.
pub const EDNS_UDP_SIZE: u16 = 1232;

/// Why an exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamError {
    /// No acceptable answer before the deadline.
    Timeout,
    /// The network refused (e.g. ICMP port unreachable) or failed.
    Network(io::ErrorKind),
    /// An answer with the right ID and question that does not decode.
    Malformed,
    /// Not sent: the zone asked has as many queries in flight as it may
    /// ([`crate::iterate::zone_queries`]).
    ZoneBusy,
}

impl std::fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout => f.write_str("no answer in time"),
            Self::Network(kind) => write!(f, "network error: {kind}"),
            Self::Malformed => f.write_str("malformed answer"),
            Self::ZoneBusy => f.write_str("too many queries in flight to the zone"),
        }
    }
}

impl std::error::Error for UpstreamError {}

impl From<io::Error> for UpstreamError {
    fn from(e: io::Error) -> Self {
        Self::Network(e.kind())
    }
}

/// A question to send: `qname` (wire form) and `qtype`, class IN.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    /// The name in wire form.
    pub qname: &'a [u8],
    /// The type.
    pub qtype: u16,
}

/// Builds the query message: RD clear (we iterate), EDNS with our size
/// and DO set, so that signed zones send their RRSIGs and denial proofs.
fn encode_query(id: u16, question: Question<'_>) -> Vec<u8> {
    let mut msg = Vec::with_capacity(12 + question.qname.len() + 4 + 11);
    msg.extend_from_slice(&id.to_be_bytes());
    msg.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    msg.extend_from_slice(question.qname);
    msg.extend_from_slice(&question.qtype.to_be_bytes());
    msg.extend_from_slice(&1u16.to_be_bytes());
    msg.extend_from_slice(&[0, 0, 41]);
    msg.extend_from_slice(&EDNS_UDP_SIZE.to_be_bytes());
    msg.extend_from_slice(&[0, 0, 0x80, 0, 0, 0]);
    msg
}

/// Whether `answer` is a response with our ID to our exact question
/// (names compared case-insensitively).
fn matches(answer: &[u8], query: &[u8]) -> bool {
    let question_len = query.len() - 12 - 11;
    answer.len() >= 12 + question_len
        && answer[..2] == query[..2]
        && answer[2] & 0x80 != 0
        && answer[4..6] == [0, 1]
        && answer[12..12 + question_len].eq_ignore_ascii_case(&query[12..12 + question_len])
}

/// Asks `server` and returns its answer, over UDP then, if truncated, TCP.
pub async fn exchange(
    server: SocketAddr,
    question: Question<'_>,
    timeout: Duration,
) -> Result<Message, UpstreamError> {
    let deadline = Instant::now() + timeout;
    let query = encode_query(rand::random(), question);
    let answer = udp(server, &query, deadline).await?;
    let message = Message::from_vec(&answer).map_err(|_| UpstreamError::Malformed)?;
    if !message.metadata.truncation {
        return Ok(message);
    }
    let query = encode_query(rand::random(), question);
    let answer = tcp(server, &query, deadline).await?;
    Message::from_vec(&answer).map_err(|_| UpstreamError::Malformed)
}

async fn udp(
    server: SocketAddr,
    query: &[u8],
    deadline: Instant,
) -> Result<Vec<u8>, UpstreamError> {
    let local: SocketAddr = if server.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        ([0u16; 8], 0).into()
    };
    let socket = UdpSocket::bind(local).await?;
    // connect(): the kernel drops datagrams from any other address.
    socket.connect(server).await?;
    socket.send(query).await?;
    let mut buf = vec![0u8; usize::from(EDNS_UDP_SIZE).max(4096)];
    loop {
        let len = timeout_at(deadline, socket.recv(&mut buf))
            .await
            .map_err(|_| UpstreamError::Timeout)??;
        if matches(&buf[..len], query) {
            buf.truncate(len);
            return Ok(buf);
        }
    }
}

async fn tcp(
    server: SocketAddr,
    query: &[u8],
    deadline: Instant,
) -> Result<Vec<u8>, UpstreamError> {
    let io = async {
        let mut stream = TcpStream::connect(server).await?;
        let mut framed = Vec::with_capacity(query.len() + 2);
        framed.extend_from_slice(&(query.len() as u16).to_be_bytes());
        framed.extend_from_slice(query);
        stream.write_all(&framed).await?;
        loop {
            let mut len = [0u8; 2];
            stream.read_exact(&mut len).await?;
            let mut answer = vec![0u8; usize::from(u16::from_be_bytes(len))];
            stream.read_exact(&mut answer).await?;
            if matches(&answer, query) {
                return Ok::<_, io::Error>(answer);
            }
        }
    };
    Ok(timeout_at(deadline, io)
        .await
        .map_err(|_| UpstreamError::Timeout)??)
}

#[cfg(test)]
mod tests {
    use super::*;

    const QNAME: &[u8] = b"\x03www\x07example\x00";
    const A: u16 = 1;

    /// A response to `query` with `answers` A records for 192.0.2.x, TC if asked.
    fn response(query: &[u8], id_delta: u16, truncated: bool, answers: u8) -> Vec<u8> {
        let id = u16::from_be_bytes([query[0], query[1]]).wrapping_add(id_delta);
        let mut msg = id.to_be_bytes().to_vec();
        msg.push(0x84 | if truncated { 0x02 } else { 0 });
        msg.push(0);
        msg.extend_from_slice(&[0, 1, 0, answers, 0, 0, 0, 0]);
        msg.extend_from_slice(&query[12..12 + QNAME.len() + 4]);
        for i in 0..answers {
            msg.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, i]);
        }
        msg
    }

    #[tokio::test]
    async fn answers_with_the_wrong_id_are_ignored_and_tc_moves_to_tcp() {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let server = udp.local_addr().unwrap();
        let tcp = tokio::net::TcpListener::bind(server).await.unwrap();
        tokio::spawn(async move {
            let mut buf = [0u8; 512];
            let (len, peer) = udp.recv_from(&mut buf).await.unwrap();
            // A spoofed answer (wrong ID) first, then the real one, truncated.
            udp.send_to(&response(&buf[..len], 1, false, 1), peer)
                .await
                .unwrap();
            udp.send_to(&response(&buf[..len], 0, true, 0), peer)
                .await
                .unwrap();
            let (mut stream, _) = tcp.accept().await.unwrap();
            let mut len = [0u8; 2];
            stream.read_exact(&mut len).await.unwrap();
            let mut query = vec![0u8; usize::from(u16::from_be_bytes(len))];
            stream.read_exact(&mut query).await.unwrap();
            let answer = response(&query, 0, false, 3);
            stream
                .write_all(&(answer.len() as u16).to_be_bytes())
                .await
                .unwrap();
            stream.write_all(&answer).await.unwrap();
        });
        let question = Question {
            qname: QNAME,
            qtype: A,
        };
        let answer = exchange(server, question, Duration::from_secs(2))
            .await
            .unwrap();
        assert!(!answer.metadata.truncation);
        assert_eq!(answer.answers.len(), 3, "the full answer came over TCP");
    }

    #[tokio::test]
    async fn silence_is_a_timeout_and_a_closed_port_a_network_error() {
        let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let question = Question {
            qname: QNAME,
            qtype: A,
        };
        let started = std::time::Instant::now();
        let result = exchange(
            silent.local_addr().unwrap(),
            question,
            Duration::from_millis(300),
        )
        .await;
        assert_eq!(result.unwrap_err(), UpstreamError::Timeout);
        assert!(started.elapsed() >= Duration::from_millis(300));
        let closed = silent.local_addr().unwrap();
        drop(silent);
        let result = exchange(closed, question, Duration::from_secs(2)).await;
        assert_eq!(
            result.unwrap_err(),
            UpstreamError::Network(io::ErrorKind::ConnectionRefused)
        );
    }

    #[test]
    fn only_our_id_and_question_match() {
        let query = encode_query(
            0x1234,
            Question {
                qname: QNAME,
                qtype: A,
            },
        );
        assert!(matches(&response(&query, 0, false, 1), &query));
        assert!(!matches(&response(&query, 1, false, 1), &query));
        let mut other_question = response(&query, 0, false, 1);
        other_question[13] = b'x';
        assert!(!matches(&other_question, &query));
        let mut upper = response(&query, 0, false, 1);
        upper[13..16].copy_from_slice(b"WWW");
        assert!(matches(&upper, &query), "case may differ");
        let mut not_a_response = response(&query, 0, false, 1);
        not_a_response[2] &= 0x7f;
        assert!(!matches(&not_a_response, &query));
        assert!(!matches(&query[..5], &query));
    }
}
