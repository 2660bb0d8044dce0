"""NIC vendors from the IEEE OUI registry that netaddr ships, looked up without loading its index.

`netaddr.EUI(mac).oui` loads netaddr's whole OUI and IAB indices (~35,000 + ~5,000 records parsed
with the csv module) on the first lookup of a process. A capture names a few dozen OUIs, so this module
finds just those in netaddr's `oui.idx` (one pass over the file with numpy) and reads their records from
`oui.txt` the way netaddr's `OUI.registration().org` does."""

from __future__ import annotations

from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


@lru_cache(maxsize=1)
def _registry() -> Path:
    """netaddr's directory of IEEE registry files, found without importing netaddr (~10 ms)."""
    spec = find_spec("netaddr")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("netaddr is not installed; it ships the IEEE OUI registry")
    return Path(next(iter(spec.submodule_search_locations))) / "eui"


@lru_cache(maxsize=1)
def _index() -> tuple[bytes, Ints, Ints, Ints]:
    """netaddr's oui.idx ("oui,offset,size" per line): its text, and per line start, end and OUI."""
    text = (_registry() / "oui.idx").read_bytes()
    raw = np.frombuffer(text, dtype=np.uint8)
    ends = np.flatnonzero(raw == 0x0A)
    if not text.endswith(b"\n"):
        ends = np.append(ends, len(text))
    starts = np.concatenate(([0], ends[:-1] + 1))
    commas = np.flatnonzero(raw == 0x2C)
    if not commas.shape[0]:
        return text, starts, ends, np.full(starts.shape[0], -1, dtype=np.int64)
    first_comma = commas[np.minimum(np.searchsorted(commas, starts), commas.shape[0] - 1)]
    # Decimal OUIs have at most 8 digits (0xFFFFFF = 16777215): read them right-aligned, 8 wide.
    width = np.where(first_comma < ends, first_comma - starts, 0)
    digits = np.zeros((starts.shape[0], 8), dtype=np.int64)
    for k in range(8):
        at = first_comma - 8 + k
        valid = at >= starts
        digits[valid, k] = raw[at[valid]].astype(np.int64) - 0x30
    keys = digits @ (10 ** np.arange(7, -1, -1, dtype=np.int64))
    keys[(width < 1) | (width > 8)] = -1
    return text, starts, ends, keys


def registered_orgs(ouis: list[int]) -> dict[int, str]:
    """Organisation of each registered OUI among `ouis` (the first registration, as netaddr gives)."""
    text, starts, ends, keys = _index()
    wanted = np.asarray(sorted(set(ouis)), dtype=np.int64)
    lines = np.flatnonzero(np.isin(keys, wanted))
    found: dict[int, tuple[int, int]] = {}
    for line in lines.tolist():  # file order: the first line of an OUI is its first registration
        oui, offset, size = (int(v) for v in text[starts[line] : ends[line]].split(b","))
        found.setdefault(oui, (offset, size))
    out: dict[int, str] = {}
    if not found:
        return out
    with (_registry() / "oui.txt").open("rb") as registry:
        for oui, (offset, size) in found.items():
            registry.seek(offset)
            org = _org(registry.read(size).decode("UTF-8"))
            if org is not None:
                out[oui] = org
    return out


def _org(record: str) -> str | None:
    """The organisation on the "(hex)" line of one oui.txt record (netaddr's OUI._parse_data)."""
    org = ""
    for line in record.split("\n"):
        line = line.strip()
        if "(hex)" in line:
            parts = line.split(None, 2)
            if len(parts) < 3:
                return None
            org = parts[2]
    return org


def vendors(macs: list[str]) -> dict[str, str]:
    """Vendor of each MAC (colon notation) whose OUI is registered."""
    ouis = {mac: int(mac.replace(":", "")[:6], 16) for mac in macs}
    orgs = registered_orgs(list(ouis.values()))
    return {mac: tidy_org(orgs[oui]) for mac, oui in ouis.items() if oui in orgs}


def tidy_org(org: str) -> str:
    """An organisation as a person writes it: some registry entries end in a stray comma ("Siemens AG,")."""
    return org.strip().rstrip(",").rstrip()
