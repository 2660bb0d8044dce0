"""Which known asset an observation is about: same application URI, MAC, hostname, or IP in time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from plantarch.discovery.addresses import normalize_hostname, normalize_ip, normalize_mac, short_name
from plantarch.model.asset import Asset
from plantarch.store.identifiers import APPLICATION_URI

__all__ = ["APPLICATION_URI", "DEFAULT_IP_WINDOW", "AssetIndex", "Identifiers", "Match"]

DEFAULT_IP_WINDOW = timedelta(days=7)
"""How far apart in time two sightings of one IP may be and still be the same asset (DHCP leases)."""


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class Identifiers:
    """The normalised identifiers of one observation."""

    macs: list[str] = field(default_factory=list)
    ips: list[str] = field(default_factory=list)
    hostnames: list[str] = field(default_factory=list)
    application_uri: str | None = None
    seen: datetime | None = None

    @classmethod
    def of(
        cls,
        *,
        macs: list[str],
        ips: list[str],
        names: list[str],
        application_uri: str | None,
        seen: datetime | None,
    ) -> Identifiers:
        """Normalise raw identifiers, dropping those that are not valid."""
        return cls(
            macs=_unique(normalize_mac(m) for m in macs),
            ips=_unique(normalize_ip(i) for i in ips),
            hostnames=_unique(normalize_hostname(n) for n in names),
            application_uri=application_uri or None,
            seen=_utc(seen),
        )


def _unique(values: object) -> list[str]:
    out: list[str] = []
    for v in values:  # type: ignore[attr-defined]
        if v and v not in out:
            out.append(v)
    return out


@dataclass
class Match:
    """The asset an observation belongs to, how it was recognised, and any doubt."""

    key: str | None
    by: str | None = None
    warnings: list[str] = field(default_factory=list)


class AssetIndex:
    """Known assets by every identifier reconcile matches on; grows as reconcile adds or merges."""

    def __init__(self, ip_window: timedelta = DEFAULT_IP_WINDOW) -> None:
        self.ip_window = ip_window
        self.by_uri: dict[str, str] = {}
        self.by_mac: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.by_short: dict[str, set[str]] = {}
        self.by_ip: dict[str, set[str]] = {}
        self.assets: dict[str, Asset] = {}

    def add(self, asset: Asset) -> None:
        """Index (or re-index) an asset under all its identifiers."""
        self.assets[asset.key] = asset
        uri = asset.identity.get(APPLICATION_URI)
        if uri:
            self.by_uri.setdefault(uri, asset.key)
        for raw in asset.macs:
            mac = normalize_mac(raw)
            if mac:
                self.by_mac.setdefault(mac, asset.key)
        for raw in asset.hostnames:
            name = normalize_hostname(raw)
            if name:
                self.by_name.setdefault(name, asset.key)
                self.by_short.setdefault(short_name(name), set()).add(asset.key)
        for raw in asset.ips:
            ip = normalize_ip(raw)
            if ip:
                self.by_ip.setdefault(ip, set()).add(asset.key)

    def match(self, ids: Identifiers) -> Match:
        """The asset these identifiers belong to, strongest identifier first."""
        candidates: list[tuple[str, str]] = []
        if ids.application_uri and ids.application_uri in self.by_uri:
            candidates.append(("application URI", self.by_uri[ids.application_uri]))
        candidates += [("MAC", self.by_mac[m]) for m in ids.macs if m in self.by_mac]
        for name in ids.hostnames:
            if name in self.by_name:
                candidates.append(("hostname", self.by_name[name]))
            elif "." not in name and len(self.by_short.get(name, ())) == 1:
                candidates.append(("hostname", next(iter(self.by_short[name]))))  # plc1 ~ plc1.plant.local
            elif "." in name and short_name(name) in self.by_name:
                short_key = self.by_name[short_name(name)]  # plc1.plant.local ~ plc1 ...
                qualified = {h.lower() for h in self.assets[short_key].hostnames if "." in h}
                if not {q for q in qualified if short_name(q) == short_name(name)} - {name}:
                    candidates.append(("hostname", short_key))  # ... unless known under another domain
        for ip in ids.ips:
            ip_key = self._by_ip(ip, ids)
            if ip_key:
                candidates.append(("IP", ip_key))
        if not candidates:
            return Match(key=None)
        by, key = candidates[0]
        others = sorted({k for _, k in candidates if k != key})
        warnings = [
            f"observation {_describe(ids)} matches '{key}' by {by} but also '{other}'; merged into '{key}'"
            for other in others
        ]
        return Match(key=key, by=by, warnings=warnings)

    def _by_ip(self, ip: str, ids: Identifiers) -> str | None:
        best: tuple[datetime, str] | None = None
        for key in sorted(self.by_ip.get(ip, ())):
            asset = self.assets[key]
            known_macs = {m for m in (normalize_mac(x) for x in asset.macs) if m}
            if ids.macs and known_macs and not known_macs.intersection(ids.macs):
                continue  # another device holds this IP now
            last = _utc(asset.last_seen)
            first = _utc(asset.first_seen) or last
            window = self.ip_window
            if ids.seen and first and last and not (first - window <= ids.seen <= last + window):
                continue  # the IP was seen too long apart to assume the same device
            rank = (last or datetime.min.replace(tzinfo=UTC), key)
            if best is None or rank > best:
                best = rank
        return best[1] if best else None


def _describe(ids: Identifiers) -> str:
    parts = ids.hostnames[:1] + ids.ips[:1] + ids.macs[:1]
    return "/".join(parts) or (ids.application_uri or "?")
