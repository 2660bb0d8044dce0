"""The shape of a discovery source (after NetBox's DataBackend): a few class attributes and one method."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from plantarch.discovery.observation import ObservationBatch


class DiscoverySource(ABC):
    """A plugin that turns a file, directory or endpoint into observations."""

    name: ClassVar[str]
    """Short id used on the command line: pcap, zeek, nmap, opcua, mqtt, inventory, ..."""
    label: ClassVar[str]
    """Human-readable name."""
    parameters: ClassVar[dict[str, str]] = {}
    """Accepted parameters and what they mean."""
    sensitive_parameters: ClassVar[frozenset[str]] = frozenset()
    """Parameters never stored or printed (passwords, tokens)."""
    trust: ClassVar[str] = "passive"
    """How far reconcile trusts its values: person > cmdb > active > passive (see precedence.py)."""

    @abstractmethod
    def observe(self, target: str, **params: Any) -> ObservationBatch:
        """Read the target and return what it shows."""
