#!/usr/bin/env python3
"""How fast a change on a primary is served by a secondary: a one-record
edit of a hosting-like zone (bench/gen_hosting_zone.py) on the primary,
timed from the reload signal until a Knot DNS secondary answers it
(NOTIFY, then IXFR, TSIG-signed). authdns as the primary against Knot
DNS as the primary, the same zone and secondary, in one run (issue 14).

  bench/propagation.py [--records 1000000] [--edits 3]

Per primary: start it and a fresh Knot secondary, wait until the
secondary serves the whole zone (AXFR), then per edit rewrite the file
(serial and `changed.hosting.test. A` bumped), tell the primary (authdns:
SIGHUP; Knot: knotc zone-reload, its zone file loaded as a difference so
that it journals the change for IXFR) and poll both servers every 10 ms:
the time until the primary answers the change ("reload") and until the
secondary does ("secondary"). Medians over the edits; the secondary's
log says whether each edit came by IXFR. Every loop is bounded; servers
are stopped by PID.
"""
import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import stop, wait_answering  # noqa: E402
from memory import changed_octet, write_zone  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AUTHDNS = ROOT / "target/release/authdns"
ORIGIN = "hosting.test."
PORT = 5300  # memory.changed_octet asks on this port too
PRIMARY, SECONDARY = "127.0.0.78", "127.0.0.79"
SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ="
KEY = f"key:\n  - id: xfr.example.\n    algorithm: hmac-sha256\n    secret: {SECRET}\n"


def start_primary(kind, zone, work):
    log = open(work / "primary.log", "w")
    if kind == "authdns":
        (work / "authdns.toml").write_text(
            f"udp-workers = 1\nlog-level = \"info\"\nrate-limit = 0\nnotify-source = \"{PRIMARY}\"\n"
            f"[[key]]\nname = \"xfr.example.\"\nalgorithm = \"hmac-sha256\"\nsecret = \"{SECRET}\"\n"
            f"[[zone]]\nname = \"{ORIGIN}\"\nallow-transfer = [\"{SECONDARY}\"]\ntransfer-key = \"xfr.example.\"\n"
            f"notify = [\"{SECONDARY}:{PORT}\"]\n")
        cmd = [str(AUTHDNS), "--listen", f"{PRIMARY}:{PORT}", "--zones", str(zone.parent),
               "--config", str(work / "authdns.toml")]
    else:
        conf = work / "knot.conf"
        conf.write_text(
            f"server:\n    listen: {PRIMARY}@{PORT}\n    rundir: {work}\n    user: root\n"
            "    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
            f"database:\n    storage: {work}\n{KEY}"
            f"remote:\n  - id: secondary\n    address: {SECONDARY}@{PORT}\n    via: {PRIMARY}\n    key: xfr.example.\n"
            f"acl:\n  - id: out\n    address: {SECONDARY}\n    key: xfr.example.\n    action: transfer\n"
            f"template:\n  - id: default\n    storage: {zone.parent}\n    semantic-checks: off\n"
            "    zonefile-sync: -1\n    zonefile-load: difference\n    journal-content: changes\n"
            "    notify: secondary\n    acl: out\n"
            f"zone:\n  - domain: {ORIGIN}\n    file: {zone.name}\n"
            "log:\n  - target: stderr\n    any: info\n")
        cmd = ["knotd", "-c", str(conf)]
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)


def start_secondary(work):
    conf = work / "secondary.conf"
    conf.write_text(
        f"server:\n    listen: {SECONDARY}@{PORT}\n    rundir: {work}/s\n    user: root\n"
        "    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
        f"database:\n    storage: {work}/s\n{KEY}"
        f"remote:\n  - id: primary\n    address: {PRIMARY}@{PORT}\n    via: {SECONDARY}\n    key: xfr.example.\n"
        f"acl:\n  - id: notify\n    address: {PRIMARY}\n    key: xfr.example.\n    action: notify\n"
        f"template:\n  - id: default\n    storage: {work}/s\n    semantic-checks: off\n"
        "    zonefile-sync: -1\n    journal-content: none\n    master: primary\n    acl: notify\n"
        f"zone:\n  - domain: {ORIGIN}\n"
        "log:\n  - target: stderr\n    any: info\n")
    (work / "s").mkdir()
    log = open(work / "secondary.log", "w")
    return subprocess.Popen(["knotd", "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT)


def tell_reload(kind, proc, work):
    if kind == "knot":
        subprocess.run(["knotc", "-c", str(work / "knot.conf"), "zone-reload", ORIGIN],
                       check=True, stdout=subprocess.DEVNULL, timeout=30)
    else:
        proc.send_signal(signal.SIGHUP)


def run(kind, records, edits, work):
    zone_dir = work / "zones"
    zone_dir.mkdir(parents=True)
    zone = zone_dir / "hosting.test.zone"
    _, last = write_zone(zone, records, 1, 1)
    primary = start_primary(kind, zone, work)
    secondary = None
    try:
        wait_answering(PRIMARY, last, primary, PORT, limit=600)
        secondary = start_secondary(work)
        wait_answering(SECONDARY, last, secondary, PORT, limit=600)
        rows = []
        for n in range(1, edits + 1):
            changed = 1 + n % 250
            time.sleep(1.1)  # a new mtime second for servers that compare mtimes
            write_zone(zone, records, 1 + n, changed)
            began = time.monotonic()
            tell_reload(kind, primary, work)
            reload_s = secondary_s = None
            deadline = began + 600
            while secondary_s is None:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"edit {n} not served in time")
                now = time.monotonic() - began
                if reload_s is None and changed_octet(PRIMARY) == changed:
                    reload_s = now
                if changed_octet(SECONDARY) == changed:
                    secondary_s = now
                    reload_s = reload_s if reload_s is not None else now
                time.sleep(0.01)
            rows.append((reload_s, secondary_s))
            print(f"  {kind:8} edit {n}: primary {reload_s:6.2f} s  secondary {secondary_s:6.2f} s", flush=True)
        ixfrs = (work / "secondary.log").read_text().count("IXFR, incoming, remote") // 2
        return rows, ixfrs
    finally:
        if secondary is not None:
            stop(secondary)
        stop(primary)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--edits", type=int, default=3)
    p.add_argument("--only", default="authdns,knot")
    a = p.parse_args()
    table = []
    for kind in a.only.split(","):
        work = Path(tempfile.mkdtemp(prefix="bench-propagation-"))
        try:
            rows, ixfrs = run(kind, a.records, a.edits, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        table.append((kind, statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows), ixfrs))
    print(f"\n| {a.records:,} records, primary | reload (median) | served by the Knot secondary (median) | edits by IXFR |")
    print("|---|---|---|---|")
    for kind, reload_s, secondary_s, ixfrs in table:
        print(f"| {kind} | {reload_s:.2f} s | {secondary_s:.2f} s | {ixfrs} of {a.edits} |")


if __name__ == "__main__":
    main()
