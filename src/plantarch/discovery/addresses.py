"""Network addresses and names as reconcile compares them: one spelling per MAC, IP and hostname."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

_HEX = re.compile(r"[0-9a-fA-F]")


@lru_cache(maxsize=1 << 16)
def normalize_mac(text: str) -> str | None:
    """A MAC address as lower-case colon-separated pairs, or None if the text is not one."""
    digits = "".join(ch for ch in text if _HEX.match(ch))
    stripped = re.sub(r"[\s:.\-]", "", text)
    if len(digits) != 12 or len(stripped) != 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).lower()


@lru_cache(maxsize=1 << 16)
def normalize_ip(text: str) -> str | None:
    """An IPv4/IPv6 address in its canonical spelling, or None if the text is not one."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def normalize_hostname(text: str) -> str | None:
    """A hostname in lower case without a trailing dot, or None for an address or empty text."""
    name = text.strip().rstrip(".").lower()
    if not name or normalize_ip(name) or normalize_mac(name):
        return None
    return name


@lru_cache(maxsize=1 << 16)
def is_group_address(text: str) -> bool:
    """True for an address no single device owns: multicast, broadcast or unspecified (IP or MAC)."""
    ip = normalize_ip(text)
    if ip is not None:
        address = ipaddress.ip_address(ip)
        return address.is_multicast or address.is_unspecified or ip == "255.255.255.255"
    mac = normalize_mac(text)
    return mac is not None and (int(mac[:2], 16) & 1 == 1 or mac == "00:00:00:00:00:00")


def may_be_directed_broadcast(text: str) -> bool:
    """True for an IPv4 address ending in .255: a subnet broadcast, unless a device sends from it."""
    ip = normalize_ip(text)
    return ip is not None and "." in ip and ip.endswith(".255")


def short_name(hostname: str) -> str:
    """The first label of a hostname (plc1 for plc1.plant.local)."""
    return hostname.split(".", 1)[0]


def looks_like_address(text: str) -> bool:
    """True for an IP or MAC address."""
    return normalize_ip(text) is not None or normalize_mac(text) is not None


def key_part(text: str) -> str:
    """Text made safe for a model key: letters, digits and . _ - only."""
    part = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip("-._")
    return part or "x"


def redact_url(url: str) -> str:
    """The URL without user name and password, safe to store and print."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
