#!/usr/bin/env python3
"""Benchmarks authdns against Knot DNS and NSD on the same machine, same run.

  bench/run.py qps  [--rounds 3] [--seconds 8] [--names 100000]
  bench/run.py load [--rounds 3] [--records 1000000]
  bench/run.py callgrind [--queries 20000] [--names 100000]

qps: dnsperf (pinned to CPU 0) against each server (one worker thread,
pinned to CPU 1; Knot's threads are re-pinned after start because it pins
them itself). Servers run in interleaved rounds; medians are reported with
the server's CPU time per answered query from /proc (sharp even when the
client is the bottleneck). Each measured run follows a 1 s warm-up run.

load: time from start until the server answers from a zone of about 1M
records, and the peak resident memory (VmHWM): the largest in the server's process tree,
since NSD loads zones in a child. callgrind: instructions per query, (I(N queries) - I(0 queries)) / N,
so start-up and zone loading cancel out.

Everything runs on loopback addresses 127.0.0.5x; every loop is bounded.
"""
import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import AUTHDNS, cpu_seconds, parse_dnsperf, peak_rss_kib, pin_all_threads, start_server, stop, wait_answering  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "bench.test."
PORT = 5300
ADDRS = {"authdns": "127.0.0.51", "knot": "127.0.0.52", "nsd": "127.0.0.53"}


def dnsperf(addr, queries, seconds):
    out = subprocess.run(
        ["taskset", "-c", "0", "dnsperf", "-s", addr, "-p", str(PORT), "-d", str(queries),
         "-c", "4", "-q", "200", "-l", str(seconds)],
        capture_output=True, text=True, check=True,
    ).stdout
    return parse_dnsperf(out)


def cmd_qps(args):
    data = Path(tempfile.mkdtemp(prefix="bench-qps-"))
    subprocess.run([sys.executable, str(ROOT / "bench/gen_zone.py"), str(args.names), str(data)], check=True, stdout=subprocess.DEVNULL)
    zone, queries = data / "bench.test.zone", data / "queries.txt"
    results = {k: [] for k in ADDRS}
    for round_no in range(args.rounds):
        for kind in ADDRS:
            proc = start_server(kind, ADDRS[kind], PORT, ORIGIN, zone, data / f"{kind}-{round_no}", prefix=("taskset", "-c", "1"))
            try:
                wait_answering(ADDRS[kind], f"h1.{ORIGIN}", proc, PORT)
                pin_all_threads(proc.pid, 1)
                dnsperf(ADDRS[kind], queries, 1)  # warm-up, not measured
                before = cpu_seconds(proc.pid)
                qps, completed, lost = dnsperf(ADDRS[kind], queries, args.seconds)
                used = cpu_seconds(proc.pid) - before
                results[kind].append((qps, used / max(completed, 1) * 1e6, lost))
                print(f"round {round_no + 1} {kind:8} {qps:10.0f} qps  {used / max(completed, 1) * 1e6:6.2f} us CPU/query  lost {lost}", flush=True)
            finally:
                stop(proc)
    print(f"\n| server | QPS (median of {args.rounds}) | server CPU µs/query (median) | lost |\n|---|---|---|---|")
    for kind, rows in results.items():
        print(f"| {kind} | {statistics.median(r[0] for r in rows):,.0f} | {statistics.median(r[1] for r in rows):.2f} | {sum(r[2] for r in rows)} |")
    shutil.rmtree(data, ignore_errors=True)


def cmd_load(args):
    data = Path(tempfile.mkdtemp(prefix="bench-load-"))
    names = int(args.records / 1.47)
    records = subprocess.run([sys.executable, str(ROOT / "bench/gen_zone.py"), str(names), str(data), "--records-only"],
                             check=True, capture_output=True, text=True).stdout.strip()
    zone = data / "bench.test.zone"
    print(f"zone: {records} records, {zone.stat().st_size / 1e6:.1f} MB")
    results = {k: [] for k in ADDRS}
    last = f"h{names - 1}.{ORIGIN}"
    for round_no in range(args.rounds):
        for kind in ADDRS:
            proc = start_server(kind, ADDRS[kind], PORT, ORIGIN, zone, data / f"{kind}-{round_no}")
            try:
                seconds = wait_answering(ADDRS[kind], last, proc, PORT)
                rss = peak_rss_kib(proc.pid) / 1024
                results[kind].append((seconds, rss))
                print(f"round {round_no + 1} {kind:8} {seconds:6.2f} s  {rss:7.1f} MiB peak", flush=True)
            finally:
                stop(proc)
    print(f"\n| server | start to answering (median of {args.rounds}) | peak RSS (median) |\n|---|---|---|")
    for kind, rows in results.items():
        print(f"| {kind} | {statistics.median(r[0] for r in rows):.2f} s | {statistics.median(r[1] for r in rows):.0f} MiB |")
    shutil.rmtree(data, ignore_errors=True)


def callgrind_total(kind, zone, queries, workdir, count):
    out_dir = workdir / f"cg-{kind}-{count}"
    out_dir.mkdir(parents=True)
    prefix = ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out_dir}/cg.%p"]
    proc = start_server(kind, ADDRS[kind], PORT, ORIGIN, zone, workdir / f"{kind}-{count}", prefix=prefix)
    try:
        wait_answering(ADDRS[kind], f"h1.{ORIGIN}", proc, PORT, limit=900)
        if count:
            subprocess.run(["dnsperf", "-s", ADDRS[kind], "-p", str(PORT), "-d", str(queries), "-n", "1",
                            "-c", "1", "-q", "20", "-t", "30"], capture_output=True, check=True)
    finally:
        stop(proc)
    time.sleep(1)
    total = 0
    for f in out_dir.iterdir():
        m = re.search(r"^summary:\s+(\d+)", f.read_text(errors="replace"), re.M) or \
            re.search(r"^totals:\s+(\d+)", f.read_text(errors="replace"), re.M)
        if m:
            total += int(m.group(1))
    return total


def cmd_callgrind(args):
    data = Path(tempfile.mkdtemp(prefix="bench-cg-"))
    subprocess.run([sys.executable, str(ROOT / "bench/gen_zone.py"), str(args.names), str(data)], check=True, stdout=subprocess.DEVNULL)
    queries = data / "queries-cg.txt"
    lines = (data / "queries.txt").read_text().splitlines()[: args.queries]
    queries.write_text("\n".join(lines) + "\n")
    print(f"\n| server | instructions per query ((I({args.queries}) - I(0)) / {args.queries}) |\n|---|---|")
    for kind in ADDRS:
        base = callgrind_total(kind, data / "bench.test.zone", queries, data, 0)
        loaded = callgrind_total(kind, data / "bench.test.zone", queries, data, args.queries)
        print(f"| {kind} | {(loaded - base) / args.queries:,.0f} |", flush=True)
    shutil.rmtree(data, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("qps")
    q.add_argument("--rounds", type=int, default=3)
    q.add_argument("--seconds", type=int, default=8)
    q.add_argument("--names", type=int, default=100_000)
    l = sub.add_parser("load")
    l.add_argument("--rounds", type=int, default=3)
    l.add_argument("--records", type=int, default=1_000_000)
    c = sub.add_parser("callgrind")
    c.add_argument("--queries", type=int, default=20_000)
    c.add_argument("--names", type=int, default=100_000)
    args = p.parse_args()
    if not AUTHDNS.exists():
        sys.exit("build first: cargo build --release -p authdns")
    {"qps": cmd_qps, "load": cmd_load, "callgrind": cmd_callgrind}[args.cmd](args)


main()
