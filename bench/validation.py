#!/usr/bin/env python3
"""Benchmarks DNSSEC validation: the resolver against Unbound with its
validator on, same machine, same run.

  bench/validation.py [--rounds 5] [--names 20000] [--seconds 8] [--cold 1000]

A signed world is made with ldns (ECDSA P-256, NSEC): the root on
127.42.0.101 and `sec.` on .102, both served by authdns (CPU 0); the
root's KSK is the trust anchor of both resolvers. Each round starts each
resolver fresh (one thread, pinned to CPU 1), interleaved:

1. cold validated latency: --cold names never asked before
   (c<round>-<i>.sec., each its own signed RRset: one upstream query and
   one signature check each; the keys of the root and sec. are fetched
   by the first), one at a time, send to answer; median and p95. Every
   answer must carry AD (asked with AD set);
2. cached validated QPS: dnsperf (CPU 0) replays --names names
   (h<i>.sec.), all validated and cached first, for --seconds; the
   resolver's CPU time per answer from /proc.

Medians over rounds. Runs as root (port 53); every loop is bounded.
"""
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cached_qps, dnsperf, median_p95_ms, stop, timed_query, wait_answering  # noqa: E402
from world import AUTHDNS, bench_args, start_resolver  # noqa: E402

NET = "127.42.0."
PORT = 5301
ADDRS = {"resolver": NET + "1", "unbound": NET + "2"}


def ldns(args, cwd):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def sign(keys, origin, text, out):
    """Signs `text` as `origin` into `out`; returns the KSK's DS line."""
    name = "." if origin == "." else origin.rstrip(".")
    ksk = ldns(["ldns-keygen", "-a", "ECDSAP256SHA256", "-k", name], keys)
    zsk = ldns(["ldns-keygen", "-a", "ECDSAP256SHA256", name], keys)
    unsigned = keys / f"{name}.unsigned"
    unsigned.write_text(text)
    ldns(["ldns-signzone", "-o", origin, "-f", str(out), str(unsigned), zsk, ksk], keys)
    return (keys / f"{ksk}.ds").read_text().strip()


def signed_world(data, names, rounds, cold):
    """Signs and starts the world (`sec.` with h<i> for i < `names` and
    c<round>-<i> for the cold names); returns (processes, hints, anchor)."""
    keys, root_dir, sec_dir = data / "keys", data / "root", data / "sec"
    for d in (keys, root_dir, sec_dir):
        d.mkdir(parents=True)
    sec = ("$ORIGIN sec.\n$TTL 3600\n@ SOA ns.sec. hostmaster.sec. 1 7200 3600 1209600 300\n"
           f"@ NS ns\nns A {NET}102\nwww A 192.0.2.80\n"
           + "".join(f"h{i} A 192.0.2.{i % 250 + 1}\n" for i in range(names))
           + "".join(f"c{r}-{i} A 198.51.100.{i % 250 + 1}\n" for r in range(rounds) for i in range(cold)))
    ds = sign(keys, "sec.", sec, sec_dir / "sec.zone")
    root = ("$ORIGIN .\n$TTL 3600\n. SOA ns.root. hostmaster.root. 1 7200 3600 1209600 300\n"
            f". NS ns.root.\nns.root. A {NET}101\nsec. NS ns.sec.\nns.sec. A {NET}102\n{ds}\n")
    anchor_ds = sign(keys, ".", root, root_dir / "root.zone")
    anchor = data / "root.anchor"
    anchor.write_text(anchor_ds + "\n")
    hints = data / "root.hints"
    hints.write_text(f". 3600 NS ns.root.\nns.root. 3600 A {NET}101\n")
    procs = []
    for last, zones, probe in ((101, root_dir, "."), (102, sec_dir, "www.sec.")):
        conf = data / f"{last}.toml"
        conf.write_text("udp-workers = 1\nlog-level = \"warn\"\nrate-limit = 0\n")
        log = open(data / f"{last}.log", "w")
        procs.append(subprocess.Popen(
            ["taskset", "-c", "0", str(AUTHDNS), "--listen", f"{NET}{last}:53", "--zones", str(zones),
             "--config", str(conf)], stdout=log, stderr=subprocess.STDOUT))
        wait_answering(f"{NET}{last}", probe, procs[-1], 53, qtype=2 if probe == "." else 1)
    return procs, hints, anchor


def start(kind, hints, anchor, workdir):
    """A fresh validating resolver or Unbound, caches large enough for every name."""
    return start_resolver(kind, ADDRS[kind], PORT, hints, workdir,
                          toml=f"trust-anchor = \"{anchor}\"\ncache-size = 1024\n",
                          unbound=f"  module-config: \"validator iterator\"\n  trust-anchor-file: \"{anchor}\"\n"
                                  "  msg-cache-size: 512m\n  rrset-cache-size: 512m\n  key-cache-size: 64m\n",
                          probe="www.sec.")


def main():
    args, data = bench_args(__doc__, 20_000, "bench-validation-")
    queries = data / "names.txt"
    queries.write_text("".join(f"h{i}.sec. A\n" for i in range(args.names)))
    world, hints, anchor = signed_world(data, args.names, args.rounds, args.cold)
    results = {k: [] for k in ADDRS}
    try:
        for round_no in range(args.rounds):
            for kind, addr in ADDRS.items():
                proc = start(kind, hints, anchor, data / f"{kind}-{round_no}")
                try:
                    cold = [timed_query(addr, PORT, f"c{round_no}-{i}.sec.", ad=True) for i in range(args.cold)]
                    # Validated: NOERROR with AD.
                    unvalidated = sum(1 for _, flags in cold if flags & 0x20 == 0 or flags & 0xF != 0)
                    median, p95 = median_p95_ms(t for t, _ in cold)
                    _, filled, _ = dnsperf(addr, PORT, queries, ["-n", "1", "-c", "4", "-q", "100", "-t", "10"])
                    qps, cpu_us, lost = cached_qps(proc, addr, PORT, queries, args.seconds)
                    results[kind].append((median, p95, qps, cpu_us))
                    print(f"round {round_no + 1} {kind:8} cold median {median:6.3f} ms p95 {p95:6.3f} ms "
                          f"({unvalidated} without AD) | {filled} cached | {qps:9.0f} qps {cpu_us:5.2f} us CPU/query "
                          f"lost {lost}", flush=True)
                finally:
                    stop(proc)
    finally:
        for proc in world:
            stop(proc)
    print("\n| resolver | cold validated median | cold validated p95 | cached validated QPS | CPU µs/query |\n"
          "|---|---|---|---|---|")
    for kind, rows in results.items():
        med = [statistics.median(r[i] for r in rows) for i in range(4)]
        print(f"| {kind} | {med[0]:.3f} ms | {med[1]:.3f} ms | {med[2]:,.0f} | {med[3]:.2f} |")


if __name__ == "__main__":
    main()
