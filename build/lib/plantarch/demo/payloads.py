"""Realistic application payloads for synthetic captures: industrial and IT protocols.

Each function returns the bytes a real client or server puts on the wire for one message, framed as
the protocol specifies (lengths that add up, valid function codes), so dissectors such as Wireshark
and plantarch's own protocol identification recognise them.
"""

from __future__ import annotations

import hashlib
import struct

# ---------------------------------------------------------------- Modbus/TCP


def modbus_read_request(transaction: int, unit: int, address: int, count: int) -> bytes:
    """Modbus/TCP Read Holding Registers (function 3) request."""
    return struct.pack(">HHHBBHH", transaction & 0xFFFF, 0, 6, unit, 3, address, count)


def modbus_read_response(transaction: int, unit: int, values: list[int]) -> bytes:
    """Modbus/TCP Read Holding Registers response carrying `values`."""
    data = b"".join(struct.pack(">H", v & 0xFFFF) for v in values)
    return struct.pack(">HHHBBB", transaction & 0xFFFF, 0, 3 + len(data), unit, 3, len(data)) + data


# ---------------------------------------------------------------- S7comm (ISO-on-TCP)


def _tpkt(payload: bytes) -> bytes:
    return struct.pack(">BBH", 3, 0, 4 + len(payload)) + payload


def cotp_connect_request(src_ref: int, rack: int = 0, slot: int = 1) -> bytes:
    """TPKT + COTP connection request towards an S7 CPU (TSAP 0x0100 -> 0x01xx)."""
    params = b"\xc1\x02\x01\x00" + b"\xc2\x02" + bytes([0x01, (rack << 5) | slot]) + b"\xc0\x01\x0a"
    cotp = bytes([6 + len(params), 0xE0]) + struct.pack(">HHB", 0, src_ref, 0) + params
    return _tpkt(cotp)


def cotp_connect_confirm(src_ref: int, dst_ref: int, rack: int = 0, slot: int = 1) -> bytes:
    """TPKT + COTP connection confirm from the CPU."""
    params = b"\xc1\x02\x01\x00" + b"\xc2\x02" + bytes([0x01, (rack << 5) | slot]) + b"\xc0\x01\x0a"
    cotp = bytes([6 + len(params), 0xD0]) + struct.pack(">HHB", dst_ref, src_ref, 0) + params
    return _tpkt(cotp)


def _s7(rosctr: int, pdu_ref: int, params: bytes, data: bytes = b"", error: bool = False) -> bytes:
    header = struct.pack(">BBHHHH", 0x32, rosctr, 0, pdu_ref, len(params), len(data))
    if error:
        header += b"\x00\x00"
    return _tpkt(b"\x02\xf0\x80" + header + params + data)


def s7_setup_communication(pdu_ref: int, *, response: bool = False) -> bytes:
    """S7comm Setup Communication job (or its ack-data answer), PDU size 480."""
    params = struct.pack(">BBHHH", 0xF0, 0, 1, 1, 480)
    return _s7(3 if response else 1, pdu_ref, params, error=response)


def s7_read_db_request(pdu_ref: int, db: int, start: int, length: int) -> bytes:
    """S7comm Read Var job for `length` bytes of data block `db` from byte `start`."""
    item = struct.pack(">BBBHHB", 0x12, 0x0A, 0x10, 2, length, 0) + struct.pack(">H", db)
    item += bytes([0x84]) + (start * 8).to_bytes(3, "big")
    return _s7(1, pdu_ref, b"\x04\x01" + item)


def s7_read_db_response(pdu_ref: int, data: bytes) -> bytes:
    """S7comm Read Var ack-data carrying `data`."""
    item = struct.pack(">BBH", 0xFF, 0x04, len(data) * 8) + data
    return _s7(3, pdu_ref, b"\x04\x01", item, error=True)


# ---------------------------------------------------------------- EtherNet/IP and CIP


def _encap(command: int, session: int, data: bytes, context: int = 0) -> bytes:
    return struct.pack("<HHII8sI", command, len(data), session, 0, context.to_bytes(8, "little"), 0) + data


def enip_list_identity_request() -> bytes:
    """EtherNet/IP ListIdentity request (command 0x63)."""
    return _encap(0x63, 0, b"")


def enip_list_identity_response(
    ip: str,
    product_name: str,
    *,
    vendor: int = 1,
    product_code: int = 0x00A6,
    serial: int = 0x60C0FFEE,
    revision: tuple[int, int] = (33, 11),
) -> bytes:
    """EtherNet/IP ListIdentity response announcing a CIP device (vendor 1 = Rockwell Automation)."""
    name = product_name.encode("ascii")
    octets = bytes(int(part) for part in ip.split("."))
    socket = struct.pack(">hH4s8s", 2, 44818, octets, b"\x00" * 8)
    item = (
        struct.pack("<H", 1)
        + socket
        + struct.pack("<HHHBBHI", vendor, 0x0E, product_code, revision[0], revision[1], 0x0060, serial)
        + bytes([len(name)])
        + name
        + b"\x03"
    )
    cpf = struct.pack("<HHH", 1, 0x0C, len(item)) + item
    return _encap(0x63, 0, cpf)


def enip_register_session(session: int = 0) -> bytes:
    """EtherNet/IP RegisterSession (request when session is 0, reply otherwise)."""
    return _encap(0x65, session, struct.pack("<HH", 1, 0))


def enip_read_tag_request(session: int, tag: str, context: int) -> bytes:
    """SendRRData carrying an unconnected CIP Read Tag service (0x4C) for a symbolic tag."""
    symbol = tag.encode("ascii")
    padded = symbol + (b"\x00" if len(symbol) % 2 else b"")
    path = bytes([0x91, len(symbol)]) + padded
    cip = bytes([0x4C, len(path) // 2]) + path + struct.pack("<H", 1)
    cpf = struct.pack("<IHH", 0, 0, 2) + struct.pack("<HH", 0, 0) + struct.pack("<HH", 0xB2, len(cip)) + cip
    return _encap(0x6F, session, cpf, context)


def enip_read_tag_response(session: int, value: int, context: int) -> bytes:
    """SendRRData reply with a CIP Read Tag success carrying one DINT."""
    cip = bytes([0xCC, 0, 0, 0]) + struct.pack("<Hi", 0xC4, value)
    cpf = struct.pack("<IHH", 0, 0, 2) + struct.pack("<HH", 0, 0) + struct.pack("<HH", 0xB2, len(cip)) + cip
    return _encap(0x6F, session, cpf, context)


def cip_io(connection_id: int, sequence: int, data: bytes) -> bytes:
    """EtherNet/IP class-1 implicit I/O datagram (UDP 2222): sequenced address item + connected data."""
    address = struct.pack("<HHHII", 2, 0x8002, 8, connection_id, sequence)
    payload = struct.pack("<H", sequence & 0xFFFF) + data
    return address + struct.pack("<HH", 0x00B1, len(payload)) + payload


# ---------------------------------------------------------------- OPC UA binary


def _ua(message: bytes, kind: bytes, body: bytes) -> bytes:
    return message + kind + struct.pack("<I", 8 + len(body)) + body


def opcua_hello(endpoint: str) -> bytes:
    """OPC UA HEL message opening a binary connection to `endpoint`."""
    url = endpoint.encode()
    body = struct.pack("<IIIII", 0, 65535, 65535, 0, 0) + struct.pack("<i", len(url)) + url
    return _ua(b"HEL", b"F", body)


def opcua_acknowledge() -> bytes:
    """OPC UA ACK answering a HEL."""
    return _ua(b"ACK", b"F", struct.pack("<IIIII", 0, 65535, 65535, 0, 0))


def opcua_open_secure_channel(channel: int, policy: str, token: bytes) -> bytes:
    """OPC UA OPN message (asymmetric header with the security policy URI, then an opaque body)."""
    uri = policy.encode()
    header = struct.pack("<I", channel) + struct.pack("<i", len(uri)) + uri + struct.pack("<ii", -1, -1)
    return _ua(b"OPN", b"F", header + struct.pack("<II", 1, 1) + token)


def opcua_message(channel: int, token_id: int, sequence: int, body: bytes) -> bytes:
    """OPC UA MSG chunk (symmetric header and sequence header, then the (encrypted) body)."""
    return _ua(b"MSG", b"F", struct.pack("<IIII", channel, token_id, sequence, sequence) + body)


# ---------------------------------------------------------------- MQTT 3.1.1


def _remaining_length(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _utf8(text: str) -> bytes:
    data = text.encode()
    return struct.pack(">H", len(data)) + data


def mqtt_connect(client_id: str, username: str | None = None) -> bytes:
    """MQTT CONNECT (protocol level 4, clean session, keep-alive 60 s)."""
    flags = 0x02 | (0x80 if username else 0)
    body = _utf8("MQTT") + bytes([4, flags]) + struct.pack(">H", 60) + _utf8(client_id)
    if username:
        body += _utf8(username)
    return bytes([0x10]) + _remaining_length(len(body)) + body


def mqtt_connack() -> bytes:
    """MQTT CONNACK accepting the connection."""
    return b"\x20\x02\x00\x00"


def mqtt_publish(topic: str, payload: bytes) -> bytes:
    """MQTT PUBLISH at QoS 0."""
    body = _utf8(topic) + payload
    return bytes([0x30]) + _remaining_length(len(body)) + body


def mqtt_subscribe(packet_id: int, topic_filter: str) -> bytes:
    """MQTT SUBSCRIBE to one topic filter at QoS 0."""
    body = struct.pack(">H", packet_id) + _utf8(topic_filter) + b"\x00"
    return bytes([0x82]) + _remaining_length(len(body)) + body


def mqtt_suback(packet_id: int) -> bytes:
    """MQTT SUBACK granting QoS 0."""
    return b"\x90\x03" + struct.pack(">H", packet_id) + b"\x00"


# ---------------------------------------------------------------- TLS (HTTPS, MQTT over TLS, RDP/TLS...)


def _opaque(seed: str, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return out[:length]


def tls_client_hello(server_name: str, seed: str) -> bytes:
    """A TLS 1.2-framed ClientHello with an SNI extension (record type 22)."""
    sni = server_name.encode()
    sni_ext = struct.pack(">HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni
    versions = struct.pack(">HHBH", 43, 3, 2, 0x0304)
    extensions = sni_ext + versions
    suites = struct.pack(">HHHH", 6, 0x1301, 0x1302, 0xC02F)
    body = b"\x03\x03" + _opaque(seed, 32) + b"\x00" + suites + b"\x01\x00"
    body += struct.pack(">H", len(extensions)) + extensions
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack(">H", len(handshake)) + handshake


def tls_server_hello(seed: str) -> bytes:
    """A TLS ServerHello (TLS 1.3 via supported_versions) followed by ChangeCipherSpec."""
    extensions = struct.pack(">HHH", 43, 2, 0x0304)
    body = b"\x03\x03" + _opaque(seed, 32) + b"\x00" + struct.pack(">H", 0x1301) + b"\x00"
    body += struct.pack(">H", len(extensions)) + extensions
    handshake = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + struct.pack(">H", len(handshake)) + handshake + b"\x14\x03\x03\x00\x01\x01"


def tls_application_data(seed: str, length: int) -> bytes:
    """A TLS application-data record of `length` opaque (encrypted-looking) bytes."""
    return b"\x17\x03\x03" + struct.pack(">H", length) + _opaque(seed, length)


# ---------------------------------------------------------------- Microsoft SQL Server (TDS)


def tds_prelogin(*, response: bool = False) -> bytes:
    """TDS PRELOGIN (type 0x12; the server's answer is type 0x04) with VERSION and ENCRYPTION=off."""
    options = struct.pack(">BHH", 0, 11, 6) + struct.pack(">BHH", 1, 17, 1) + b"\xff"
    data = options + bytes([16, 0, 0x07, 0xD0, 0, 0]) + b"\x02"
    return struct.pack(">BBHHBB", 0x04 if response else 0x12, 1, 8 + len(data), 0, 1, 0) + data


def tds_sql_batch(query: str) -> bytes:
    """TDS SQL batch (type 0x01) carrying `query` in UTF-16LE, with the ALL_HEADERS prefix."""
    headers = struct.pack("<IIHQI", 22, 18, 2, 0, 1)
    data = headers + query.encode("utf-16-le")
    return struct.pack(">BBHHBB", 0x01, 1, 8 + len(data), 0, 1, 0) + data


def tds_response(rows: int) -> bytes:
    """TDS tabular result (type 0x04) ending in a DONE token with a row count."""
    done = struct.pack("<BHHQ", 0xFD, 0x10, 0xC1, rows)
    return struct.pack(">BBHHBB", 0x04, 1, 8 + len(done), 0, 1, 0) + done


# ---------------------------------------------------------------- SMB2, RDP, NTP, BACnet, others


def smb2_negotiate() -> bytes:
    """NetBIOS session + SMB2 NEGOTIATE request offering dialects 2.1 to 3.1.1."""
    header = b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ16s", 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b"\x00" * 16)
    dialects = (0x0210, 0x0300, 0x0302, 0x0311)
    body = struct.pack("<HHHHI16sIHH", 36, len(dialects), 1, 0, 0x7F, b"\x00" * 16, 0, 0, 0)
    body += b"".join(struct.pack("<H", d) for d in dialects)
    message = header + body
    return b"\x00" + len(message).to_bytes(3, "big") + message


def rdp_connection_request(cookie: str) -> bytes:
    """TPKT + X.224 connection request with an RDP cookie and a TLS/CredSSP negotiation request."""
    text = f"Cookie: mstshash={cookie}\r\n".encode()
    negotiation = struct.pack("<BBHI", 1, 0, 8, 0x03)
    x224 = bytes([6 + len(text) + len(negotiation), 0xE0]) + struct.pack(">HHB", 0, 0, 0) + text + negotiation
    return _tpkt(x224)


def rdp_connection_confirm() -> bytes:
    """TPKT + X.224 connection confirm selecting CredSSP."""
    negotiation = struct.pack("<BBHI", 2, 0, 8, 0x02)
    return _tpkt(bytes([6 + len(negotiation), 0xD0]) + struct.pack(">HHB", 0, 0x1234, 0) + negotiation)


def ntp_request(transmit: float) -> bytes:
    """NTPv4 client request."""
    seconds = int(transmit) + 2_208_988_800
    return bytes([0x23, 0, 6, 0xEC]) + b"\x00" * 36 + struct.pack(">II", seconds, 0)


def ntp_response(transmit: float) -> bytes:
    """NTPv4 server response from a stratum-1 (GPS) clock."""
    seconds = int(transmit) + 2_208_988_800
    stamp = struct.pack(">II", seconds, 0x80000000)
    return bytes([0x24, 1, 6, 0xE9]) + struct.pack(">II", 0, 16) + b"GPS\x00" + stamp * 4


def bacnet_read_property(invoke_id: int, instance: int) -> bytes:
    """BACnet/IP (BVLC unicast) ReadProperty present-value of analog-input `instance`."""
    apdu = (
        bytes([0x00, 0x05, invoke_id & 0xFF, 0x0C, 0x0C])
        + struct.pack(">I", instance & 0x3FFFFF)
        + b"\x19\x55"
    )
    npdu = b"\x01\x04"
    return struct.pack(">BBH", 0x81, 0x0A, 4 + len(npdu) + len(apdu)) + npdu + apdu


def bacnet_read_property_ack(invoke_id: int, instance: int, value: float) -> bytes:
    """BACnet/IP ComplexAck answering ReadProperty with a REAL present-value."""
    apdu = bytes([0x30, invoke_id & 0xFF, 0x0C, 0x0C]) + struct.pack(">I", instance & 0x3FFFFF)
    apdu += b"\x19\x55\x3e\x44" + struct.pack(">f", value) + b"\x3f"
    npdu = b"\x01\x00"
    return struct.pack(">BBH", 0x81, 0x0A, 4 + len(npdu) + len(apdu)) + npdu + apdu


def zpl_label(text: str) -> bytes:
    """A Zebra ZPL II label job (raw TCP 9100)."""
    return f"^XA^FO50,50^A0N,40,40^FD{text}^FS^BY3^FO50,120^BCN,100,Y,N,N^FD{text}^FS^XZ".encode()


def sap_rfc_hello(seed: str) -> bytes:
    """An opaque SAP RFC / DIAG frame (length-prefixed)."""
    body = _opaque(seed, 96)
    return struct.pack(">I", len(body)) + body


def teamviewer_frame(seed: str) -> bytes:
    """An opaque TeamViewer frame (magic 0x17 0x24 and a command byte)."""
    return b"\x17\x24\x0a" + _opaque(seed, 61)


def pi_net_frame(seed: str) -> bytes:
    """An opaque PI network manager (pinet) frame."""
    body = _opaque(seed, 120)
    return struct.pack("<I", len(body)) + body


# ---------------------------------------------------------------- layer 2: PROFINET RT, POWERLINK

POWERLINK_SOC_MAC = "01:11:1e:00:00:01"
POWERLINK_PRES_MAC = "01:11:1e:00:00:02"


def profinet_rt(cycle: int, frame_id: int = 0x8000) -> bytes:
    """A PROFINET RT class-1 cyclic data frame body: frame id, 40 bytes of IO data, cycle counter, status."""
    return struct.pack(">H", frame_id) + bytes(range(40)) + struct.pack(">HBB", cycle & 0xFFFF, 0x35, 0)


def powerlink_soc(cycle: int) -> bytes:
    """An Ethernet POWERLINK Start of Cycle from the managing node (240) to all nodes."""
    return bytes([0x01, 0xFF, 0xF0, 0x00, 0x00]) + struct.pack("<Q", cycle) + b"\x00" * 32


def powerlink_preq(node: int) -> bytes:
    """An Ethernet POWERLINK Poll Request from the managing node to controlled node `node`."""
    return bytes([0x03, node, 0xF0, 0x00, 0x00, 0x01, 0x00, 0x00]) + struct.pack("<H", 8) + bytes(range(8))


def powerlink_pres(node: int) -> bytes:
    """An Ethernet POWERLINK Poll Response from controlled node `node` (operational) to all."""
    return bytes([0x04, 0xFF, node, 0xFD, 0x00, 0x00, 0x00, 0x00]) + struct.pack("<H", 8) + bytes(range(8))
