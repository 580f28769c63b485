#!/usr/bin/env python3
"""Memory as an operator lives with it: after the first load and after many
reloads, and the peak during a reload, authdns against Knot DNS and NSD in
the same run (issue 20).

  bench/memory.py [--sizes 100000,1000000,3000000] [--reloads 5] [--only authdns,knot,nsd]

For each zone size, a hosting-like zone (bench/gen_hosting_zone.py) is
served by each server in turn. Measured, as Pss summed over the server's
processes (NSD forks; Pss splits shared pages fairly):
- load: seconds from start until the last name answers, and Pss 2 s later
  ("steady");
- each reload: the file is rewritten with the serial and one record
  changed, the server told (authdns and NSD: SIGHUP; Knot: knotc
  zone-reload), and Pss sampled every 20 ms until the changed record
  answers and for 2 s more: the reload time, the peak, and the Pss at the
  end ("after").
Every loop is bounded; servers are stopped by PID.
"""
import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import a_last_octet, pss_mib, reload_zone, sample_pss, start_server, stop, wait_answering, write_hosting_zone  # noqa: E402

ORIGIN = "hosting.test."
PORT = 5300
ADDRS = {"authdns": "127.0.0.61", "knot": "127.0.0.62", "nsd": "127.0.0.63"}
SETTLE = 2.0


def settle_peak(pid, seconds):
    """Samples Pss for `seconds`; returns (peak, last)."""
    return sample_pss(pid, lambda: False, seconds)


def changed_octet(addr):
    return a_last_octet(addr, PORT, "changed." + ORIGIN)


def run_server(kind, records, reloads, data):
    work = data / kind
    zone_dir = work / "zones"
    zone_dir.mkdir(parents=True)
    zone = zone_dir / "hosting.test.zone"
    _, last = write_hosting_zone(zone, records, 1, 1)
    proc = start_server(kind, ADDRS[kind], PORT, ORIGIN, zone, work)
    try:
        load = wait_answering(ADDRS[kind], last, proc, PORT, limit=600)
        _, steady = settle_peak(proc.pid, SETTLE)
        rows = []
        for n in range(1, reloads + 1):
            changed = 1 + n % 250
            time.sleep(1.1)  # a new mtime second for servers that compare mtimes
            write_hosting_zone(zone, records, 1 + n, changed)
            began = time.monotonic()
            peak = pss_mib(proc.pid)
            reload_zone(kind, proc, work, ORIGIN)
            deadline = began + 600
            while changed_octet(ADDRS[kind]) != changed:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{kind} did not serve reload {n}")
                peak = max(peak, pss_mib(proc.pid))
            took = time.monotonic() - began
            p, after = settle_peak(proc.pid, SETTLE)
            rows.append((took, max(peak, p), after))
            print(f"  {kind:8} reload {n}: {took:6.2f} s  peak {max(peak, p):7.1f} MiB  after {after:7.1f} MiB", flush=True)
        return load, steady, rows
    finally:
        stop(proc)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="100000,1000000,3000000")
    p.add_argument("--reloads", type=int, default=5)
    p.add_argument("--only", default=",".join(ADDRS))
    a = p.parse_args()
    table = []
    for records in [int(s) for s in a.sizes.split(",")]:
        for kind in a.only.split(","):
            data = Path(tempfile.mkdtemp(prefix="bench-memory-"))
            try:
                load, steady, rows = run_server(kind, records, a.reloads, data)
            finally:
                shutil.rmtree(data, ignore_errors=True)
            after = rows[-1][2]
            peak = max(r[1] for r in rows)
            reload_s = statistics.median(r[0] for r in rows)
            print(f"{records:>9} {kind:8} load {load:6.2f} s  steady {steady:7.1f} MiB  after {a.reloads} reloads {after:7.1f} MiB"
                  f"  reload {reload_s:5.2f} s  peak {peak:7.1f} MiB", flush=True)
            table.append((records, kind, load, steady, after, reload_s, peak))
    print(f"\n| records | server | load | steady Pss | after {a.reloads} reloads | after/steady | reload (median) | reload peak | peak/steady |")
    print("|---|---|---|---|---|---|---|---|---|")
    for records, kind, load, steady, after, reload_s, peak in table:
        print(f"| {records:,} | {kind} | {load:.2f} s | {steady:.0f} MiB | {after:.0f} MiB | {after / steady:.2f} | {reload_s:.2f} s | {peak:.0f} MiB | {peak / steady:.2f} |")


if __name__ == "__main__":
    main()
