"""Helpers shared by the benchmark scripts: raw queries, readiness, CPU
pinning and accounting from /proc, stopping by PID, dnsperf output."""
import os
import random
import re
import signal
import statistics
import socket
import struct
import subprocess
import time
from pathlib import Path


def dns_query(name, qtype=1):
    qid = random.randrange(65536)
    labels = [l for l in name.split(".") if l]
    wire = b"".join(bytes([len(l)]) + l.encode() for l in labels) + b"\0"
    # RD set: resolvers need it, authoritative servers ignore it.
    return qid, struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + struct.pack(">HH", qtype, 1)


def answers(addr, name, port, qtype=1, timeout=0.3):
    """True if the server answers NOERROR with at least one record."""
    qid, q = dns_query(name, qtype)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(q, (addr, port))
        data, _ = s.recvfrom(4096)
    except OSError:
        return False
    finally:
        s.close()
    _, flags, _, ancount = struct.unpack(">HHHH", data[:8])
    return flags & 0xF == 0 and ancount > 0


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
