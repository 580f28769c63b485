"""The mini Internet of tests/data/world for the resolver benchmarks: one
authdns instance per directory on NET<last> port 53, pinned to CPU 0."""
import subprocess
from pathlib import Path

from common import stop, wait_answering

ROOT = Path(__file__).resolve().parent.parent
AUTHDNS = ROOT / "target/release/authdns"
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
        conf.write_text("udp-workers = 1\nlog-level = \"warn\"\n")
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
