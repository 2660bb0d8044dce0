"""The built-in discovery sources, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from typing import Any

from plantarch.hookspecs import hookimpl


@hookimpl
def discovery_sources() -> list[type[Any]]:
    """nmap, OPC UA, MQTT and inventory / CMDB sources; packet captures and Zeek logs."""
    from plantarch.discovery.inventory import InventorySource
    from plantarch.discovery.mqtt import MqttSource
    from plantarch.discovery.nmap import NmapSource
    from plantarch.discovery.opcua import OpcUaSource
    from plantarch.discovery.pcap.source import PcapSource
    from plantarch.discovery.zeek import ZeekSource

    return [NmapSource, OpcUaSource, MqttSource, InventorySource, PcapSource, ZeekSource]
