"""The example plugin of docs/adding-a-discovery-source.md loads, registers and reconciles."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from plantarch.discovery.precedence import Trust, trust_of
from plantarch.discovery.reconcile import reconcile
from plantarch.discovery.registry import get_source, source_classes
from plantarch.model import Asset
from plantarch.plugins import plugin_manager
from plantarch.store import Store

DOC = Path(__file__).resolve().parents[2] / "docs" / "adding-a-discovery-source.md"


@pytest.fixture
def example_plugin(tmp_path: Path) -> Iterator[ModuleType]:
    """The documented plugin, written to a module and registered like an installed plugin."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    (code,) = [b for b in blocks if "@hookimpl" in b]
    path = tmp_path / "plantarch_dnsmasq.py"
    path.write_text(code)
    spec = importlib.util.spec_from_file_location("plantarch_dnsmasq", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugin_manager().register(module, name="plantarch_dnsmasq")
    try:
        yield module
    finally:
        plugin_manager().unregister(name="plantarch_dnsmasq")


def test_the_documented_plugin_registers_and_feeds_reconcile(
    example_plugin: ModuleType, tmp_path: Path, store: Store
) -> None:
    assert "dnsmasq" in source_classes()
    assert trust_of("dnsmasq") == Trust.PASSIVE
    leases = tmp_path / "dnsmasq.leases"
    leases.write_text(
        "1767225600 00:1b:1b:aa:bb:01 10.1.1.10 plc-press-1 *\n1767225600 00:1b:1b:aa:bb:02 10.1.1.20 * *\n"
    )

    batch = get_source("dnsmasq").observe(str(leases))
    result = reconcile(store, batch, author="it")

    assert sorted(result.created["asset"]) == ["10.1.1.20", "plc-press-1"]
    plc = store.get("asset", "plc-press-1")
    assert isinstance(plc, Asset)
    assert (plc.ips, plc.macs, plc.declared) == (["10.1.1.10"], ["00:1b:1b:aa:bb:01"], False)
    assert [p.source for p in plc.provenance] == ["dnsmasq"]
    assert reconcile(store, get_source("dnsmasq").observe(str(leases)), author="it").revision is None


def test_an_unregistered_source_is_a_clear_error() -> None:
    with pytest.raises(Exception, match="unknown discovery source 'dnsmasq'"):
        get_source("dnsmasq")
