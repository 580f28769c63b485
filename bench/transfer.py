#!/usr/bin/env python3
"""Zone transfers (issue 14): authdns against Knot DNS and NSD, same run.

  bench/transfer.py [--records 1000000] [--rounds 3] [--edits 3] [--only axfr,propagate]
                    [--changes 1,10] [--knot-pulls] [--keep]

axfr: authdns, Knot and NSD each serve one hosting-like zone
(bench/gen_hosting_zone.py) as primaries, TSIG (hmac-sha256) required,
transfers allowed to 127.0.0.240/28. In interleaved rounds `kdig AXFR`
(pinned to CPU 0; every server thread pinned to CPU 1) pulls the whole zone
from each, its output to a file: kdig's wall time, the records it counted,
the primary's CPU time for the transfer (from /proc: sharp even when kdig,
formatting a million records as text, is the bottleneck) and its Pss
(summed over its processes, from smaps_rollup) just before and at its
peak, sampled every 20 ms during the transfer. With --knot-pulls, a
second client, a Knot secondary (also on CPU 0) started empty, pulls the
zone from the same primary: time from its start to answering the last
name, and the primary's Pss peak meanwhile. Medians.

propagate: an authdns primary and a Knot primary, each with two
secondaries, one authdns and one Knot, on their own addresses: the pairs
authdns -> authdns, authdns -> Knot, Knot -> authdns, Knot -> Knot, all
NOTIFY and IXFR with TSIG. The secondaries first pull the zone whole
(timed from their start to serving the last name). Then, per edit, a
primary's file is rewritten with the serial bumped and one record or ten
changed (`--changes`, taking turns; the two primaries taking turns too),
the primary is told to reload (authdns: SIGHUP; Knot: knotc zone-reload,
its file loaded as a difference into its journal), and from that moment
the primary and both its secondaries are asked for the changed record
every 5 ms over UDP until each serves it (bounded). Reported per pair:
reload signal to primary serving (the primary re-reads the whole file),
reload to secondary serving, the gap between the two (NOTIFY, SOA query,
IXFR, apply, swap), how the secondary fetched and how long its refresh
took by its own log (Knot: "refresh ... zone updated, N seconds"; authdns:
from "NOTIFY received, refreshing" to "IXFR from ...: serial", SOA query,
transfer and apply), the CPU time the primary and the secondary spent
from the reload signal until 2 s after the last of them serves (from
/proc: the reload, the journal and the transfer on the primary; the
transfer, the apply, the swap and any disk copy on the secondary), and
the secondary's Pss just before, its peak sampled every 20 ms until 2 s
after it serves, and at the end of those 2 s. Medians of the edits. These servers are not pinned; the two
secondaries of one primary transfer at the same time, as deployed.

Addresses 127.0.0.240-249, port 5300; every loop is bounded; servers are
stopped by PID.
"""
import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (AUTHDNS, a_last_octet, answers, cpu_seconds, pin_all_threads, pss_mib, reload_zone, sample_pss,  # noqa: E402
                    start_server, stop, wait_answering, write_hosting_zone)

ORIGIN = "hosting.test."
PORT = 5300
PRIMARY = {"authdns": "127.0.0.240", "knot": "127.0.0.241", "nsd": "127.0.0.242"}
# propagate: (primary kind, secondary kind) -> the secondary's address.
SECONDARY = {("authdns", "authdns"): "127.0.0.243", ("authdns", "knot"): "127.0.0.244",
             ("knot", "authdns"): "127.0.0.245", ("knot", "knot"): "127.0.0.246"}
PULL_SECONDARY = "127.0.0.247"  # axfr --knot-pulls: the Knot secondary started empty
CLIENT = "127.0.0.249"  # kdig's source address
XFR_NET = "127.0.0.240/28"
KEY_NAME = "xfr.bench."
SECRET = "YmVuY2gtdHJhbnNmZXItc2VjcmV0LWtleS0wMTIzNDU="
LOAD_LIMIT = 900  # seconds for a 1M-record zone to load or be pulled on a busy 2-core machine
XFR_LIMIT = 300  # seconds for one kdig AXFR
CHANGE_LIMIT = 120  # seconds for an edit to reach the secondaries
POLL = 0.005  # seconds between queries for the changed record
SETTLE = 2.0  # seconds of Pss sampling after the secondaries serve the change
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# How each secondary logs a finished incoming transfer (to tell IXFR from
# AXFR). Knot logs its refresh time itself; authdns's is the time between
# its "NOTIFY received" line and the transfer's line.
XFR_LOG = {"knot": re.compile(r"\b(IXFR|AXFR), incoming, remote \S+, finished"),
           "authdns": re.compile(r"zone \S+: (IXFR|AXFR) from \S+: serial \d+ in \d+ messages")}
KNOT_REFRESH = re.compile(r"refresh, remote \S+, zone updated, ([\d.]+) seconds")
AUTHDNS_STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z .*?(NOTIFY received, refreshing|"
                           r"(?:IXFR|AXFR) from \S+: serial)", re.M)


def primary_config(kind, secondaries=()):
    """(conf, zone_conf) for start_server: a primary allowing transfers to
    XFR_NET with the key and, with `secondaries` (addresses), sending them
    NOTIFY from its own address and IXFR from a journal."""
    addr = PRIMARY[kind]
    if kind == "authdns":
        # watch-interval off: the reload starts with SIGHUP, as Knot's with knotc.
        # notify-source: the secondaries accept NOTIFY from their primary's address only.
        notify = ", ".join(f'"{s}:{PORT}"' for s in secondaries)
        return ((f'watch-interval = 0\nnotify-source = "{addr}"\n' if secondaries else "") +
                f'[[key]]\nname = "{KEY_NAME}"\nalgorithm = "hmac-sha256"\nsecret = "{SECRET}"\n'
                f'[[zone]]\nname = "{ORIGIN}"\nallow-transfer = ["{XFR_NET}"]\ntransfer-key = "{KEY_NAME}"\n' +
                (f"notify = [{notify}]\n" if secondaries else "")), ""
    key = f"key:\n  - id: {KEY_NAME}\n    algorithm: hmac-sha256\n    secret: {SECRET}\n" if kind == "knot" else \
        f"key:\n  name: \"{KEY_NAME}\"\n  algorithm: hmac-sha256\n  secret: \"{SECRET}\"\n"
    if kind == "nsd":
        return key, f"  provide-xfr: {XFR_NET} {KEY_NAME}\n"
    conf = key + f"acl:\n  - id: xfr\n    address: {XFR_NET}\n    key: {KEY_NAME}\n    action: transfer\n"
    zone_conf = "    acl: xfr\n"
    if secondaries:
        conf += "remote:\n" + "".join(f"  - id: secondary{i}\n    address: {s}@{PORT}\n    via: {addr}\n"
                                      f"    key: {KEY_NAME}\n" for i, s in enumerate(secondaries))
        ids = ", ".join(f"secondary{i}" for i in range(len(secondaries)))
        zone_conf += f"    notify: [{ids}]\n    zonefile-load: difference\n    journal-content: changes\n"
    return conf, zone_conf


def secondary_config(kind, addr, primary):
    """(conf, zone_conf) for start_server: a secondary on `addr` of
    `primary`, accepting its NOTIFY, transfers signed with the key and
    sent from `addr`. Knot keeps no journal and writes no zone file (its
    fastest setting); authdns writes its disk copy after each transfer."""
    if kind == "authdns":
        return (f'[[key]]\nname = "{KEY_NAME}"\nalgorithm = "hmac-sha256"\nsecret = "{SECRET}"\n'
                f'[[zone]]\nname = "{ORIGIN}"\nprimaries = ["{primary}:{PORT}"]\ntransfer-key = "{KEY_NAME}"\n'
                f'[transfer-in]\nsource = "{addr}"\n'), ""
    conf = (f"key:\n  - id: {KEY_NAME}\n    algorithm: hmac-sha256\n    secret: {SECRET}\n"
            f"remote:\n  - id: primary\n    address: {primary}@{PORT}\n    via: {addr}\n    key: {KEY_NAME}\n"
            f"acl:\n  - id: notify\n    address: {primary}\n    key: {KEY_NAME}\n    action: notify\n")
    return conf, "    master: primary\n    acl: notify\n"


def kdig_axfr(addr, out):
    """Starts `kdig AXFR` of ORIGIN from `addr`, signed, pinned to CPU 0,
    writing to `out`."""
    with open(out, "w") as f:  # the child keeps its own descriptor
        return subprocess.Popen(["taskset", "-c", "0", "kdig", f"@{addr}", "-p", str(PORT), "-b", CLIENT,
                                 "-y", f"hmac-sha256:{KEY_NAME}:{SECRET}", "AXFR", ORIGIN],
                                stdout=f, stderr=subprocess.STDOUT)


def kdig_received(out):
    """(records, messages, octets) from kdig's closing ';; Received N B (M
    messages, R records)'."""
    with open(out, "rb") as f:
        f.seek(max(0, out.stat().st_size - 4096))
        tail = f.read().decode(errors="replace")
    m = re.search(r";; Received (\d+) B \((\d+) messages, (\d+) records\)", tail)
    if not m:
        raise RuntimeError(f"kdig failed: {tail[-300:]}")
    return int(m.group(3)), int(m.group(2)), int(m.group(1))


def knot_pull(kind, last, primary_pid, workdir):
    """A Knot secondary (pinned to CPU 0 like kdig) started empty, pulling
    the zone from `kind`'s primary: (seconds from its start to answering
    `last`, the primary's Pss peak meanwhile)."""
    addr = PULL_SECONDARY
    conf, zone_conf = secondary_config("knot", addr, PRIMARY[kind])
    began = time.monotonic()
    proc = start_server("knot", addr, PORT, ORIGIN, None, workdir, prefix=("taskset", "-c", "0"), conf=conf,
                        zone_conf=zone_conf)
    try:
        peak, _ = sample_pss(primary_pid, lambda: proc.poll() is not None or answers(addr, last, PORT), LOAD_LIMIT,
                             rescan=False)
        if not answers(addr, last, PORT):
            raise RuntimeError(f"the Knot secondary did not pull the zone from {kind} in {LOAD_LIMIT} s")
        return time.monotonic() - began, peak
    finally:
        stop(proc)


def bench_axfr(args, data, kinds):
    zone = data / "zone" / f"{ORIGIN}zone"
    zone.parent.mkdir(parents=True)
    count, last = write_hosting_zone(zone, args.records, 1, 1)
    print(f"zone: {count} records, {zone.stat().st_size / 1e6:.1f} MB", flush=True)
    procs = {}
    results = {k: [] for k in kinds}
    pulls = {k: [] for k in kinds}
    try:
        for kind in kinds:
            conf, zone_conf = primary_config(kind)
            procs[kind] = start_server(kind, PRIMARY[kind], PORT, ORIGIN, zone, data / f"axfr-{kind}",
                                       prefix=("taskset", "-c", "1"), conf=conf, zone_conf=zone_conf)
        for kind in kinds:
            took = wait_answering(PRIMARY[kind], last, procs[kind], PORT, limit=LOAD_LIMIT)
            pin_all_threads(procs[kind].pid, 1)
            print(f"  {kind:8} primary answering after {took:.1f} s", flush=True)
        time.sleep(2)
        for round_no in range(args.rounds):
            for kind in kinds:
                pid = procs[kind].pid
                before = pss_mib(pid)
                cpu = cpu_seconds(pid)
                out = data / "kdig.out"
                began = time.monotonic()
                client = kdig_axfr(PRIMARY[kind], out)
                peak, _ = sample_pss(pid, lambda: client.poll() is not None, XFR_LIMIT, rescan=False)
                if client.poll() is None:
                    client.kill()
                    client.wait()
                    raise RuntimeError(f"kdig AXFR from {kind} took over {XFR_LIMIT} s")
                took = time.monotonic() - began
                cpu = cpu_seconds(pid) - cpu
                records, messages, octets = kdig_received(out)
                out.unlink()
                results[kind].append((took, records, messages, before, peak, cpu, octets))
                print(f"round {round_no + 1} {kind:8} {took:6.2f} s  primary CPU {cpu:5.2f} s  {records} records in"
                      f" {messages} messages, {octets / 1e6:.1f} MB  Pss {before:6.1f} -> peak {peak:6.1f} MiB", flush=True)
                time.sleep(1)
                if args.knot_pulls:
                    pull, pull_peak = knot_pull(kind, last, pid, data / f"pull-{kind}-{round_no}")
                    pulls[kind].append((pull, pull_peak))
                    print(f"round {round_no + 1} {kind:8} Knot secondary: {pull:6.2f} s"
                          f"  Pss {before:6.1f} -> peak {pull_peak:6.1f} MiB", flush=True)
                    time.sleep(1)
    finally:
        for proc in procs.values():
            stop(proc)
    print(f"\n| primary | kdig AXFR, {count:,} records (median of {args.rounds}) | vs authdns |"
          " primary CPU per AXFR | vs authdns | messages | octets | primary Pss before | peak during AXFR | growth |"
          "\n|---|---|---|---|---|---|---|---|---|---|")
    base = [statistics.median(r[i] for r in results["authdns"]) for i in (0, 5)] if "authdns" in results else None
    for kind, rows in results.items():
        took, before, peak, cpu = (statistics.median(r[i] for r in rows) for i in (0, 3, 4, 5))
        ratios = [f"{v / b:.2f}" if b else "-" for v, b in zip((took, cpu), base or (0, 0))]
        print(f"| {kind} | {took:.2f} s | {ratios[0]} | {cpu:.2f} s | {ratios[1]} | {rows[0][2]} |"
              f" {rows[0][6] / 1e6:.1f} MB | {before:.0f} MiB | {peak:.0f} MiB | {peak - before:+.0f} MiB |")
    if args.knot_pulls:
        print(f"\n| primary | Knot secondary: start to serving {count:,} records (median of {args.rounds}) | vs authdns |"
              " primary Pss peak meanwhile |\n|---|---|---|---|")
        base = statistics.median(r[0] for r in pulls["authdns"]) if "authdns" in pulls else None
        for kind, rows in pulls.items():
            took = statistics.median(r[0] for r in rows)
            ratio = f"{took / base:.2f}" if base else "-"
            print(f"| {kind} | {took:.2f} s | {ratio} | {statistics.median(r[1] for r in rows):.0f} MiB |")


def refresh_logged(kind, text):
    """The secondary's refresh times (seconds) in `text`, a piece of its
    log: Knot's own figure; for authdns, from each "NOTIFY received" line
    to the transfer line after it (SOA query, transfer, apply)."""
    if kind == "knot":
        return [float(s) for s in KNOT_REFRESH.findall(text)]
    times, notified = [], None
    for stamp, what in AUTHDNS_STAMP.findall(ANSI.sub("", text)):
        at = datetime.fromisoformat(stamp[:26])
        if what.startswith("NOTIFY"):
            notified = notified or at
        elif notified is not None:
            times.append((at - notified).total_seconds())
            notified = None
    return times


def start_propagation(args, data):
    """Starts both primaries, each NOTIFYing an authdns and a Knot
    secondary, and the four secondaries; waits until all serve the zone.
    Returns (primaries {kind: state}, secondaries {(primary kind,
    secondary kind): state})."""
    primaries, secondaries = {}, {}
    most = max(int(s) for s in args.changes.split(","))
    for kind in ("authdns", "knot"):
        work = data / f"prop-{kind}"
        zone = work / "zone" / f"{ORIGIN}zone"
        zone.parent.mkdir(parents=True)
        # changed. and changed2..changedN: the last octets one and rest
        state = {"work": work / "primary", "zone": zone, "serial": 1, "one": 1, "rest": 1, "most": most}
        _, state["last"] = write_hosting_zone(zone, args.records, 1, 1, most, 1)
        conf, zone_conf = primary_config(kind, [SECONDARY[(kind, s)] for s in ("authdns", "knot")])
        state["proc"] = start_server(kind, PRIMARY[kind], PORT, ORIGIN, zone, state["work"], conf=conf,
                                     zone_conf=zone_conf, verbose=True)
        primaries[kind] = state
    for kind, state in primaries.items():
        took = wait_answering(PRIMARY[kind], state["last"], state["proc"], PORT, limit=LOAD_LIMIT)
        print(f"  {kind:8} primary answering after {took:.1f} s", flush=True)
    for (p, s), addr in SECONDARY.items():
        conf, zone_conf = secondary_config(s, addr, PRIMARY[p])
        work = data / f"prop-{p}" / f"secondary-{s}"
        began = time.monotonic()
        proc = start_server(s, addr, PORT, ORIGIN, None, work, conf=conf, zone_conf=zone_conf, verbose=True)
        secondaries[(p, s)] = {"proc": proc, "log": work / f"{s}.log", "began": began}
    for (p, s), state in secondaries.items():
        wait_answering(SECONDARY[(p, s)], primaries[p]["last"], state["proc"], PORT, limit=LOAD_LIMIT)
        state["first"] = time.monotonic() - state["began"]
        print(f"  {p}->{s} secondary serving the zone {state['first']:.1f} s after its start"
              " (the four pull at once)", flush=True)
    return primaries, secondaries


def edit(args, kind, primary, secondaries, size):
    """Rewrites `kind`'s zone with `size` records changed, tells it to
    reload and asks it and its `secondaries` ({secondary kind: state})
    for the changed record until each serves it. Returns {secondary
    kind: (to primary, to secondary, how it fetched, Pss before, peak,
    after, refresh by its log or None, primary CPU s, secondary CPU s)}."""
    primary["serial"] += 1
    primary["one"] += 1
    if size > 1:
        primary["rest"] += 1
    watched, octet = ("changed." + ORIGIN, primary["one"]) if size == 1 else \
        (f"changed{size}.{ORIGIN}", primary["rest"])
    time.sleep(1.1)  # a new mtime second for servers that compare mtimes
    write_hosting_zone(primary["zone"], args.records, primary["serial"], primary["one"], primary["most"],
                       primary["rest"])
    offsets = {s: state["log"].stat().st_size for s, state in secondaries.items()}
    pids = {s: state["proc"].pid for s, state in secondaries.items()}
    before = {s: pss_mib(pid, [pid]) for s, pid in pids.items()}
    peak = dict(before)
    last = dict(before)
    served = {}
    cpu = {s: cpu_seconds(pid) for s, pid in pids.items()}
    primary_cpu = cpu_seconds(primary["proc"].pid)
    began = last_sample = time.monotonic()
    reload_zone(kind, primary["proc"], primary["work"], ORIGIN)
    to_primary = settled = None
    while settled is None or time.monotonic() < settled:
        now = time.monotonic()
        if now - began > CHANGE_LIMIT or primary["proc"].poll() is not None or \
                any(state["proc"].poll() is not None for state in secondaries.values()):
            raise RuntimeError(f"{kind}: {watched} = .{octet} not served everywhere within {CHANGE_LIMIT} s")
        if to_primary is None and a_last_octet(PRIMARY[kind], PORT, watched) == octet:
            to_primary = time.monotonic() - began
        for s in secondaries:
            if s not in served and a_last_octet(SECONDARY[(kind, s)], PORT, watched) == octet:
                served[s] = time.monotonic() - began
        if settled is None and to_primary is not None and len(served) == len(secondaries):
            settled = time.monotonic() + SETTLE  # the disk copy and the old version's release come after
        if now - last_sample >= 0.02:
            for s, pid in pids.items():
                last[s] = pss_mib(pid, [pid])
                peak[s] = max(peak[s], last[s])
            last_sample = now
        time.sleep(POLL)
    primary_cpu = cpu_seconds(primary["proc"].pid) - primary_cpu
    cpu = {s: cpu_seconds(pid) - cpu[s] for s, pid in pids.items()}
    rows = {}
    for s, state in secondaries.items():
        with open(state["log"], errors="replace") as f:
            f.seek(offsets[s])
            text = f.read()
        how = [m.group(1) for m in XFR_LOG[s].finditer(ANSI.sub("", text))]
        own = refresh_logged(s, text)
        rows[s] = (to_primary, served[s], "+".join(how) if how else "?", before[s], peak[s], last[s],
                   sum(own) if own else None, primary_cpu, cpu[s])
    return rows


def bench_propagation(args, data, sizes):
    """All four pairs, edits interleaved: per edit number, per size, each
    primary in turn. Returns ({(primary, secondary): first pull s},
    {(primary, secondary, size): rows})."""
    primaries, secondaries = start_propagation(args, data)
    rows = {(p, s, size): [] for (p, s) in SECONDARY for size in sizes}
    try:
        time.sleep(2)
        for n in range(1, args.edits + 1):
            for size in sizes:
                for kind, primary in primaries.items():
                    ours = {s: state for (p, s), state in secondaries.items() if p == kind}
                    for s, row in edit(args, kind, primary, ours, size).items():
                        rows[(kind, s, size)].append(row)
                        own = f"{row[6]:.3f} s" if row[6] is not None else "-"
                        print(f"  edit {n}, {size:2} changed, {kind}->{s}: primary {row[0]:6.3f} s  secondary"
                              f" {row[1]:6.3f} s  ({row[2]}, its log: {own})  secondary Pss {row[3]:.0f} -> peak"
                              f" {row[4]:.0f} -> {row[5]:.0f} MiB  CPU primary {row[7]:.2f} s, secondary {row[8]:.2f} s", flush=True)
        return {pair: state["first"] for pair, state in secondaries.items()}, rows
    finally:
        for state in secondaries.values():
            stop(state["proc"])
        for state in primaries.values():
            stop(state["proc"])


def print_propagation(first, rows, sizes, records):
    name = {"authdns": "authdns", "knot": "Knot"}
    print(f"\n| pair ({records:,} records) | records changed | reload to primary serving | reload to secondary serving"
          " | vs Knot -> Knot | primary to secondary serving | vs Knot -> Knot | secondary fetched by |"
          " refresh by the secondary's log | primary CPU | secondary CPU | secondary Pss before | peak | 2 s after |"
          " secondary's first pull |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        med = {}
        for (p, s, sz), rs in rows.items():
            if sz == size:
                med[(p, s)] = (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs),
                               statistics.median(r[1] - r[0] for r in rs))
        base = med[("knot", "knot")]
        for (p, s), (to_p, to_s, gap) in med.items():
            rs = rows[(p, s, size)]
            how = ",".join(sorted({r[2] for r in rs}))
            own = [r[6] for r in rs if r[6] is not None]
            own = f"{statistics.median(own):.3f} s" if own else "-"
            pss = [statistics.median(r[i] for r in rs) for i in (3, 4, 5)]
            cpu = [statistics.median(r[i] for r in rs) for i in (7, 8)]
            print(f"| {name[p]} -> {name[s]} | {size} | {to_p:.3f} s | {to_s:.3f} s | {to_s / base[1]:.2f} |"
                  f" {gap:.3f} s | {gap / base[2]:.2f} | {how} | {own} | {cpu[0]:.2f} s | {cpu[1]:.2f} s | {pss[0]:.0f} MiB | {pss[1]:.0f} MiB |"
                  f" {pss[2]:.0f} MiB | {first[(p, s)]:.1f} s |")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=3, help="kdig AXFR runs per primary")
    p.add_argument("--edits", type=int, default=3, help="propagate: edits per primary and size")
    p.add_argument("--only", default="axfr,propagate")
    p.add_argument("--changes", default="1,10", help="propagate: records changed per edit, sizes taking turns")
    p.add_argument("--primaries", default=",".join(PRIMARY), help="servers measured by axfr")
    p.add_argument("--knot-pulls", action="store_true",
                   help="axfr: add a second client, a Knot secondary pulling from each primary")
    p.add_argument("--keep", action="store_true", help="keep the servers' logs and zones")
    args = p.parse_args()
    if not AUTHDNS.exists():
        sys.exit("build first: cargo build --release -p authdns")
    parts = args.only.split(",")
    sizes = [int(s) for s in args.changes.split(",")]
    data = Path(tempfile.mkdtemp(prefix="bench-transfer-"))
    try:
        if "axfr" in parts:
            bench_axfr(args, data, args.primaries.split(","))
        if "propagate" in parts:
            first, rows = bench_propagation(args, data, sizes)
            print_propagation(first, rows, sizes, args.records)
    finally:
        if args.keep:
            print(f"logs and zones kept in {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
