#!/usr/bin/env python3
"""Benchmarks the resolver against Unbound on the same machine, same run.

  bench/resolver.py [--rounds 5] [--names 100000] [--seconds 8] [--cold 1000]

The mini Internet of tests/data/world is served by authdns instances on
127.40.0.101-108 port 53 (pinned to CPU 0). Each round starts each
resolver fresh (one worker thread, pinned to CPU 1; Unbound with
num-threads 1 and caches large enough for every name), interleaved:

1. cold latency: --cold names never asked before, one at a time, timed
   from send to answer (names in every zone of the world, most of them
   distinct wildcard names, so the delegations get cached on the way as
   they would in real use); median and p95;
2. fill: --names distinct names (n<i>.wild.example.internal) sent once
   by dnsperf, then the resident memory (VmRSS) of the resolver;
3. cached QPS: dnsperf (pinned to CPU 0, two threads: one thread
   saturates near 410k QPS here) replays the same names for
   --seconds after a 1 s warm-up: all cache hits. The resolver's CPU time
   per answered query comes from /proc and stays sharp when the client
   is the limit.

Medians over rounds are reported. Runs as root (port 53 on loopback);
every loop is bounded.
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cached_qps, dnsperf, median_p95_ms, stop, timed_query  # noqa: E402
from world import bench_args, start_resolver, start_world  # noqa: E402

NET = "127.40.0."
PORT = 5301
ADDRS = {"resolver": NET + "1", "unbound": NET + "2"}


def start(kind, hints, workdir):
    """A fresh resolver or Unbound with caches large enough for every name."""
    return start_resolver(kind, ADDRS[kind], PORT, hints, workdir, toml="cache-size = 1024\n",
                          unbound="  msg-cache-size: 512m\n  rrset-cache-size: 512m\n")


def cold_names(round_no, count):
    fixed = ["www.hoster.lab.", "www.glueless.internal.", "www.partlame.internal.", "chain.example.internal.",
             "x.old.example.internal.", "mail.hoster.lab.", "nope.example.internal.", "example.internal."]
    return fixed + [f"c{round_no}-{i}.wild.example.internal." for i in range(count - len(fixed))]


def vm_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    args, data = bench_args(__doc__, 100_000, "bench-resolver-")
    queries = data / "names.txt"
    queries.write_text("".join(f"n{i}.wild.example.internal. A\n" for i in range(args.names)))
    world, hints = start_world(data, NET)
    results = {k: [] for k in ADDRS}
    try:
        for round_no in range(args.rounds):
            for kind in ADDRS:
                proc = start(kind, hints, data / f"{kind}-{round_no}")
                try:
                    median, p95 = median_p95_ms(timed_query(ADDRS[kind], PORT, n)[0] for n in cold_names(round_no, args.cold))
                    _, filled, fill_lost = dnsperf(ADDRS[kind], PORT, queries, ["-n", "1", "-c", "4", "-q", "100", "-t", "10"])
                    time.sleep(0.5)
                    rss = vm_rss_mib(proc.pid)
                    qps, cpu_us, lost = cached_qps(proc, ADDRS[kind], PORT, queries, args.seconds)
                    results[kind].append((median, p95, rss, qps, cpu_us))
                    print(f"round {round_no + 1} {kind:8} cold median {median:6.3f} ms p95 {p95:6.3f} ms | "
                          f"{filled} names cached ({fill_lost} lost) RSS {rss:6.1f} MiB | "
                          f"{qps:9.0f} qps {cpu_us:5.2f} us CPU/query lost {lost}", flush=True)
                finally:
                    stop(proc)
    finally:
        for proc in world:
            stop(proc)
    print(f"\n| resolver | cold latency median | cold latency p95 | RSS after {args.names:,} names "
          f"| cached QPS | CPU µs/query |\n|---|---|---|---|---|---|")
    for kind, rows in results.items():
        med = [statistics.median(r[i] for r in rows) for i in range(5)]
        print(f"| {kind} | {med[0]:.3f} ms | {med[1]:.3f} ms | {med[2]:.0f} MiB | {med[3]:,.0f} | {med[4]:.2f} |")


if __name__ == "__main__":
    main()
