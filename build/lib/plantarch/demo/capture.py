"""The demo capture: ten minutes of the demo plant's traffic as a deterministic classic pcap.

Every declared flow that runs over IP or Ethernet appears on the wire, except the planted stale one;
a declared flow `via` a relay or middleware appears as two connections (source to via, via to target;
only the second when the via is a router inside the cell, whose other side is a 4G link). The planted
hidden flows (plantarch.demo.planted.HIDDEN_FLOWS) appear although nobody declared them. The capture
stands for the merged SPAN feeds of both sites' core switches, the DMZ and the enterprise core.
"""

from __future__ import annotations

import hashlib
import ipaddress
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from plantarch.demo import payloads as p
from plantarch.demo.packets import Frames, Host, PcapWriter, TcpConversation, ethernet, udp_frame
from plantarch.demo.plant_model import load_demo_model
from plantarch.demo.planted import HIDDEN_FLOWS, STALE_FLOW
from plantarch.model import Asset, Flow, PlantModel

CAPTURE_START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC).timestamp()
CAPTURE_SECONDS = 600.0
EXCHANGES = 5
"""Request/response exchanges per conversation, spread over the capture."""

SKIPPED_KINDS = frozenset({"io", "switch", "router", "access-point", "firewall", "sensor"})
ETHERTYPE_PROFINET = 0x8892
ETHERTYPE_POWERLINK = 0x88AB


@dataclass(frozen=True)
class Conversation:
    """One client/server pair on the wire and why it is there (a declared flow or a hidden one)."""

    reason: str
    client: Host
    server: Host
    transport: str
    port: int | None
    protocol: str | None
    encrypted: bool = False
    subscriber: bool = False


@dataclass
class CaptureSummary:
    """What write_demo_capture wrote."""

    path: Path
    packets: int
    bytes: int
    conversations: int
    declared_flows: list[str] = field(default_factory=list)
    hidden_flows: list[str] = field(default_factory=list)


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _subnet(ip: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(f"{ip}/24", strict=False)


class _Hosts:
    """IP/MAC/gateway of every asset, and which assets stand for a system on the wire."""

    def __init__(self, model: PlantModel) -> None:
        self.model = model
        self.assets: dict[str, Asset] = {a.key: a for a in model.assets}
        self.gateways: dict[ipaddress.IPv4Network, str] = {}
        for asset in model.assets:
            if asset.kind == "firewall":
                for ip, mac in zip(asset.ips, asset.macs, strict=False):
                    self.gateways.setdefault(_subnet(ip), mac)
        self.by_system: dict[str, list[Asset]] = {}
        for asset in sorted(model.assets, key=lambda a: a.key):
            for system in asset.systems:
                self.by_system.setdefault(system, []).append(asset)

    def host(self, ip: str, mac: str | None = None) -> Host:
        """A Host for an address, with the MAC of the asset holding it (or a made-up one)."""
        if mac is None:
            for asset in self.assets.values():
                if ip in asset.ips:
                    index = asset.ips.index(ip)
                    mac = asset.macs[index] if index < len(asset.macs) else None
                    break
        octets = bytes(int(part) for part in ip.split("."))
        mac = mac or "02:00:" + ":".join(f"{b:02x}" for b in octets)
        net = _subnet(ip)
        gateway = self.gateways.get(net) or "00:1b:54:fe:" + ":".join(f"{b:02x}" for b in octets[1:3])
        return Host(ip, mac, gateway)

    def endpoints(self, key: str, *, flow: str) -> list[Host]:
        """The hosts a flow endpoint (system or asset key) stands for on the wire.

        A system's servers share its flows (one server per flow, in turn); its controllers, clients
        and devices each hold their own conversation.
        """
        if key in self.assets:
            asset = self.assets[key]
            return [self.host(asset.ips[0])] if asset.ips else []
        candidates = [a for a in self.by_system.get(key, []) if a.ips and a.kind not in SKIPPED_KINDS]
        if not candidates:
            candidates = [a for a in self.by_system.get(key, []) if a.ips and a.kind == "sensor"]
        servers = [a for a in candidates if a.kind == "server"]
        if servers:
            chosen = [servers[_digest(flow) % len(servers)]]
        else:
            controllers = [a for a in candidates if a.kind == "plc"]
            chosen = controllers or candidates
        return [self.host(a.ips[0]) for a in chosen]


def _legs(flow: Flow, hosts: _Hosts) -> list[tuple[str, str]]:
    if flow.via is None:
        return [(flow.source, flow.target)]
    via_asset = hosts.assets.get(flow.via)
    if via_asset is not None and via_asset.kind == "router":
        return [(flow.via, flow.target)]  # the vendor side runs over the router's 4G link
    return [(flow.source, flow.via), (flow.via, flow.target)]


def demo_conversations(model: PlantModel) -> list[Conversation]:
    """Every conversation of the demo capture, declared flows first, then the hidden ones."""
    hosts = _Hosts(model)
    conversations: list[Conversation] = []
    for flow in sorted(model.flows, key=lambda f: f.key):
        if flow.key == STALE_FLOW or flow.transport not in ("tcp", "udp", "ethernet"):
            continue
        subscriber = flow.protocol == "mqtt" and flow.direction == "bidirectional"
        for source, target in _legs(flow, hosts):
            for client in hosts.endpoints(source, flow=flow.key):
                for server in hosts.endpoints(target, flow=flow.key):
                    if client.ip != server.ip:
                        conversations.append(
                            Conversation(
                                flow.key,
                                client,
                                server,
                                flow.transport or "tcp",
                                flow.port,
                                flow.protocol,
                                bool(flow.encrypted),
                                subscriber,
                            )
                        )
    for hidden in HIDDEN_FLOWS:
        conversations.append(
            Conversation(
                hidden.key,
                hosts.host(hidden.src_ip, "f8:bc:12:de:ad:01" if hidden.src is None else None),
                hosts.host(hidden.dst_ip),
                hidden.transport,
                hidden.port,
                hidden.protocol,
                hidden.protocol == "https",
            )
        )
    return conversations


# ---------------------------------------------------------------- protocol players

Player = Callable[[TcpConversation, float, Conversation, int], None]


def _times(start: float, seed: int) -> list[float]:
    step = CAPTURE_SECONDS / (EXCHANGES + 1)
    return [start + (i + 1) * step + (seed % 997) / 1000 for i in range(EXCHANGES)]


def _modbus(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    for n, at in enumerate(_times(start, seed)):
        tcp.exchange(
            at, p.modbus_read_request(n + 1, 1, 3000, 10), p.modbus_read_response(n + 1, 1, [230 + n] * 10)
        )


def _s7comm(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    tcp.exchange(start + 0.01, p.cotp_connect_request(0x0001), p.cotp_connect_confirm(0x0001, 0x4431))
    tcp.exchange(start + 0.02, p.s7_setup_communication(1), p.s7_setup_communication(1, response=True))
    for n, at in enumerate(_times(start, seed)):
        counter = struct.pack(">IH", 1_000_000 + 400 * n, 1)
        tcp.exchange(at, p.s7_read_db_request(n + 2, 100, 0, 6), p.s7_read_db_response(n + 2, counter))


def _enip(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    tcp.exchange(
        start + 0.01,
        p.enip_list_identity_request(),
        p.enip_list_identity_response(conv.server.ip, "1756-L83E/B", serial=0x60C00000 + seed % 0xFFFF),
    )
    session = 0x1000 + seed % 0xFFFF
    tcp.exchange(start + 0.02, p.enip_register_session(), p.enip_register_session(session))
    for n, at in enumerate(_times(start, seed)):
        tcp.exchange(
            at,
            p.enip_read_tag_request(session, "Line.GoodCount", n + 1),
            p.enip_read_tag_response(session, 52_000 + n * 40, n + 1),
        )


def _opcua(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    policy = "Basic256Sha256" if conv.encrypted else "None"
    tcp.exchange(
        start + 0.01, p.opcua_hello(f"opc.tcp://{conv.server.ip}:{conv.port}"), p.opcua_acknowledge()
    )
    token = p.tls_application_data(f"{seed}:opn", 64)[5:]
    tcp.exchange(
        start + 0.02,
        p.opcua_open_secure_channel(0, f"http://opcfoundation.org/UA/SecurityPolicy#{policy}", token),
        p.opcua_open_secure_channel(
            seed % 1000 + 1, f"http://opcfoundation.org/UA/SecurityPolicy#{policy}", token
        ),
    )
    for n, at in enumerate(_times(start, seed)):
        body = p.tls_application_data(f"{seed}:{n}", 80)[5:]
        tcp.exchange(
            at,
            p.opcua_message(seed % 1000 + 1, 1, 2 * n + 2, body),
            p.opcua_message(seed % 1000 + 1, 1, 2 * n + 3, body),
        )


def _mqtt(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    topic = f"riverside/{conv.reason.split('-to-')[0]}/line/state"
    if conv.encrypted:
        tcp.exchange(
            start + 0.01,
            p.tls_client_hello("uns.riverside.example", str(seed)),
            p.tls_server_hello(str(seed)),
        )
        tcp.exchange(
            start + 0.02, p.tls_application_data(f"{seed}:c", 48), p.tls_application_data(f"{seed}:a", 4)
        )
        for n, at in enumerate(_times(start, seed)):
            tcp.push(at, p.tls_application_data(f"{seed}:{n}", 120), from_client=not conv.subscriber)
        return
    tcp.exchange(start + 0.01, p.mqtt_connect(f"{conv.reason}-{seed % 100}", "plant"), p.mqtt_connack())
    if conv.subscriber:
        tcp.exchange(start + 0.02, p.mqtt_subscribe(1, "spBv1.0/millbrook/#"), p.mqtt_suback(1))
    for n, at in enumerate(_times(start, seed)):
        payload = f'{{"good":{4_000 + 25 * n},"state":"running"}}'.encode()
        tcp.push(at, p.mqtt_publish(topic, payload), from_client=not conv.subscriber)


def _tls(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    tcp.exchange(
        start + 0.01,
        p.tls_client_hello(f"host-{conv.server.ip.replace('.', '-')}.example", str(seed)),
        p.tls_server_hello(str(seed)),
    )
    for n, at in enumerate(_times(start, seed)):
        tcp.exchange(
            at, p.tls_application_data(f"{seed}:q{n}", 220), p.tls_application_data(f"{seed}:r{n}", 900)
        )


def _rdp(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    tcp.exchange(start + 0.01, p.rdp_connection_request("engineer"), p.rdp_connection_confirm())
    _tls(tcp, start + 0.02, conv, seed)


def _mssql(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    tcp.exchange(start + 0.01, p.tds_prelogin(), p.tds_prelogin(response=True))
    for n, at in enumerate(_times(start, seed)):
        query = (
            "SELECT sample_id, result, status FROM lims.results WHERE changed > DATEADD(minute,-5,GETDATE())"
        )
        tcp.exchange(at, p.tds_sql_batch(query), p.tds_response(3 + n))


def _smb(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    tcp.exchange(start + 0.01, p.smb2_negotiate(), p.smb2_negotiate())
    for n, at in enumerate(_times(start, seed)):
        tcp.exchange(
            at,
            p.tls_application_data(f"{seed}:s{n}", 160)[5:],
            p.tls_application_data(f"{seed}:t{n}", 1200)[5:],
        )


def _opaque(build: Callable[[str], bytes]) -> Player:
    def play(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
        for n, at in enumerate(_times(start, seed)):
            tcp.exchange(at, build(f"{seed}:q{n}"), build(f"{seed}:r{n}"))

    return play


def _zpl(tcp: TcpConversation, start: float, conv: Conversation, seed: int) -> None:
    for n, at in enumerate(_times(start, seed)):
        tcp.exchange(at, p.zpl_label(f"00340012345{seed % 100000:05d}{n:02d}"))


TCP_PLAYERS: dict[str, Player] = {
    "modbus": _modbus,
    "s7comm": _s7comm,
    "enip": _enip,
    "opcua": _opcua,
    "mqtt": _mqtt,
    "https": _tls,
    "rdp": _rdp,
    "mssql": _mssql,
    "smb": _smb,
    "zpl": _zpl,
    "sap-rfc": _opaque(p.sap_rfc_hello),
    "sap-diag": _opaque(p.sap_rfc_hello),
    "pi-net": _opaque(p.pi_net_frame),
    "teamviewer": _opaque(p.teamviewer_frame),
    "ldaps": _tls,
}
"""How each protocol's TCP conversation is played; unknown protocols get opaque TLS-like records."""


def _play_udp(frames: Frames, conv: Conversation, start: float, seed: int) -> None:
    sport = conv.port if conv.protocol in ("bacnet", "enip") else 49152 + seed % 16000
    port = conv.port or 0
    for n, at in enumerate(_times(start, seed)):
        if conv.protocol == "ntp":
            request, response = p.ntp_request(at), p.ntp_response(at)
        elif conv.protocol == "bacnet":
            request, response = (
                p.bacnet_read_property(n, n + 1),
                p.bacnet_read_property_ack(n, n + 1, 21.5 + n / 10),
            )
        else:  # EtherNet/IP class-1 I/O: both sides produce cyclically
            request = p.cip_io(0x1000 + seed % 0xFFFF, n, struct.pack("<HH", 1500 + n, 1))
            response = p.cip_io(0x2000 + seed % 0xFFFF, n, struct.pack("<HH", 1498 + n, 0x0F))
        frames.add(at, udp_frame(conv.client, conv.server, sport or 0, port, request, ident=n))
        frames.add(at + 0.0003, udp_frame(conv.server, conv.client, port, sport or 0, response, ident=n + 1))


def _play_layer2(frames: Frames, conv: Conversation, start: float, seed: int) -> None:
    for n, at in enumerate(_times(start, seed)):
        for step in range(4):  # a burst of cyclic frames both ways, 4 ms apart
            t = at + step * 0.004
            cycle = (n * 4 + step) * 128
            if conv.protocol == "powerlink":  # SoC (multicast), PReq to the node, PRes from it
                pl = ETHERTYPE_POWERLINK
                frames.add(t, ethernet(p.POWERLINK_SOC_MAC, conv.client.mac, pl, p.powerlink_soc(cycle)))
                frames.add(t + 0.0001, ethernet(conv.server.mac, conv.client.mac, pl, p.powerlink_preq(1)))
                frames.add(
                    t + 0.0002, ethernet(p.POWERLINK_PRES_MAC, conv.server.mac, pl, p.powerlink_pres(1))
                )
                continue
            data = p.profinet_rt(cycle)
            frames.add(t, ethernet(conv.server.mac, conv.client.mac, ETHERTYPE_PROFINET, data))
            frames.add(t + 0.0002, ethernet(conv.client.mac, conv.server.mac, ETHERTYPE_PROFINET, data))


def write_demo_capture(path: Path, model: PlantModel | None = None) -> CaptureSummary:
    """Write the demo plant's capture (classic libpcap, deterministic) and say what it holds."""
    model = model or load_demo_model()
    frames = Frames()
    conversations = demo_conversations(model)
    for index, conv in enumerate(conversations):
        seed = _digest(f"{conv.reason}:{conv.client.ip}:{conv.server.ip}:{index}")
        start = CAPTURE_START + (seed % 40_000) / 1000
        if conv.transport == "ethernet":
            _play_layer2(frames, conv, start, seed)
        elif conv.transport == "udp":
            _play_udp(frames, conv, start, seed)
        else:
            tcp = TcpConversation(
                frames,
                conv.client,
                conv.server,
                49152 + seed % 16000,
                conv.port or 0,
                isn_client=seed & 0xFFFFFFFF,
                isn_server=(seed >> 32) & 0xFFFFFFFF,
            )
            tcp.open(start)
            player = TCP_PLAYERS.get(conv.protocol or "", _opaque(lambda s: p.tls_application_data(s, 64)))
            player(tcp, start, conv, seed)
            tcp.close(start + CAPTURE_SECONDS - 5)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        writer = PcapWriter(stream)
        frames.write(writer)
    hidden = {h.key for h in HIDDEN_FLOWS}
    reasons = sorted({c.reason for c in conversations})
    return CaptureSummary(
        path,
        writer.packets,
        writer.bytes,
        len(conversations),
        [r for r in reasons if r not in hidden],
        [r for r in reasons if r in hidden],
    )
