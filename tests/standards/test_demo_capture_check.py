"""Observed data on the demo plant: after `discover pcap` of the demo capture, `check` flags the hidden
flows no conduit allows, though nobody declared them, and says where they were seen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plantarch.store import Store

capture = pytest.importorskip("plantarch.demo.capture", reason="the demo capture is not available")


def test_hidden_flows_in_the_capture_are_violations(sqlite_store: Store, tmp_path: Path) -> None:
    from plantarch.demo import load_demo_model
    from plantarch.demo.planted import HIDDEN_FLOWS
    from plantarch.discovery.pcap.source import discover_pcap
    from plantarch.discovery.reconcile import reconcile
    from plantarch.standards import check_model, load_baseline

    pcap = tmp_path / "demo.pcap"
    capture.write_demo_capture(pcap)
    with sqlite_store.change(author="test", reason="demo plant") as cs:
        for _, obj in load_demo_model().all_objects():
            cs.put(obj)
    reconcile(sqlite_store, discover_pcap([pcap]), author="test")
    result = check_model(sqlite_store.load_model(), [load_baseline()], today=date(2026, 11, 24))

    observed = {
        (f.rule, f.evidence["source"], f.evidence["target"]): f
        for f in result.findings
        if f.kind == "flow" and f.evidence.get("origin") == "observed"
    }
    hidden = {h.key: h for h in HIDDEN_FLOWS}
    for key in ("hidden-kepware-polls-cartoner", "hidden-canary-polls-filler", "hidden-qms-reads-lims-db"):
        h = hidden[key]
        finding = observed.get(("SEG-005", h.src, h.dst))
        assert finding is not None, f"{key}: observed flow {h.src} → {h.dst} not flagged by SEG-005"
        assert finding.evidence["protocol"] == h.protocol and finding.evidence["port"] == h.port
        assert any(
            s["source"] == "pcap" and "demo.pcap" in s.get("reference", "") for s in finding.evidence["seen"]
        )
    kepware, canary = hidden["hidden-kepware-polls-cartoner"], hidden["hidden-canary-polls-filler"]
    assert ("SEG-003", kepware.src, kepware.dst) in observed
    assert ("SEG-003", canary.src, canary.dst) in observed
    qms = hidden["hidden-qms-reads-lims-db"]
    assert ("INT-001", qms.src, qms.dst) in observed  # a new point-to-point integration nobody declared
    laptop = hidden["hidden-contractor-laptop"]
    assert not [k for k in observed if k[0] == "SEG-005" and k[2] == laptop.dst]  # inside one zone
    # the declared integrations seen on the wire are not reported twice
    assert not [k for k in observed if k[0] == "INT-001" and k[1:] != (qms.src, qms.dst)]
