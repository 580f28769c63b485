#!/usr/bin/env python3
"""Benchmarks DNS-over-TLS and DNS-over-HTTPS: the resolver against
Unbound (built with libnghttp2, so it serves DoH) on the same machine,
same run.

  bench/encrypted.py [--rounds 5] [--names 1000] [--seconds 8]

The mini Internet of tests/data/world is served by authdns on
127.41.0.101-108 (CPU 0). Each round starts each resolver fresh (one
thread, pinned to CPU 1) with the same certificate, interleaved, and:

1. fills its cache with --names names (n<i>.wild.example.internal) over
   UDP, so what follows measures the encrypted frontends, not iteration;
2. DoT: dnsperf -m dot (CPU 0), 16 TLS connections with up to 512
   queries outstanding, pipelined on each connection, for --seconds;
3. DoH: h2load (CPU 0), 16 HTTP/2 connections with 32 streams each,
   GET /dns-query?dns= over the same names, for --seconds after a 1 s
   warm-up.

Each reports answers per second and the resolver's CPU time per answer
(from /proc, sharp even when the client is the limit). Medians over
rounds. Runs as root (the world is on port 53); every loop is bounded.
"""
import argparse
import base64
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cpu_seconds, dns_query, dnsperf, stop  # noqa: E402
from world import RESOLVER, start_resolver, start_world  # noqa: E402

NET = "127.41.0."
PORT, DOT, DOH = 5301, 8853, 8443
ADDRS = {"resolver": NET + "1", "unbound": NET + "2"}


def certificate(data):
    """A self-signed certificate for both servers: (cert, key) paths."""
    cert, key = data / "cert.pem", data / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=bench.test"],
                   check=True, capture_output=True)
    return cert, key


def start(kind, hints, tls, workdir):
    """A fresh resolver or Unbound serving DoT and DoH with `tls`."""
    addr, (cert, key) = ADDRS[kind], tls
    flags = ["--dot", f"{addr}:{DOT}", "--doh", f"{addr}:{DOH}", "--tls-cert", str(cert), "--tls-key", str(key)]
    unbound = (f"  interface: {addr}@{DOT}\n  interface: {addr}@{DOH}\n  tls-port: {DOT}\n  https-port: {DOH}\n"
               f"  http-endpoint: \"/dns-query\"\n  tls-service-pem: \"{cert}\"\n  tls-service-key: \"{key}\"\n"
               "  incoming-num-tcp: 1000\n")
    return start_resolver(kind, addr, PORT, hints, workdir, flags=flags, unbound=unbound)


def h2load(addr, uris, seconds):
    """(requests per second, 2xx answers, failed) from h2load."""
    out = subprocess.run(["taskset", "-c", "0", "h2load", "-c", "16", "-m", "32", "-t", "1",
                          "--warm-up-time", "1", "-D", str(seconds), "-i", str(uris)],
                         capture_output=True, text=True, timeout=120).stdout
    rps = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out)
    done = re.search(r"status codes: (\d+) 2xx", out)
    failed = re.search(r"requests: .* (\d+) failed", out)
    if not (rps and done and failed):
        raise RuntimeError(f"h2load:\n{out}")
    return float(rps.group(1)), int(done.group(1)), int(failed.group(1))


def measure(proc, run):
    """(answers per second, CPU µs per answer, failures) of one load run."""
    before = cpu_seconds(proc.pid)
    rate, answered, failed = run()
    return rate, (cpu_seconds(proc.pid) - before) / max(answered, 1) * 1e6, failed


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--names", type=int, default=1000)
    p.add_argument("--seconds", type=int, default=8)
    args = p.parse_args()
    if not RESOLVER.exists():
        sys.exit("build first: cargo build --release -p authdns -p resolver")
    data = Path(tempfile.mkdtemp(prefix="bench-encrypted-"))
    names = [f"n{i}.wild.example.internal." for i in range(args.names)]
    queries = data / "names.txt"
    queries.write_text("".join(f"{n} A\n" for n in names))
    tls = certificate(data)
    world, hints = start_world(data, NET)
    results = {k: [] for k in ADDRS}
    try:
        for round_no in range(args.rounds):
            for kind, addr in ADDRS.items():
                uris = data / f"uris-{kind}.txt"
                uris.write_text("".join(
                    f"https://{addr}:{DOH}/dns-query?dns="
                    + base64.urlsafe_b64encode(b"\0\0" + dns_query(n)[1][2:]).decode().rstrip("=") + "\n"
                    for n in names))
                proc = start(kind, hints, tls, data / f"{kind}-{round_no}")
                try:
                    _, filled, _ = dnsperf(addr, PORT, queries, ["-n", "1", "-c", "4", "-q", "100", "-t", "10"])
                    dot = measure(proc, lambda: dnsperf(addr, DOT, queries, [
                        "-m", "dot", "-c", "16", "-q", "512", "-l", str(args.seconds)]))
                    doh = measure(proc, lambda: h2load(addr, uris, args.seconds))
                    results[kind].append(dot[:2] + doh[:2])
                    print(f"round {round_no + 1} {kind:8} {filled} cached | DoT {dot[0]:9.0f} qps "
                          f"{dot[1]:6.2f} us CPU/query lost {dot[2]} | DoH {doh[0]:9.0f} req/s "
                          f"{doh[1]:6.2f} us CPU/query failed {doh[2]}", flush=True)
                finally:
                    stop(proc)
    finally:
        for proc in world:
            stop(proc)
    print("\n| resolver | DoT QPS | DoT CPU µs/query | DoH req/s | DoH CPU µs/query |\n|---|---|---|---|---|")
    for kind, rows in results.items():
        med = [statistics.median(r[i] for r in rows) for i in range(4)]
        print(f"| {kind} | {med[0]:,.0f} | {med[1]:.2f} | {med[2]:,.0f} | {med[3]:.2f} |")


if __name__ == "__main__":
    main()
