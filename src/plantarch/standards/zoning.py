"""Where an endpoint sits: zone subnets matched by longest prefix, and what a flow end is."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from plantarch.errors import InputError
from plantarch.model import Zone

ZonePair = tuple[str, str]
"""Two zone keys in sorted order: the unordered pair a conduit connects."""

UNTRUSTED_ROLES = frozenset({"internet", "vendor"})
DMZ_LEVEL = 3.5


def zone_pair(a: str, b: str) -> ZonePair:
    """The unordered pair of two zone keys."""
    return (a, b) if a <= b else (b, a)


@dataclass(slots=True, frozen=True)
class Endpoint:
    """A system or asset as a flow end: where it sits (zone, Purdue level) and what it is (roles)."""

    key: str
    kind: str
    zone: str | None
    """The one zone it belongs to; none when unknown or ambiguous."""
    zones: frozenset[str]
    """Every zone it has a foot in (declared, subnets of its addresses, its assets' zones)."""
    level: float | None
    roles: frozenset[str]
    """Its system kind; for an asset, the asset kind and the kinds of the systems it runs."""


class SubnetIndex:
    """Longest-prefix match of an address to the zone whose subnet holds it."""

    def __init__(self, zones: Iterable[Zone]) -> None:
        self._tables: dict[tuple[int, int], dict[int, str]] = {}
        self.networks: dict[str, list[ipaddress.IPv4Network | ipaddress.IPv6Network]] = {}
        for zone in zones:
            nets = []
            for cidr in zone.subnets:
                try:
                    net = ipaddress.ip_network(cidr, strict=False)
                except ValueError:
                    raise InputError(
                        f"zone '{zone.key}': '{cidr}' is not a subnet (expected CIDR like 10.1.2.0/24)",
                        field="subnets",
                    ) from None
                nets.append(net)
                self._tables.setdefault((net.version, net.prefixlen), {})[int(net.network_address)] = zone.key
            self.networks[zone.key] = nets
        # Longest prefix first, so a /24 inside a 0.0.0.0/0 "internet" zone wins.
        self._order = sorted(self._tables, key=lambda vp: -vp[1])

    def zone_of(self, ip: str) -> str | None:
        """The zone of the most specific subnet holding `ip`, if any."""
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return None
        value, version = int(addr), addr.version
        bits = 32 if version == 4 else 128
        for v, prefix in self._order:
            if v != version:
                continue
            mask = ((1 << prefix) - 1) << (bits - prefix) if prefix else 0
            zone = self._tables[(v, prefix)].get(value & mask)
            if zone is not None:
                return zone
        return None
