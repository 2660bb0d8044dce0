"""One-run comparison on the synthetic industrial capture: plantarch vs dpkt, scapy (slice), tshark, raw read.

Every method runs in its own child process; wall time, CPU time and peak RSS come from os.wait4.

    python benchmarks/pcap/run.py [--capture benchmarks/pcap/data/industrial.pcap] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCAPY_SLICE = 20_000

PRELUDE = """
import json, sys, time
def _report(t0, c0):
    hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": hwm / 1024}))
"""

RAW_READ = (
    PRELUDE
    + """
t0, c0 = time.perf_counter(), time.process_time()
buf = bytearray(1 << 20)
with open(sys.argv[1], "rb", buffering=0) as f:
    while f.readinto(buf):
        pass
_report(t0, c0)
"""
)

PLANTARCH = (
    PRELUDE
    + """
from pathlib import Path
from plantarch.discovery.pcap.source import discover_pcap
t0, c0 = time.perf_counter(), time.process_time()
batch = discover_pcap([Path(p) for p in sys.argv[1:]])
_report(t0, c0)
print(batch.summary["packets"], len(batch.hosts), len(batch.flows), file=sys.stderr)
"""
)

DPKT = (
    PRELUDE
    + """
import dpkt
t0, c0 = time.perf_counter(), time.process_time()
flows = {}
with open(sys.argv[1], "rb") as f:
    for ts, buf in dpkt.pcap.Reader(f):
        eth = dpkt.ethernet.Ethernet(buf)
        ip = eth.data
        if isinstance(ip, (dpkt.ip.IP, dpkt.ip6.IP6)):
            l4 = ip.data
            key = (ip.src, ip.dst, ip.p, getattr(l4, "sport", 0), getattr(l4, "dport", 0))
            v = flows.get(key)
            if v is None:
                flows[key] = [1, len(buf), ts, ts]
            else:
                v[0] += 1; v[1] += len(buf); v[3] = ts
_report(t0, c0)
print(len(flows), file=sys.stderr)
"""
)

SCAPY = (
    PRELUDE
    + """
from scapy.utils import PcapReader
from scapy.layers.inet import IP, TCP, UDP
t0, c0 = time.perf_counter(), time.process_time()
flows = {}
with PcapReader(sys.argv[1]) as reader:
    for i, pkt in enumerate(reader):
        if i >= int(sys.argv[2]):
            break
        if IP in pkt:
            ip = pkt[IP]
            l4 = pkt[TCP] if TCP in pkt else (pkt[UDP] if UDP in pkt else None)
            key = (ip.src, ip.dst, ip.proto, getattr(l4, "sport", 0), getattr(l4, "dport", 0))
            flows[key] = flows.get(key, 0) + 1
_report(t0, c0)
print(len(flows), file=sys.stderr)
"""
)


def _hwm(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM")), 0.0)
    except OSError:
        return 0.0


def measure(argv: list[str]) -> dict[str, float]:
    """Run one child: its own timing when it reports one (after imports), else the whole process.

    `process_cpu` is the child's whole CPU time (user + sys, startup included) from os.wait4; peak RSS is
    the child's VmHWM (polled for programs that do not report it).
    """
    start = time.perf_counter()
    # Output goes to files: a full pipe would stall the child while we poll it.
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        proc = subprocess.Popen(argv, stdout=out_file, stderr=err_file)
        peak = 0.0
        while True:
            peak = max(peak, _hwm(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
        out_file.seek(0)
        err_file.seek(0)
        out = out_file.read().decode(errors="replace")
        err = err_file.read().decode(errors="replace")
    if status != 0:
        raise RuntimeError(f"{argv[:3]} failed: {err[-500:]}")
    result = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": peak}
    reported = [line for line in out.splitlines() if line.startswith("{")]
    if reported:
        result |= json.loads(reported[-1])
    result["process_cpu"] = usage.ru_utime + usage.ru_stime
    return result


def python(code: str, *args: str) -> list[str]:
    """argv running `code` in this interpreter under nice."""
    return ["nice", sys.executable, "-c", code, *args]


def to_pcapng(capture: Path, out: Path) -> None:
    """Write the same packets as a little-endian pcapng file (one interface, microsecond timestamps)."""
    import struct

    with capture.open("rb") as src, out.open("wb") as dst:
        head = src.read(24)
        linktype = struct.unpack_from("<I", head, 20)[0]
        shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
        dst.write(struct.pack("<II", 0x0A0D0D0A, 12 + len(shb)) + shb + struct.pack("<I", 12 + len(shb)))
        idb = struct.pack("<HHI", linktype, 0, 65535)
        dst.write(struct.pack("<II", 1, 12 + len(idb)) + idb + struct.pack("<I", 12 + len(idb)))
        while len(rec := src.read(16)) == 16:
            sec, usec, incl, orig = struct.unpack("<IIII", rec)
            frame = src.read(incl)
            ts = sec * 1_000_000 + usec
            pad = bytes((4 - incl % 4) % 4)
            body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, incl, orig) + frame + pad
            dst.write(struct.pack("<II", 6, 12 + len(body)) + body + struct.pack("<I", 12 + len(body)))


def main() -> None:
    """Run every method once (plantarch `--repeat` times, median) and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capture", type=Path, default=HERE / "data" / "industrial.pcap")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--big", type=int, default=3, help="copies concatenated for the memory check (0: skip)"
    )
    args = parser.parse_args()
    capture = args.capture
    if not capture.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(capture)], check=True)
    packets = 1_000_000
    size_mb = capture.stat().st_size / 1e6
    rows: list[tuple[str, dict[str, float], int]] = []
    rows.append(("raw read (Python readinto, 1 MiB buffer)", measure(python(RAW_READ, str(capture))), 0))
    runs = [measure(python(PLANTARCH, str(capture))) for _ in range(args.repeat)]
    best = sorted(runs, key=lambda r: r["cpu"])[len(runs) // 2]  # the median run
    rows.append((f"plantarch full discovery (median of {args.repeat})", best, packets))
    if args.big:
        big = capture.with_name(f"industrial_x{args.big}.pcap")
        if not big.exists():
            with big.open("wb") as out, capture.open("rb") as src:
                head = src.read(24)
                body = src.read()
                out.write(head)
                for _ in range(args.big):
                    out.write(body)
        rows.append(
            (f"plantarch full discovery, capture x{args.big} ({big.stat().st_size / 1e6:.0f} MB)",
             measure(python(PLANTARCH, str(big))), packets * args.big)
        )  # fmt: skip
    ng = capture.with_suffix(".pcapng")
    if not ng.exists():
        to_pcapng(capture, ng)
    rows.append(
        (f"plantarch full discovery, same packets as pcapng ({ng.stat().st_size / 1e6:.0f} MB)",
         measure(python(PLANTARCH, str(ng))), packets)
    )  # fmt: skip
    try:
        import dpkt  # noqa: F401

        rows.append(
            ("dpkt (Ethernet/IP/TCP/UDP parse + flow dict)", measure(python(DPKT, str(capture))), packets)
        )
    except ImportError:
        print("dpkt not installed: pip install dpkt", file=sys.stderr)
    try:
        import scapy  # noqa: F401

        result = measure(python(SCAPY, str(capture), str(SCAPY_SLICE)))
        rows.append((f"scapy PcapReader (first {SCAPY_SLICE:,} packets)", result, SCAPY_SLICE))
    except ImportError:
        print("scapy not installed: pip install scapy", file=sys.stderr)
    tshark = shutil.which("tshark")
    if tshark:
        rows.append(
            (
                "tshark -qz conv,ip",
                measure(["nice", tshark, "-n", "-r", str(capture), "-qz", "conv,ip"]),
                packets,
            )
        )
    print(f"capture: {capture.name}, {size_mb:.0f} MB, {packets:,} packets")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print()
    print("| method | wall s | CPU s | packets/s (per CPU s) | process CPU s (with start-up) | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for name, r, count in rows:
        rate = f"{count / r['cpu']:,.0f}" if count else "—"
        cells = [
            name,
            f"{r['wall']:.2f}",
            f"{r['cpu']:.2f}",
            rate,
            f"{r['process_cpu']:.2f}",
            f"{r['rss_mb']:.0f}",
        ]
        print("| " + " | ".join(cells) + " |")
    ours, ours_process = best["cpu"], best["process_cpu"]
    for name, r, count in rows:
        if count and not name.startswith("plantarch"):
            ratio = (r["cpu"] / count) / (ours / packets)
            whole = (r["process_cpu"] / count) / (ours_process / packets)
            print(f"plantarch is {ratio:.1f}x faster per packet than {name} ({whole:.1f}x whole process)")
    cpu_list = ", ".join(f"{r['cpu']:.2f}" for r in runs)
    print(f"plantarch CPU s of the {args.repeat} runs: {cpu_list}")


if __name__ == "__main__":
    main()
