//! Scripted authoritative servers for cases the real ones cannot play: a
//! server that answers NXDOMAIN wrongly, one that records what it is
//! asked, one that lies. Every query is kept; a script says what to send.

use std::net::{SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::A;
use hickory_proto::rr::{RData, Record};

/// How long a fake server runs at most.
const LIFETIME: Duration = Duration::from_secs(60);

/// One message a scripted server sends for a query.
#[derive(Debug, Clone)]
pub enum Reply {
    /// From the server's own address and port.
    Send(Message),
    /// From another port of the same address: an off-path spoofer's guess,
    /// which a resolver must not take for the server's answer.
    Spoof(Message),
}

/// A running fake server (a thread; it stops after a minute).
pub struct FakeServer {
    /// Where it listens (UDP).
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl FakeServer {
    /// Starts on `addr` (port 0: any); `script` gives the RCODE and the
    /// answer records for each question. Answers are authoritative.
    pub fn start<F>(addr: &str, script: F) -> Self
    where
        F: Fn(&Query) -> (ResponseCode, Vec<Record>) + Send + 'static,
    {
        Self::scripted(addr, move |query| {
            let question = query.queries.first().cloned()?;
            let (rcode, answers) = script(&question);
            let mut response = response_to(query);
            response.metadata.response_code = rcode;
            for answer in answers {
                response.add_answer(answer);
            }
            Some(vec![Reply::Send(response)])
        })
    }

    /// Starts on `addr` (port 0: any); `script` gives every message to
    /// send for a query, in order (`None` or nothing: stay silent).
    pub fn scripted<F>(addr: &str, script: F) -> Self
    where
        F: Fn(&Message) -> Option<Vec<Reply>> + Send + 'static,
    {
        let socket = UdpSocket::bind(addr).expect("fake server address");
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("read timeout");
        let bound = socket.local_addr().expect("bound address");
        let spoofer =
            UdpSocket::bind(SocketAddr::new(bound.ip(), 0)).expect("a second port for spoofing");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut buf = [0u8; 1500];
            while started.elapsed() < LIFETIME {
                let Ok((len, peer)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                record
                    .lock()
                    .expect("not poisoned")
                    .push(buf[..len].to_vec());
                let Ok(query) = Message::from_vec(&buf[..len]) else {
                    continue;
                };
                for reply in script(&query).unwrap_or_default() {
                    let (from, msg) = match &reply {
                        Reply::Send(msg) => (&socket, msg),
                        Reply::Spoof(msg) => (&spoofer, msg),
                    };
                    if let Ok(bytes) = msg.to_vec() {
                        let _ = from.send_to(&bytes, peer);
                    }
                }
            }
        });
        Self { addr: bound, seen }
    }

    /// Starts on `addr`, relaying every query to `upstream` over UDP and
    /// its answer back after `edit` (a server that drops or changes
    /// records of real, signed answers).
    pub fn relay<F>(addr: &str, upstream: SocketAddr, edit: F) -> Self
    where
        F: Fn(&mut Message) + Send + 'static,
    {
        Self::scripted(addr, move |query| {
            let socket = UdpSocket::bind("127.0.0.1:0").ok()?;
            socket.set_read_timeout(Some(Duration::from_secs(1))).ok()?;
            socket.send_to(&query.to_vec().ok()?, upstream).ok()?;
            let mut buf = [0u8; 4096];
            let len = socket.recv(&mut buf).ok()?;
            let mut answer = Message::from_vec(&buf[..len]).ok()?;
            edit(&mut answer);
            Some(vec![Reply::Send(answer)])
        })
    }

    /// Every query received so far, raw.
    pub fn queries(&self) -> Vec<Vec<u8>> {
        self.seen.lock().expect("not poisoned").clone()
    }
}

/// An empty authoritative response to `query`: its ID and question, AA.
pub fn response_to(query: &Message) -> Message {
    let mut response = Message::new(query.metadata.id, MessageType::Response, OpCode::Query);
    response.metadata.authoritative = true;
    if let Some(question) = query.queries.first() {
        response.add_query(question.clone());
    }
    response
}

/// An A record of `question`'s name with 192.0.2.7, TTL 60.
pub fn a_record(question: &Query) -> Record {
    Record::from_rdata(question.name().clone(), 60, RData::A(A::new(192, 0, 2, 7)))
}
