"""A tiny capture whose DHCP client announces a hostname carrying a script (for the escaping test)."""

from __future__ import annotations

import struct
from pathlib import Path

from plantarch.demo.packets import Host, PcapWriter, udp_frame

EVIL_HOSTNAME = "<script>document.title='pwned';window.pwned=1</script>"
"""A hostname a device could announce; the UI must show it as text and never run it."""
EVIL_IP = "10.99.0.66"
EVIL_MAC = "02:00:5e:10:99:66"


def dhcp_request(mac: str, ip: str, hostname: str) -> bytes:
    """A DHCPREQUEST (renewal from `ip`) with option 12 carrying `hostname`."""
    chaddr = bytes.fromhex(mac.replace(":", "")) + bytes(10)
    header = struct.pack(
        "!BBBBIHH4s4s4s4s", 1, 1, 6, 0, 0x1234ABCD, 0, 0, _ip(ip), bytes(4), bytes(4), bytes(4)
    )
    name = hostname.encode("latin-1")
    options = bytes([53, 1, 3, 12, len(name)]) + name + bytes([255])
    return header + chaddr + bytes(192) + b"\x63\x82\x53\x63" + options


def _ip(text: str) -> bytes:
    return bytes(int(part) for part in text.split("."))


def write_evil_capture(path: Path) -> Path:
    """Write a capture where host EVIL_IP announces EVIL_HOSTNAME over DHCP and talks Modbus."""
    client = Host(EVIL_IP, EVIL_MAC)
    server = Host("10.99.0.1", "02:00:5e:10:99:01")
    with path.open("wb") as stream:
        writer = PcapWriter(stream)
        for i in range(3):
            frame = udp_frame(client, server, 68, 67, dhcp_request(EVIL_MAC, EVIL_IP, EVIL_HOSTNAME), ident=i)
            writer.write(1_700_000_000.0 + i, frame)
    return path
