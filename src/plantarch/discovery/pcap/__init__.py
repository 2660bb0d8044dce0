"""Passive discovery from packet captures: streamed reading, vectorised decoding, flows, protocols,
identity, names and Purdue suggestions (reader -> decoder -> flows -> inventory -> source)."""

from plantarch.discovery.pcap.source import FileDamage, PcapSource, discover_pcap, raise_if_partial

__all__ = ["FileDamage", "PcapSource", "discover_pcap", "raise_if_partial"]
