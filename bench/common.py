"""Helpers shared by the benchmark scripts: starting authdns, Knot DNS and
NSD on their own addresses, raw queries, readiness, CPU pinning, CPU and
memory accounting from /proc, stopping by PID, dnsperf output."""
import os
import random
import re
import signal
import statistics
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

AUTHDNS = Path(__file__).resolve().parent.parent / "target/release/authdns"


def write_hosting_zone(path, records, serial, changed, changed_names=1, changed_rest=None):
    """Writes bench/gen_hosting_zone.py's zone of about `records` records
    to `path` (`changed`, `changed_names`, `changed_rest`: see there):
    (record count, the last owner name, to ask when loaded)."""
    rest = [] if changed_rest is None else ["--changed-rest", str(changed_rest)]
    out = subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "gen_hosting_zone.py"), str(records),
                          str(path), "--serial", str(serial), "--changed", str(changed),
                          "--changed-names", str(changed_names)] + rest,
                         check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), out[1]


def dns_query(name, qtype=1):
    qid = random.randrange(65536)
    labels = [l for l in name.split(".") if l]
    wire = b"".join(bytes([len(l)]) + l.encode() for l in labels) + b"\0"
    # RD set: resolvers need it, authoritative servers ignore it.
    return qid, struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + struct.pack(">HH", qtype, 1)


def ask(addr, port, name, qtype=1, timeout=0.3):
    """One UDP query: (RCODE, ANCOUNT, the answer's bytes), or None when
    nothing came back in time."""
    _, q = dns_query(name, qtype)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(q, (addr, port))
        data, _ = s.recvfrom(4096)
    except OSError:
        return None
    finally:
        s.close()
    _, flags, _, ancount = struct.unpack(">HHHH", data[:8])
    return flags & 0xF, ancount, data


def answers(addr, name, port, qtype=1, timeout=0.3):
    """True if the server answers NOERROR with at least one record."""
    reply = ask(addr, port, name, qtype, timeout)
    return reply is not None and reply[0] == 0 and reply[1] > 0


def a_last_octet(addr, port, name, timeout=0.2):
    """The last octet of `name`'s single A record, or None (no answer,
    an error or not exactly one record)."""
    reply = ask(addr, port, name, 1, timeout)
    if reply is None or reply[0] != 0 or reply[1] != 1:
        return None
    return reply[2][-1]


def wait_answering(addr, name, proc, port, limit=180, qtype=1):
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        if answers(addr, name, port, qtype):
            return time.monotonic() - start
        time.sleep(0.02)
    raise RuntimeError("server did not answer in time")


def pin_all_threads(pid, cpu):
    for tid in os.listdir(f"/proc/{pid}/task"):
        subprocess.run(["taskset", "-p", "-c", str(cpu), tid], stdout=subprocess.DEVNULL, check=False)


def process_tree(pid):
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == pid:
                pids.extend(process_tree(int(entry)))
    return pids


def cpu_seconds(pid):
    total = 0
    for p in process_tree(pid):
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def pss_mib(pid, pids=None):
    """Pss (MiB) summed over the server's processes (NSD forks; Pss splits
    shared pages fairly), or over `pids` when given."""
    total = 0
    for p in pids if pids is not None else process_tree(pid):
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
        if m:
            total += int(m.group(1))
    return total / 1024


def sample_pss(pid, done, limit, interval=0.02, rescan=True):
    """Samples Pss every `interval` s until `done()` is true or `limit` s
    have passed: (peak, last). Without `rescan` the process tree is read
    once (cheaper, for a server that forks nothing meanwhile)."""
    pids = None if rescan else process_tree(pid)
    peak = last = pss_mib(pid, pids)
    end = time.monotonic() + limit
    while not done() and time.monotonic() < end:
        time.sleep(interval)
        last = pss_mib(pid, pids)
        peak = max(peak, last)
    return peak, last


def peak_rss_kib(pid):
    """The largest peak RSS in the process tree (NSD loads zones in a child)."""
    peaks = []
    for p in process_tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)))
    return max(peaks)


def start_server(kind, addr, port, origin, zone_file, workdir, prefix=(), conf="", zone_conf="", verbose=False):
    """Starts authdns, Knot DNS or NSD (`kind`) on `addr`@`port` serving
    `origin` from `zone_file`; returns the Popen. Knot serves the file as
    it is (no semantic checks, no journal, never written back); NSD runs
    without rate limiting. `zone_file` None makes a secondary, which
    starts empty (`zone_conf` names its primary). `conf` is added at the
    top level (authdns: TOML tables such as [[key]] and [[zone]]; Knot:
    key/acl/remote sections; NSD: key sections), `zone_conf` inside the
    zone's entry (Knot, NSD). `verbose` logs transfers (info level)."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = open(workdir / f"{kind}.log", "w")
    if kind == "authdns":
        zones = workdir / "authdns-zones"
        zones.mkdir(exist_ok=True)
        target = zones / f"{origin}zone"
        if zone_file is not None and not target.exists():
            target.symlink_to(zone_file)
        # Throughput from one client: response rate limiting off (Knot and NSD
        # have none by default either).
        level = "info" if verbose else "warn"
        (workdir / "authdns.toml").write_text(f"udp-workers = 1\nlog-level = \"{level}\"\nrate-limit = 0\n" + conf)
        cmd = [str(AUTHDNS), "--listen", f"{addr}:{port}", "--zones", str(zones), "--config", str(workdir / "authdns.toml")]
    elif kind == "knot":
        storage, name = (zone_file.parent, zone_file.name) if zone_file is not None else (workdir, f"{origin}zone")
        conf_file = workdir / "knot.conf"
        conf_file.write_text(
            f"server:\n    listen: {addr}@{port}\n    rundir: {workdir}\n    user: root\n"
            "    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
            f"database:\n    storage: {workdir}\n" + conf +
            f"template:\n  - id: default\n    storage: {storage}\n    semantic-checks: off\n"
            "    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\n"
            f"zone:\n  - domain: {origin}\n    file: {name}\n" + zone_conf +
            f"log:\n  - target: stderr\n    any: {'info' if verbose else 'warning'}\n"
        )
        cmd = ["knotd", "-c", str(conf_file)]
    else:
        path = zone_file if zone_file is not None else workdir / f"{origin}zone"
        conf_file = workdir / "nsd.conf"
        conf_file.write_text(
            f"server:\n  ip-address: {addr}@{port}\n  username: \"\"\n  database: \"\"\n"
            f"  zonelistfile: {workdir}/zone.list\n  pidfile: {workdir}/nsd.pid\n  xfrdfile: {workdir}/xfrd.state\n"
            f"  xfrdir: {workdir}\n  logfile: {workdir}/nsd.log\n  server-count: 1\n  rrl-ratelimit: 0\n"
            f"  rrl-whitelist-ratelimit: 0\n  minimal-responses: yes\n  verbosity: {2 if verbose else 0}\n"
            "remote-control:\n  control-enable: no\n" + conf +
            f"zone:\n  name: {origin}\n  zonefile: {path}\n" + zone_conf
        )
        cmd = ["nsd", "-d", "-c", str(conf_file)]
    return subprocess.Popen(list(prefix) + cmd, stdout=log, stderr=subprocess.STDOUT)


def reload_zone(kind, proc, workdir, origin):
    """Tells a server started by start_server to reread its zone file:
    authdns and NSD by SIGHUP, Knot by `knotc zone-reload`."""
    if kind == "knot":
        subprocess.run(["knotc", "-c", str(workdir / "knot.conf"), "zone-reload", origin],
                       check=True, stdout=subprocess.DEVNULL, timeout=30)
    else:
        proc.send_signal(signal.SIGHUP)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def parse_dnsperf(out):
    """(QPS, completed, lost) from dnsperf's report."""
    qps = float(re.search(r"Queries per second:\s+([\d.]+)", out).group(1))
    completed = int(re.search(r"Queries completed:\s+(\d+)", out).group(1))
    lost = int(re.search(r"Queries lost:\s+(\d+)", out).group(1))
    return qps, completed, lost


def dnsperf(addr, port, queries, args):
    """(QPS, completed, lost) of dnsperf (pinned to CPU 0) with `args`."""
    out = subprocess.run(["taskset", "-c", "0", "dnsperf", "-s", addr, "-p", str(port), "-d", str(queries)] + args,
                         capture_output=True, text=True, check=True, timeout=300).stdout
    return parse_dnsperf(out)


def cached_qps(proc, addr, port, queries, seconds):
    """dnsperf replaying `queries` (all cached) for `seconds` after a 1 s
    warm-up: (QPS, server CPU µs per answer, lost)."""
    args = ["-c", "4", "-q", "200", "-T", "2", "-l"]
    dnsperf(addr, port, queries, args + ["1"])
    before = cpu_seconds(proc.pid)
    qps, completed, lost = dnsperf(addr, port, queries, args + [str(seconds)])
    return qps, (cpu_seconds(proc.pid) - before) / max(completed, 1) * 1e6, lost


def median_p95_ms(seconds):
    """The median and 95th percentile of latencies in seconds, in ms."""
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1e3, ordered[int(len(ordered) * 0.95) - 1] * 1e3


def timed_query(addr, port, name, ad=False, timeout=5.0):
    """(seconds from send to answer, the response's flags) for `name` A,
    RD set (and AD, asking for it, with `ad`)."""
    _, q = dns_query(name)
    if ad:
        q = q[:3] + bytes([q[3] | 0x20]) + q[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        start = time.perf_counter()
        s.sendto(q, (addr, port))
        while True:
            data, _ = s.recvfrom(4096)
            if data[:2] == q[:2]:
                return time.perf_counter() - start, struct.unpack(">H", data[2:4])[0]
    finally:
        s.close()
