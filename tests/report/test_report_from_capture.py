"""A hostname planted in a capture travels discover → store → report and is shown as text, never run."""

from __future__ import annotations

import struct
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from plantarch.cli.app import app

PLANTED = "<script>alert(1)</script>"
HOST_MAC = bytes.fromhex("00155d010203")
PLC_MAC = bytes.fromhex("001b1b0a0b0c")


def _ip(text: str) -> bytes:
    return bytes(int(p) for p in text.split("."))


def _frame(src_mac: bytes, dst_mac: bytes, src: str, dst: str, proto: int, l4: bytes) -> bytes:
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, _ip(src), _ip(dst))
    return dst_mac + src_mac + b"\x08\x00" + ip + l4


def _dhcp_request(hostname: str) -> bytes:
    """A DHCP REQUEST in which the client announces `hostname` (option 12)."""
    bootp = struct.pack(
        ">BBBBIHH4s4s4s4s", 1, 1, 6, 0, 0x1234, 0, 0, _ip("10.1.0.50"), bytes(4), bytes(4), bytes(4)
    )
    bootp += HOST_MAC + bytes(10) + bytes(64) + bytes(128) + b"\x63\x82\x53\x63"
    options = b"\x35\x01\x03" + bytes([12, len(hostname)]) + hostname.encode() + b"\xff"
    payload = bootp + options
    udp = struct.pack(">HHHH", 68, 67, 8 + len(payload), 0) + payload
    return _frame(HOST_MAC, b"\xff" * 6, "10.1.0.50", "255.255.255.255", 17, udp)


def _modbus(tid: int) -> list[bytes]:
    request = struct.pack(">HHHBBHH", tid, 0, 6, 1, 3, 0, 10)
    response = struct.pack(">HHHBBB", tid, 0, 5, 1, 3, 2) + b"\x00\x2a"
    tcp_out = struct.pack(">HHIIBBHHH", 50200, 502, tid, 1, 0x50, 0x18, 8192, 0, 0) + request
    tcp_back = struct.pack(">HHIIBBHHH", 502, 50200, 1, tid, 0x50, 0x18, 8192, 0, 0) + response
    return [
        _frame(HOST_MAC, PLC_MAC, "10.1.0.50", "10.1.0.10", 6, tcp_out),
        _frame(PLC_MAC, HOST_MAC, "10.1.0.10", "10.1.0.50", 6, tcp_back),
    ]


def _pcap(frames: list[bytes]) -> bytes:
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i, frame in enumerate(frames):
        out.append(struct.pack("<IIII", 1_700_000_000 + i, 0, len(frame), len(frame)) + frame)
    return b"".join(out)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostname_from_a_capture_is_escaped_in_the_report(tmp_path: Path) -> None:
    capture = tmp_path / "line1.pcap"
    capture.write_bytes(_pcap([_dhcp_request(PLANTED), *_modbus(1), *_modbus(2)]))
    workspace = tmp_path / "ws"
    runner = CliRunner()
    found = runner.invoke(app, ["discover", "pcap", str(capture), "--workspace", str(workspace)])
    assert found.exit_code == 0, found.output
    out = tmp_path / "plant.html"
    report = runner.invoke(app, ["report", "--workspace", str(workspace), "--out", str(out)])
    assert report.exit_code == 0, report.output
    html = out.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    assert "script" not in page.tags
    assert any(PLANTED in text for text in page.text), "the planted hostname should be shown as text"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
