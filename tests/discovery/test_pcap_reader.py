"""Reading captures: formats, link layers, streaming in chunks, and damaged input kept up to the damage."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pytest
from pcap_packets import (
    MAC_A,
    MAC_B,
    arp,
    ethernet,
    ipv4,
    ipv6,
    modbus_request,
    modbus_response,
    pcap_bytes,
    pcapng_bytes,
    tcp,
    tcp_session,
    udp,
    write,
)

from plantarch.discovery.pcap.flows import SAMPLES_PER_FLOW
from plantarch.discovery.pcap.source import discover_pcap, raise_if_partial, read_captures
from plantarch.errors import InputError, PartialResult

SESSION = tcp_session("10.0.0.5", "10.0.0.10", 50000, 502, [modbus_request(i) for i in range(3)],
                      [modbus_response(i) for i in range(3)])  # fmt: skip


I_AM_ISH = b"\x81\x0a\x00\x08\x01\x00\x10\x08"


def _flow(batch, protocol):  # type: ignore[no-untyped-def]
    return next(f for f in batch.flows if f.protocol == protocol)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("le.pcap", pcap_bytes(SESSION)),
        ("be.pcap", pcap_bytes(SESSION, endian=">")),
        ("ns.pcap", pcap_bytes(SESSION, nanos=True)),
        ("ng.pcapng", pcapng_bytes(SESSION)),
        ("gz.pcap.gz", gzip.compress(pcap_bytes(SESSION))),
    ],
)
def test_every_capture_format_gives_the_same_modbus_flow(tmp_path: Path, name: str, data: bytes) -> None:
    batch = discover_pcap([write(tmp_path / name, data)])
    flow = _flow(batch, "modbus")
    assert (flow.src, flow.dst, flow.transport, flow.port, flow.packets) == (
        "10.0.0.5",
        "10.0.0.10",
        "tcp",
        502,
        9,
    )
    assert flow.first_seen is not None and flow.first_seen.timestamp() == pytest.approx(1_700_000_000.0)
    assert flow.last_seen is not None and flow.last_seen.timestamp() == pytest.approx(1_700_000_000.008)
    roles = {h.ip: h.roles for h in batch.hosts}
    assert roles == {"10.0.0.5": ["modbus-master"], "10.0.0.10": ["modbus-slave"]}
    assert batch.summary["packets"] == 9 and batch.summary["damage"] == []


def test_client_and_server_come_from_the_handshake_not_the_port(tmp_path: Path) -> None:
    # The client uses source port 502 and the server listens on 40000: the SYN decides.
    frames = tcp_session("10.0.0.5", "10.0.0.10", 502, 40000, [modbus_request()], [modbus_response()])
    flow = _flow(discover_pcap([write(tmp_path / "c.pcap", pcap_bytes(frames))]), "modbus")
    assert (flow.src, flow.dst, flow.port) == ("10.0.0.5", "10.0.0.10", 40000)


def test_modbus_on_a_non_standard_port_is_found_and_noise_on_502_is_not(tmp_path: Path) -> None:
    odd = tcp_session("10.0.0.5", "10.0.0.10", 50001, 5020, [modbus_request(i) for i in range(3)],
                      [modbus_response(i) for i in range(3)])  # fmt: skip
    noise = tcp_session(
        "10.0.0.6", "10.0.0.11", 50002, 502, [b"GET / HTTP/1.1\r\n\r\n"], [b"HTTP/1.1 200 OK\r\n\r\n"]
    )
    batch = discover_pcap([write(tmp_path / "p.pcap", pcap_bytes(odd + noise))])
    by_server = {f.dst: f for f in batch.flows}
    assert (by_server["10.0.0.10"].protocol, by_server["10.0.0.10"].port) == ("modbus", 5020)
    assert by_server["10.0.0.11"].protocol is None and by_server["10.0.0.11"].port == 502


def test_vlan_qinq_ipv6_arp_and_fragments(tmp_path: Path) -> None:
    v6a, v6b = bytes.fromhex("fe80" + "00" * 12 + "0001"), bytes.fromhex("fe80" + "00" * 12 + "0002")
    frames = [
        ethernet(ipv4("10.1.0.1", "10.1.0.2", 17, udp(40000, 47808, I_AM_ISH)), 0x0800, vlans=[10]),
        ethernet(ipv4("10.1.0.3", "10.1.0.4", 6, tcp(40001, 80, flags=0x02)), 0x0800, vlans=[100, 20]),
        ethernet(ipv6(v6a, v6b, 17, udp(5353, 5353, b"\x00" * 12)), 0x86DD),
        ethernet(arp(bytes.fromhex("00a045000001"), "10.1.0.9", "10.1.0.1"), 0x0806),
        ethernet(ipv4("10.1.0.5", "10.1.0.6", 17, udp(1, 2, b"x" * 100), more=True), 0x0800),
        ethernet(ipv4("10.1.0.5", "10.1.0.6", 17, b"y" * 50, frag_offset=104), 0x0800),
    ]
    batch = discover_pcap([write(tmp_path / "l2.pcap", pcap_bytes(frames))])
    hosts = {h.ip: h for h in batch.hosts}
    assert {"10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "fe80::1", "fe80::2", "10.1.0.9"} <= set(hosts)
    assert hosts["10.1.0.9"].mac == "00:a0:45:00:00:01"
    assert hosts["10.1.0.9"].vendor is not None and "PHOENIX" in hosts["10.1.0.9"].vendor.upper()
    assert any(f.protocol == "bacnet" and f.src == "10.1.0.1" for f in batch.flows)
    assert any(f.port == 80 and f.dst == "10.1.0.4" for f in batch.flows)  # found under two VLAN tags
    assert batch.summary["ipv4_fragments"] == 1
    assert batch.summary["packets"] == 6 and batch.summary["damage"] == []


def test_layer2_protocols_have_mac_endpoints(tmp_path: Path) -> None:
    dcp = bytes.fromhex("fefe0500000000010001000400ff0000")
    frames = [
        ethernet(dcp, 0x8892, MAC_A, bytes.fromhex("010ecf000000")),
        ethernet(b"\x00" * 30, 0x88A4, MAC_B, MAC_A),
    ]
    batch = discover_pcap([write(tmp_path / "pn.pcap", pcap_bytes(frames))])
    l2 = {(f.src, f.dst, f.transport, f.port, f.protocol) for f in batch.flows}
    assert ("00:00:0c:01:01:01", "01:0e:cf:00:00:00", "ethernet", None, "profinet") in l2
    assert ("00:0e:8c:02:02:02", "00:00:0c:01:01:01", "ethernet", None, "ethercat") in l2


def test_small_chunks_give_exactly_the_same_result_as_one_chunk(shared_data: Path) -> None:
    capture = shared_data / "captures" / "plant1_mixed_mb2.pcap"
    whole = discover_pcap([capture])
    streamed = discover_pcap([capture], chunk_bytes=64 * 1024)
    assert streamed.flows == whole.flows
    assert streamed.hosts == whole.hosts


def test_memory_is_bounded_by_flows_not_packets(tmp_path: Path) -> None:
    # 20,000 packets of one flow keep at most the sampled payloads, whatever the capture size.
    frames = SESSION[:3] + [SESSION[3], SESSION[4]] * 10_000
    table, _ = read_captures([write(tmp_path / "big.pcap", pcap_bytes(frames))], chunk_bytes=256 * 1024)
    assert table.packets == 20_003
    assert len(table) == 1
    (state,) = table.flows
    assert len(state.samples) <= SAMPLES_PER_FLOW


def _truncated(tmp_path: Path) -> tuple[Path, int]:
    data = pcap_bytes(SESSION)
    cut = len(data) - 30  # inside the last record
    last_record = len(pcap_bytes(SESSION[:-1]))
    return write(tmp_path / "t.pcap", data[:cut]), last_record


def test_truncated_capture_keeps_everything_before_the_damage(tmp_path: Path) -> None:
    path, last_record = _truncated(tmp_path)
    batch = discover_pcap([path])
    assert batch.summary["packets"] == len(SESSION) - 1
    (damage,) = batch.summary["damage"]
    assert damage["offset"] == last_record and "truncated" in damage["reason"]
    assert _flow(batch, "modbus").packets == len(SESSION) - 1
    with pytest.raises(PartialResult, match=f"byte offset {last_record}"):
        raise_if_partial(batch)


def test_corrupt_record_length_is_reported_with_its_offset(tmp_path: Path) -> None:
    data = bytearray(pcap_bytes(SESSION))
    third = len(pcap_bytes(SESSION[:2]))
    struct.pack_into("<I", data, third + 8, 0x7FFFFFFF)
    batch = discover_pcap([write(tmp_path / "c.pcap", bytes(data))])
    assert batch.summary["packets"] == 2
    assert batch.summary["damage"][0]["offset"] == third
    assert "corrupt" in batch.summary["damage"][0]["reason"]


def test_unknown_link_type_is_partial_and_snaplen_cut_is_a_warning(tmp_path: Path) -> None:
    unknown = discover_pcap([write(tmp_path / "u.pcap", pcap_bytes(SESSION, linktype=147))])
    assert unknown.summary["damage"][0]["offset"] == 20
    assert "link type 147" in unknown.summary["damage"][0]["reason"]
    cut = discover_pcap([write(tmp_path / "s.pcap", pcap_bytes(SESSION, snaplen=40))])
    assert cut.summary["damage"] == [] and cut.summary["cut_packets"] == len(SESSION)
    assert any("snapshot length" in w for w in cut.warnings)


def test_a_file_that_is_not_a_capture_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a pcap or pcapng") as info:
        discover_pcap([write(tmp_path / "x.pcap", b"hello world, not a capture")])
    assert info.value.offset == 0 and info.value.exit_code == 2
