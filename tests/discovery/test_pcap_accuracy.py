"""Accuracy on real captures: plantarch's hosts and (endpoint, protocol) pairs against Wireshark's dissection.

Every disagreement left is listed below with who is right; any other difference fails the test.
Recall and precision per capture are printed (run with -s) and recorded in docs/discovery-pcap.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from wireshark_reference import TSHARK, plantarch_sets, recall_precision, wireshark_sets

from plantarch.discovery.pcap.source import discover_pcap

DATA = (
    Path(os.environ.get("PLANTARCH_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared")) / "data"
)
CAPTURES = sorted([*DATA.glob("captures/*.pcap*"), *DATA.glob("zeek/**/*.pcap")])

KNOWN_DISAGREEMENTS: dict[str, set[tuple[str, str]]] = {
    # PROFINET IO connection management (DCE/RPC on UDP 34964): tshark 4.0 stops at "dcerpc" for these
    # frames; their interface UUID DEA00001-6C97-11D1-8271-00A02442DF7D is the PNIO device interface.
    "profinet_io_cm_mixed_1.pcap": {
        ("192.168.1.11", "profinet"),
        ("192.168.1.2", "profinet"),
        ("192.168.1.20", "profinet"),
        ("192.168.1.3", "profinet"),
    },
    # S7comm-Plus (protocol id 0x72) is not dissected by tshark 4.0; ICSNPP's Zeek logs it as s7comm-plus.
    "s7comm_plus.pcap": {("192.168.0.3", "s7comm")},
}
"""Pairs plantarch finds and Wireshark does not, checked by hand: plantarch is right in each case."""


@pytest.mark.skipif(TSHARK is None, reason="tshark (Debian package tshark) is not installed")
@pytest.mark.skipif(not CAPTURES, reason=f"no shared captures under {DATA}")
@pytest.mark.parametrize("capture", CAPTURES, ids=[c.name for c in CAPTURES])
def test_hosts_and_protocol_pairs_agree_with_wireshark(capture: Path) -> None:
    reference = wireshark_sets(capture)
    ours = plantarch_sets(discover_pcap([capture]))
    host_recall, host_precision = recall_precision(ours.hosts, reference.hosts)
    pair_recall, pair_precision = recall_precision(ours.pairs, reference.pairs)
    print(
        f"\n{capture.name}: hosts {len(reference.hosts)} recall {host_recall:.3f} "
        f"precision {host_precision:.3f}; (endpoint, protocol) pairs {len(reference.pairs)} "
        f"recall {pair_recall:.3f} precision {pair_precision:.3f}"
    )
    assert ours.hosts == reference.hosts
    assert reference.pairs <= ours.pairs, f"missed: {sorted(reference.pairs - ours.pairs)}"
    assert ours.pairs - reference.pairs == KNOWN_DISAGREEMENTS.get(capture.name, set())
