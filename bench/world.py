"""The mini Internet of tests/data/world for the resolver benchmarks (one
authdns instance per directory on NET<last> port 53, pinned to CPU 0),
and the two resolvers started over it the same way."""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from common import pin_all_threads, stop, wait_answering

ROOT = Path(__file__).resolve().parent.parent
AUTHDNS = ROOT / "target/release/authdns"
RESOLVER = ROOT / "target/release/resolver"
# Last octet: (directory in tests/data/world, a name answered there: A, or NS for the root).
WORLD = {101: ("root", "."), 102: ("internal", "ns1.nic.internal."),
         103: ("lab", "ns1.nic.lab."), 104: ("example", "www.example.internal."),
         105: ("hoster", "www.hoster.lab."), 106: ("glueless", "www.glueless.internal."),
         107: ("lame", "ns.unrelated.lab."), 108: ("partlame", "www.partlame.internal.")}


def start_world(data, net):
    """Starts the world on `net` (e.g. "127.40.0."), its files under
    `data`; returns the processes and the root hints file."""
    source = ROOT / "tests/data/world"
    procs = []
    for last, (name, _) in WORLD.items():
        zones = data / "world" / name
        zones.mkdir(parents=True)
        for zone in (source / name).iterdir():
            (zones / zone.name).write_text(zone.read_text().replace("127.0.0.", net))
        conf = data / "world" / f"{name}.toml"
        conf.write_text("udp-workers = 1\nlog-level = \"warn\"\nrate-limit = 0\n")
        log = open(data / "world" / f"{name}.log", "w")
        procs.append(subprocess.Popen(
            ["taskset", "-c", "0", str(AUTHDNS), "--listen", f"{net}{last}:53", "--zones", str(zones),
             "--config", str(conf)], stdout=log, stderr=subprocess.STDOUT))
    hints = data / "root.hints"
    hints.write_text((source / "root.hints").read_text().replace("127.0.0.", net))
    try:
        for proc, (last, (_, probe)) in zip(procs, WORLD.items()):
            wait_answering(f"{net}{last}", probe, proc, 53, qtype=2 if probe == "." else 1)
    except RuntimeError:
        for proc in procs:
            stop(proc)
        raise
    return procs, hints


def start_resolver(kind, addr, port, hints, workdir, toml="", flags=(), unbound="",
                   probe="www.example.internal."):
    """Starts our resolver (kind "resolver": extra `toml` lines and
    `flags`) or Unbound (extra `unbound` server lines, iterator only unless
    they say otherwise) on addr:port with one thread pinned to CPU 1,
    resolving from `hints`; returns once it answers `probe`."""
    workdir.mkdir(parents=True)
    log = open(workdir / f"{kind}.log", "w")
    if kind == "resolver":
        conf = workdir / "resolver.toml"
        # The world is unsigned under a private root: validation stays off
        # (Unbound runs its iterator alone) unless `toml` sets it up.
        validation = "" if "trust-anchor" in toml else "dnssec-validation = false\n"
        # Load from one client: the per-client resolution rate is lifted.
        conf.write_text(f"udp-workers = 1\nlog-level = \"warn\"\nroot-hints = \"{hints}\"\nclient-rate-limit = 0\n"
                        f"{validation}{toml}")
        cmd = [str(RESOLVER), "--listen", f"{addr}:{port}", "--config", str(conf)] + list(flags)
    else:
        conf = workdir / "unbound.conf"
        conf.write_text(
            f"server:\n  interface: {addr}@{port}\n  port: {port}\n  do-not-query-localhost: no\n"
            f"  root-hints: \"{hints}\"\n  username: \"\"\n  chroot: \"\"\n  directory: \"{workdir}\"\n"
            f"  pidfile: \"{workdir}/unbound.pid\"\n  use-syslog: no\n  logfile: \"\"\n  verbosity: 0\n"
            "  num-threads: 1\n  access-control: 127.0.0.0/8 allow\n  module-config: \"iterator\"\n"
            "  qname-minimisation: yes\n  do-ip6: no\n  num-queries-per-thread: 4096\n"
            f"{unbound}remote-control:\n  control-enable: no\n")
        cmd = ["unbound", "-d", "-c", str(conf)]
    proc = subprocess.Popen(["taskset", "-c", "1"] + cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_answering(addr, probe, proc, port, limit=30)
    except RuntimeError:
        stop(proc)
        raise
    pin_all_threads(proc.pid, 1)
    return proc


def bench_args(doc, names, prefix):
    """The options every resolver benchmark takes (--rounds, --names,
    --seconds, --cold), after checking the binaries are built; and a fresh
    working directory."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--names", type=int, default=names)
    p.add_argument("--seconds", type=int, default=8)
    p.add_argument("--cold", type=int, default=1000)
    args = p.parse_args()
    for binary in (AUTHDNS, RESOLVER):
        if not binary.exists():
            sys.exit("build first: cargo build --release -p authdns -p resolver")
    return args, Path(tempfile.mkdtemp(prefix=prefix))
