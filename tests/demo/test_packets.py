"""The packet builder writes frames whose checksums, sequence numbers and pcap records are right."""

from __future__ import annotations

import io
import struct

from plantarch.demo.packets import (
    ACK,
    FIN,
    IPPROTO_TCP,
    PSH,
    SYN,
    Frames,
    Host,
    PcapWriter,
    TcpConversation,
    checksum,
    ipv4,
    tcp,
    udp_frame,
)


def _pseudo(src: bytes, dst: bytes, proto: int, length: int) -> bytes:
    return src + dst + struct.pack("!BBH", 0, proto, length)


def test_checksums_verify_to_zero() -> None:
    segment = tcp("10.0.0.1", "10.0.0.2", 50000, 502, seq=1, ack=2, flags=PSH | ACK, payload=b"\x00\x01abc")
    packet = ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, segment, ident=7)
    assert checksum(packet[:20]) == 0
    assert checksum(_pseudo(packet[12:16], packet[16:20], IPPROTO_TCP, len(segment)) + segment) == 0
    a, b = Host("10.0.0.1", "02:00:00:00:00:01"), Host("10.0.0.2", "02:00:00:00:00:02")
    frame = udp_frame(a, b, 123, 123, b"x")
    assert len(frame) == 60  # padded to the Ethernet minimum
    datagram = frame[34 : 34 + 9]
    assert checksum(_pseudo(frame[26:30], frame[30:34], 17, len(datagram)) + datagram) in (0, 0xFFFF)


def test_conversation_numbers_bytes_and_flags_like_tcp() -> None:
    frames = Frames()
    client = Host("10.0.0.1", "02:00:00:00:00:01", gateway_mac="02:00:00:00:00:fe")
    server = Host("10.0.1.2", "02:00:00:00:00:02", gateway_mac="02:00:00:00:00:fd")
    conv = TcpConversation(frames, client, server, 50000, 102, isn_client=100, isn_server=900)
    conv.open(1.0)
    conv.exchange(2.0, b"hello", b"world!")
    conv.close(3.0)
    segments = [(f[14 + 20 :], f) for _, _, f in frames.items]
    flags = [s[13] for s, _ in segments]
    assert flags[:3] == [SYN, SYN | ACK, ACK]
    assert flags[-3:] == [FIN | ACK, FIN | ACK, ACK]
    seq_ack = [struct.unpack("!II", s[4:12]) for s, _ in segments]
    assert seq_ack[0] == (100, 0) and seq_ack[1] == (900, 101) and seq_ack[2] == (101, 901)
    assert seq_ack[3] == (101, 901)  # request "hello"
    assert seq_ack[4] == (901, 106)  # reply acknowledges the 5 bytes
    # off-subnet: each side sends to its own gateway, from its own MAC
    assert segments[0][1][:12] == bytes.fromhex("0200000000fe020000000001")
    assert segments[1][1][:12] == bytes.fromhex("0200000000fd020000000002")


def test_pcap_writer_writes_classic_records() -> None:
    stream = io.BytesIO()
    writer = PcapWriter(stream)
    writer.write(1_700_000_000.25, b"\x00" * 60)
    data = stream.getvalue()
    magic, major, minor, _, _, snaplen, linktype = struct.unpack("<IHHiIII", data[:24])
    assert (magic, major, minor, snaplen, linktype) == (0xA1B2C3D4, 2, 4, 65535, 1)
    assert struct.unpack("<IIII", data[24:40]) == (1_700_000_000, 250_000, 60, 60)
    assert writer.packets == 1 and writer.bytes == 60 and len(data) == 100
