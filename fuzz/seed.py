#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets that need crafted inputs:
query (a transport octet, then a query), upstream (real answers of
authdns to DO queries, for the demo's signed and unsigned zones), doh
(query strings, JSON API questions, framed TCP streams), config (the
shipped configurations) and journal (a journal file body). Run from the repository root with authdns built
(cargo build --release -p authdns); it starts authdns on 127.0.0.1:5398
and stops it."""
import base64
import hashlib
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz/corpus"


def query(name, qtype, do=True, flags=0x0100):
    wire = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l) + b"\0"
    msg = struct.pack(">HHHHHH", 0, flags, 1, 0, 0, 1 if do is not None else 0) + wire + struct.pack(">HH", qtype, 1)
    if do is not None:
        msg += b"\0" + struct.pack(">HHIH", 41, 1232, 0x8000 if do else 0, 0)
    return msg


def save(target, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"seed-{hashlib.sha1(data).hexdigest()[:16]}").write_bytes(data)


QUESTIONS = [(n, t) for n in ["www.example.internal.", "nope.example.internal.", "docs.example.internal.",
                               "x.apps.example.internal.", "example.internal.", ".", "web.example.internal.",
                               "www.example.net.", "nope.example.org."]
             for t in (1, 28, 2, 6, 43, 48, 47, 46, 50, 255)]


def main():
    for name, qtype in QUESTIONS:
        for transport in (b"\0", b"\1"):
            save("query", transport + query(name, qtype))
    authdns = ROOT / "target/release/authdns"
    if not authdns.exists():
        sys.exit("build first: cargo build --release -p authdns")
    server = subprocess.Popen([str(authdns), "--listen", "127.0.0.1:5398", "--zones", str(ROOT / "examples/zones")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        for name, qtype in QUESTIONS:
            s.sendto(query(name, qtype, flags=0), ("127.0.0.1", 5398))
            save("upstream", s.recvfrom(65535)[0])
    finally:
        server.terminate()
        server.wait(timeout=10)
    for text in ["name=www.example.com&type=AAAA&do=1&cd=0", "name=example.com", "name=x&type=65535",
                 "name=%2A.example&type=txt", "dns=" + base64.urlsafe_b64encode(query("example.com.", 1)).decode().rstrip("="),
                 "dns=AAABAAABAAAAAAAAB2V4YW1wbGUDY29tAAABAAE", "ct=application/dns-json&name=a.b.c&do=true"]:
        save("doh", text.encode())
    stream = b"".join(struct.pack(">H", len(m)) + m for m in (query("a.example.", 1), query("b.example.", 28)))
    save("doh", stream)
    save("doh", struct.pack(">H", 40000) + b"short")
    for path in ["examples/pair/resolver.toml"]:
        save("config", (ROOT / path).read_bytes())
    save("config", b'listen = ["127.0.0.1:53"]\nallow = ["10.0.0.0/8"]\ncache-size = 16\n'
                   b'[[forward]]\nzone = "corp."\nservers = ["10.0.0.1"]\nprotocol = "tls"\ntls-name = "dns.corp"\n')
    save("config", b'query-log = true\nnsid = "hex:6e7331"\nedns-udp-size = 1232\n')
    save("journal", journal_body())


def journal_body():
    """A journal file body (the target seals it): example., serial 1 -> 2,
    an A removed, an MX and a CNAME added (authdns/src/journal/file.rs)."""
    def name(text):
        return b"".join(bytes([len(l)]) + l.encode() for l in text.split(".") if l) + b"\0"

    def soa(serial):
        rdata = name("ns.example.") + name("hm.example.") + struct.pack(">IIIII", serial, 7200, 3, 4, 5)
        return struct.pack(">IH", 60, len(rdata)) + rdata

    def records(*items):
        body = b"".join(bytes([len(name(o))]) + name(o) + struct.pack(">HIH", t, 60, len(r)) + r for o, t, r in items)
        return struct.pack(">II", len(items), len(body)) + body

    origin = name("example.")
    return (b"ADNSJNL1" + bytes([len(origin)]) + origin + struct.pack(">I", 1)
            + soa(1) + records(("ns.example.", 1, bytes([192, 0, 2, 1])))
            + soa(2) + records(("m.example.", 15, b"\0\x14" + name("ns.example.")),
                               ("c.example.", 5, name("ns.example."))))


if __name__ == "__main__":
    main()
