"""Build nmap XML from the NSE scripts' documented output (../shared/data/nmap/*.doc.txt), in tmp dirs."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import ParseError, fromstring
from xml.sax.saxutils import quoteattr

SCRIPT_PORTS = {
    "s7-info": ("tcp", 102),
    "enip-info": ("tcp", 44818),
    "modbus-discover": ("tcp", 502),
    "bacnet-info": ("udp", 47808),
    "omron-info": ("tcp", 9600),
    "pcworx-info": ("tcp", 1962),
    "fox-info": ("tcp", 1911),
    "hartip-info": ("tcp", 5094),
}


def _section(doc: str, name: str) -> list[str]:
    lines: list[str] = []
    inside = False
    for raw in doc.splitlines():
        text = raw[2:] if raw.startswith("--") else raw
        marker = text.strip().lstrip("-")
        if marker.startswith("@"):
            inside = marker.startswith(name)
            continue
        if inside:
            lines.append(text)
    return lines


def documented_output(doc: str, script: str) -> str:
    """The @output text of the script itself (without the port line), as nmap puts in output=""."""
    lines = _section(doc, "@output")
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if re.search(rf"^\s*\|?\s*[\w.-]*{script.split('-')[0]}[\w.-]*:", line)
        ),
        None,
    )
    body = lines[start + 1 :] if start is not None else lines
    kept = []
    for line in body:
        if not line.strip().startswith("|"):
            if kept:
                break
            continue
        # nmap's output="" attribute has no '|' gutter; '|_' closes the block at the same indent
        kept.append(re.sub(r"^\s*\|(_?)", lambda m: " " if m.group(1) else "", line))
    return "\n".join(kept)


def documented_xml(doc: str) -> str | None:
    """The @xmloutput elements, or None when the documentation's XML is not well-formed."""
    lines = [line for line in _section(doc, "@xmloutput") if line.strip().startswith("<")]
    if not lines:
        return None
    text = "\n".join(line.strip() for line in lines)
    try:
        fromstring(f"<script>{text}</script>")
    except ParseError:
        return None
    return text


def script_element(shared: Path, script: str, *, structured: bool = True) -> str:
    """A <script> element with the documented text output and, if usable, its structured elements."""
    doc = (shared / "nmap" / f"{script}.doc.txt").read_text()
    output = documented_output(doc, script)
    children = documented_xml(doc) if structured else None
    return f"<script id={quoteattr(script)} output={quoteattr(output)}>{children or ''}</script>"


def nmap_xml(hosts: list[str], prescripts: list[str] = ()) -> str:  # type: ignore[assignment]
    """A complete nmaprun document around host and prescript elements."""
    pre = f"<prescript>{''.join(prescripts)}</prescript>" if prescripts else ""
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE nmaprun>\n'
        '<nmaprun scanner="nmap" start="1700000000" version="7.94" xmloutputversion="1.05">'
        f"{pre}{''.join(hosts)}</nmaprun>"
    )


def host_element(ip: str, script_xml: str, protocol: str, port: int, mac: str | None = None) -> str:
    """One up host with one open port carrying the script."""
    mac_el = f'<address addr="{mac}" addrtype="mac" vendor="Siemens"/>' if mac else ""
    return (
        f'<host starttime="1700000001" endtime="1700000009"><status state="up"/>'
        f'<address addr="{ip}" addrtype="ipv4"/>{mac_el}<hostnames/>'
        f'<ports><port protocol="{protocol}" portid="{port}"><state state="open"/>'
        f'<service name="x"/>{script_xml}</port></ports></host>'
    )
