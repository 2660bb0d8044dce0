"""OUI vendors come from netaddr's IEEE registry exactly as netaddr gives them, without netaddr's
whole-index load."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from netaddr import EUI, NotRegisteredError
from netaddr.eui import ieee

from plantarch.discovery.pcap.oui import registered_orgs, tidy_org, vendors


def _netaddr_org(oui: int) -> str | None:
    mac = ":".join(f"{(oui >> s) & 0xFF:02x}" for s in (16, 8, 0)) + ":00:00:01"
    try:
        return str(EUI(mac).oui.registration().org)
    except (NotRegisteredError, ValueError, IndexError):
        return None


def test_registered_orgs_agree_with_netaddr() -> None:
    keys = sorted(ieee.OUI_INDEX)
    counts = Counter({k: len(v) for k, v in ieee.OUI_INDEX.items()})
    several = [k for k, c in counts.items() if c > 1]  # OUIs registered more than once: the first wins
    ouis = sorted({*keys[::9], *several, 0x000000, 0x00000C, 0x001B1B, 0x080006, 0xFFFFFF, 0x123456})
    assert len(several) >= 1 and len(ouis) > 3000
    orgs = registered_orgs(ouis)
    assert {oui: orgs.get(oui) for oui in ouis} == {oui: _netaddr_org(oui) for oui in ouis}


def test_vendors_by_mac() -> None:
    found = vendors(["00:1b:1b:02:e6:1f", "00:0e:8c:ef:75:c5", "ff:ff:ff:00:00:00"])
    # The registry writes the first "Siemens AG," (a stray comma users should not see).
    assert found == {"00:1b:1b:02:e6:1f": "Siemens AG", "00:0e:8c:ef:75:c5": "Siemens AG"}
    assert vendors([]) == {}
    assert tidy_org("Cisco Systems, Inc") == "Cisco Systems, Inc"


def test_discovery_does_not_import_netaddr() -> None:
    """netaddr's import and index load (~0.1-0.2 s) are no longer part of every CLI start or lookup."""
    code = (
        "import sys; from plantarch.discovery.pcap.oui import vendors; import plantarch.cli; "
        "vendors(['00:1b:1b:02:e6:1f']); print('netaddr' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
