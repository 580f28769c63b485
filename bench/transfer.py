#!/usr/bin/env python3
"""Zone transfers (issue 14): authdns against Knot DNS and NSD, same run.

  bench/transfer.py [--records 1000000] [--rounds 3] [--edits 3] [--only axfr,propagate]
                    [--changes 1,10] [--no-knot-pulls] [--with-authdns-secondary]

axfr: authdns, Knot and NSD each serve one hosting-like zone
(bench/gen_hosting_zone.py) as primaries, TSIG (hmac-sha256) required,
transfers allowed to 127.0.0.240/28. In interleaved rounds `kdig AXFR`
(pinned to CPU 0; every server thread pinned to CPU 1) pulls the whole zone
from each, its output to a file: kdig's wall time, the records it counted,
the primary's CPU time for the transfer (from /proc: sharp even when kdig,
formatting a million records as text, is the bottleneck) and its Pss
(summed over its processes, from smaps_rollup) just before and at its
peak, sampled every 20 ms during the transfer. Then a second client, a
Knot secondary (also on CPU 0) started empty, pulls the zone from the same
primary: time from its start to answering the last name, and the primary's
Pss peak meanwhile. Medians.

propagate: a primary and a secondary of the same kind on two addresses,
NOTIFY and IXFR with TSIG. The secondary first pulls the zone whole (timed
from its start to answering the last name). Then, per edit, the primary's
file is rewritten with the serial bumped and one record or ten changed
(`--changes`, taking turns), the primary is told to reload (Knot: knotc
zone-reload; authdns: SIGHUP), and from that moment the primary and the
secondary are asked for the changed record every 5 ms over UDP until each
serves it (bounded). Reported: reload to primary serving, reload to
secondary serving, the difference (NOTIFY, SOA query, IXFR, apply), how
the secondary transferred and how long it says its refresh took (from its
log), and the secondary's Pss before and its peak while applying. Medians of the edits. These servers are not
pinned (reload, NOTIFY and transfer take turns).
Pairs: Knot -> Knot (Knot's primary computes the difference from the file,
`zonefile-load: difference`, into its journal; the secondary keeps no
journal and writes no zone file, its fastest setting); authdns -> authdns
with --with-authdns-secondary once authdns has NOTIFY, IXFR from a journal
and the secondary role (issue 14, not on main yet: today authdns refuses
`notify` and `primaries` at start, and the row says so).

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (AUTHDNS, a_last_octet, answers, cpu_seconds, pin_all_threads, pss_mib, reload_zone, sample_pss,  # noqa: E402
                    start_server, stop, wait_answering, write_hosting_zone)

ORIGIN = "hosting.test."
PORT = 5300
PRIMARY = {"authdns": "127.0.0.240", "knot": "127.0.0.241", "nsd": "127.0.0.242"}
SECONDARY = {"authdns": "127.0.0.243", "knot": "127.0.0.244"}
CLIENT = "127.0.0.249"  # kdig's source address
XFR_NET = "127.0.0.240/28"
KEY_NAME = "xfr.bench."
SECRET = "YmVuY2gtdHJhbnNmZXItc2VjcmV0LWtleS0wMTIzNDU="
LOAD_LIMIT = 900  # seconds for a 1M-record zone to load or be pulled on a busy 2-core machine
XFR_LIMIT = 300  # seconds for one kdig AXFR
CHANGE_LIMIT = 120  # seconds for an edit to reach the secondary
POLL = 0.005  # seconds between queries for the changed record
# How each secondary logs a finished incoming transfer (to tell IXFR from
# AXFR), and a finished refresh with its own timing (transfer and apply).
XFR_LOG = {"knot": re.compile(r"\b(IXFR|AXFR), incoming, remote \S+, finished")}
REFRESH_LOG = {"knot": re.compile(r"refresh, remote \S+, zone updated, ([\d.]+) seconds")}


def primary_config(kind, secondary=None):
    """(conf, zone_conf) for start_server: a primary allowing transfers to
    XFR_NET with the key and, with `secondary`, sending it NOTIFY (from
    its own address) and IXFR from a journal."""
    addr = PRIMARY[kind]
    if kind == "authdns":
        # watch-interval off: the reload starts with SIGHUP, as Knot's with knotc.
        # The NOTIFY's source address must be the primary's for the
        # secondary to accept it (shared/PEERS.md): when authdns gets an
        # option for it, set it here to `addr`.
        return (("watch-interval = 0\n" if secondary else "") +
                f'[[key]]\nname = "{KEY_NAME}"\nalgorithm = "hmac-sha256"\nsecret = "{SECRET}"\n'
                f'[[zone]]\nname = "{ORIGIN}"\nallow-transfer = ["{XFR_NET}"]\ntransfer-key = "{KEY_NAME}"\n' +
                (f'notify = ["{secondary}:{PORT}"]\n' if secondary else "")), ""
    key = f"key:\n  - id: {KEY_NAME}\n    algorithm: hmac-sha256\n    secret: {SECRET}\n" if kind == "knot" else \
        f"key:\n  name: \"{KEY_NAME}\"\n  algorithm: hmac-sha256\n  secret: \"{SECRET}\"\n"
    if kind == "nsd":
        return key, f"  provide-xfr: {XFR_NET} {KEY_NAME}\n"
    conf = key + f"acl:\n  - id: xfr\n    address: {XFR_NET}\n    key: {KEY_NAME}\n    action: transfer\n"
    zone_conf = "    acl: xfr\n"
    if secondary:
        conf += f"remote:\n  - id: secondary\n    address: {secondary}@{PORT}\n    via: {addr}\n    key: {KEY_NAME}\n"
        zone_conf += "    notify: secondary\n    zonefile-load: difference\n    journal-content: changes\n"
    return conf, zone_conf


def secondary_config(kind, primary):
    """(conf, zone_conf) for start_server: a secondary of `primary`,
    accepting its NOTIFY, transfers signed with the key."""
    addr = SECONDARY[kind]
    if kind == "authdns":
        # The interface issue 14 fixes; the secondary itself is being built.
        return (f'[[key]]\nname = "{KEY_NAME}"\nalgorithm = "hmac-sha256"\nsecret = "{SECRET}"\n'
                f'[[zone]]\nname = "{ORIGIN}"\nprimaries = ["{primary}:{PORT}"]\ntransfer-key = "{KEY_NAME}"\n'), ""
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
    conf, zone_conf = secondary_config("knot", PRIMARY[kind])
    addr = SECONDARY["knot"]
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


def logged(patterns, log_text, kind):
    """What the secondary's log says, in order: the first group of each
    match of its pattern in `patterns` (none for a kind without one)."""
    pattern = patterns.get(kind)
    return [m.group(1) for m in pattern.finditer(log_text)] if pattern else []


def bench_propagation(args, data, kind, sizes):
    """One primary -> secondary pair of `kind`, edits of each size in
    `sizes` (records changed) taking turns; returns (seconds from the
    secondary's start to serving the zone, {size: rows of (to primary,
    to secondary, transfer kind, secondary Pss before, peak)})."""
    work = data / f"prop-{kind}"
    zone = work / "zone" / f"{ORIGIN}zone"
    zone.parent.mkdir(parents=True)
    most = max(sizes)
    one, rest = 1, 1  # the last octets of changed. and of changed2..changedN
    _, last = write_hosting_zone(zone, args.records, 1, one, most, rest)
    conf, zone_conf = primary_config(kind, SECONDARY[kind])
    primary = start_server(kind, PRIMARY[kind], PORT, ORIGIN, zone, work / "primary", conf=conf, zone_conf=zone_conf,
                           verbose=True)
    secondary = None
    try:
        wait_answering(PRIMARY[kind], last, primary, PORT, limit=LOAD_LIMIT)
        conf, zone_conf = secondary_config(kind, PRIMARY[kind])
        secondary = start_server(kind, SECONDARY[kind], PORT, ORIGIN, None, work / "secondary", conf=conf,
                                 zone_conf=zone_conf, verbose=True)
        first_pull = wait_answering(SECONDARY[kind], last, secondary, PORT, limit=LOAD_LIMIT)
        print(f"  {kind}->{kind} secondary serving the zone {first_pull:.1f} s after its start", flush=True)
        time.sleep(2)
        secondary_log = work / "secondary" / f"{kind}.log"
        rows = {size: [] for size in sizes}
        serial = 1
        for n in range(1, args.edits + 1):
            for size in sizes:
                # changed. alone is one record; with changed2..changedN, N.
                one += 1
                if size > 1:
                    rest += 1
                watched = "changed." + ORIGIN if size == 1 else f"changed{size}.{ORIGIN}"
                octet = one if size == 1 else rest
                serial += 1
                time.sleep(1.1)  # a new mtime second for servers that compare mtimes
                write_hosting_zone(zone, args.records, serial, one, most, rest)
                row = time_change(kind, primary, secondary, work, watched, octet, secondary_log)
                rows[size].append(row)
                print(f"  {kind}->{kind} {size} changed, edit {n}: primary {row[0]:6.3f} s  secondary {row[1]:6.3f} s"
                      f"  ({row[2]}, its log: {row[5]} s)  secondary Pss {row[3]:.0f} -> peak {row[4]:.0f} MiB", flush=True)
        return first_pull, rows
    finally:
        if secondary is not None:
            stop(secondary)
        stop(primary)


def time_change(kind, primary, secondary, work, watched, octet, secondary_log):
    """Tells the primary to reload its rewritten file and asks both
    servers for `watched` every POLL s until each answers `octet`: (to
    primary, to secondary, how the secondary transferred, its Pss before,
    its Pss peak sampled every 20 ms meanwhile, the refresh time it logged
    or None)."""
    text = secondary_log.read_text(errors="replace")
    seen, refreshed = len(logged(XFR_LOG, text, kind)), len(logged(REFRESH_LOG, text, kind))
    before = peak = pss_mib(secondary.pid)
    began = last_sample = time.monotonic()
    reload_zone(kind, primary, work / "primary", ORIGIN)
    to_primary = to_secondary = None
    while to_secondary is None or to_primary is None:
        now = time.monotonic()
        if now - began > CHANGE_LIMIT or primary.poll() is not None or secondary.poll() is not None:
            raise RuntimeError(f"{kind}->{kind}: {watched} = .{octet} not served within {CHANGE_LIMIT} s")
        if to_primary is None and a_last_octet(PRIMARY[kind], PORT, watched) == octet:
            to_primary = time.monotonic() - began
        if to_secondary is None and a_last_octet(SECONDARY[kind], PORT, watched) == octet:
            to_secondary = time.monotonic() - began
        if now - last_sample >= 0.02:
            peak = max(peak, pss_mib(secondary.pid))
            last_sample = now
        time.sleep(POLL)
    time.sleep(0.5)  # let the secondary log the finished transfer
    text = secondary_log.read_text(errors="replace")
    how = logged(XFR_LOG, text, kind)[seen:]
    own = sum(float(s) for s in logged(REFRESH_LOG, text, kind)[refreshed:]) if kind in REFRESH_LOG else None
    return to_primary, to_secondary, "+".join(how) if how else "?", before, peak, own


def log_tail(work):
    """The first error (with its causes) or the last line of each log of a
    pair, to say why it failed."""
    lines = []
    for log in sorted(work.glob("*/*.log")):
        text = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
        first = next((i for i, line in enumerate(text) if "error" in line.lower()), None)
        if text:
            lines.append(f"{log.parent.name}: {' '.join(text[first:first + 3]) if first is not None else text[-1]}")
    return "; ".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=3, help="kdig AXFR runs per primary")
    p.add_argument("--edits", type=int, default=3, help="edits per primary/secondary pair")
    p.add_argument("--only", default="axfr,propagate")
    p.add_argument("--changes", default="1,10", help="propagate: records changed per edit, sizes taking turns")
    p.add_argument("--primaries", default=",".join(PRIMARY), help="servers measured by axfr")
    p.add_argument("--no-knot-pulls", dest="knot_pulls", action="store_false",
                   help="axfr: skip the second client, a Knot secondary pulling from each primary")
    p.add_argument("--with-authdns-secondary", action="store_true",
                   help="add the authdns -> authdns pair (needs issue 14's NOTIFY, IXFR and secondary)")
    p.add_argument("--keep", action="store_true", help="keep the servers' logs and zones")
    args = p.parse_args()
    if not AUTHDNS.exists():
        sys.exit("build first: cargo build --release -p authdns")
    parts = args.only.split(",")
    pairs = ["knot"] + (["authdns"] if args.with_authdns_secondary else [])
    sizes = [int(s) for s in args.changes.split(",")]
    data = Path(tempfile.mkdtemp(prefix="bench-transfer-"))
    try:
        if "axfr" in parts:
            bench_axfr(args, data, args.primaries.split(","))
        table = []
        if "propagate" in parts:
            for kind in pairs:
                try:
                    first, rows = bench_propagation(args, data, kind, sizes)
                except RuntimeError as e:
                    reason = f"{e}; {log_tail(data / f'prop-{kind}')}"
                    print(f"  {kind}->{kind}: not measurable: {reason}", flush=True)
                    table.extend((kind, size, None, reason) for size in sizes)
                    continue
                table.extend((kind, size, first, rows[size]) for size in sizes)
        if table:
            print("\n| pair | records changed | reload to primary serving | reload to secondary serving |"
                  " primary to secondary | secondary fetched by | refresh in the secondary's log |"
                  " secondary Pss before | secondary peak | secondary's first pull |\n|---|---|---|---|---|---|---|---|---|---|")
            for kind, size, first, rows in sorted(table, key=lambda r: (r[1], r[0] != "knot")):
                if first is None:
                    print(f"| {kind} -> {kind} | {size} | not measurable yet: {rows} | | | | | | | |")
                    continue
                med = [statistics.median(r[i] for r in rows) for i in (0, 1, 3, 4)]
                lag = statistics.median(r[1] - r[0] for r in rows)
                how = ",".join(sorted({r[2] for r in rows}))
                own = f"{statistics.median(r[5] for r in rows):.2f} s" if rows[0][5] is not None else "-"
                print(f"| {kind} -> {kind} | {size} | {med[0]:.3f} s | {med[1]:.3f} s | {lag:.3f} s | {how} | {own} |"
                      f" {med[2]:.0f} MiB | {med[3]:.0f} MiB | {first:.1f} s |")
    finally:
        if args.keep:
            print(f"logs and zones kept in {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
