"""MQTT / Unified Namespace: a bounded survey of a broker's topic tree, Sparkplug B aware."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from plantarch.discovery.addresses import key_part, normalize_ip, redact_url
from plantarch.discovery.observation import FlowObservation, HostObservation, ObservationBatch
from plantarch.discovery.source import DiscoverySource
from plantarch.discovery.sparkplug import birth_metrics, parse_topic
from plantarch.errors import InputError, SourceUnreachable
from plantarch.model.base import Provenance
from plantarch.model.system import System

DEFAULT_DURATION = 10.0
DEFAULT_TIMEOUT = 5.0
UNS_LEVELS = ("enterprise", "site", "area", "line", "cell")
"""ISA-95 levels a Unified Namespace topic path is read as (enterprise/site/area/line/cell/...)."""
_MAX_TOPICS = 100_000


@dataclass
class _Survey:
    """Everything heard during the survey window."""

    topics: Counter[str] = field(default_factory=Counter)
    retained: set[str] = field(default_factory=set)
    broker_version: str | None = None
    nodes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    devices: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    host_applications: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hear(self, topic: str, payload: bytes, retain: bool) -> None:
        """Record one message."""
        with self.lock:
            if topic == "$SYS/broker/version":
                self.broker_version = payload.decode("utf-8", "replace").strip()
                return
            if topic.startswith("$SYS/"):
                return
            if len(self.topics) < _MAX_TOPICS or topic in self.topics:
                self.topics[topic] += 1
            if retain:
                self.retained.add(topic)
            self._sparkplug(topic, payload)

    def _sparkplug(self, topic: str, payload: bytes) -> None:
        parsed = parse_topic(topic)
        if parsed is None:
            return
        if parsed.message_type == "STATE":
            self.host_applications[parsed.edge_node] = payload.decode("utf-8", "replace")[:200]
            return
        node = self.nodes.setdefault((parsed.group, parsed.edge_node), {"messages": Counter(), "metrics": []})
        node["messages"][parsed.message_type] += 1
        target = node
        if parsed.device is not None:
            target = self.devices.setdefault(
                (parsed.group, parsed.edge_node, parsed.device), {"messages": Counter(), "metrics": []}
            )
            target["messages"][parsed.message_type] += 1
        if parsed.message_type in ("NBIRTH", "DBIRTH"):
            try:
                target["metrics"] = birth_metrics(payload)
            except ValueError as exc:
                self.warnings.append(f"{topic}: {exc}")


def _broker_address(url: str) -> tuple[str, int, bool, str | None, str | None]:
    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl") or not parts.hostname:
        raise InputError(f"not an MQTT broker URL: {redact_url(url)} (expected mqtt://host:1883)")
    tls = parts.scheme in ("mqtts", "ssl")
    return parts.hostname, parts.port or (8883 if tls else 1883), tls, parts.username, parts.password


def _listen(
    host: str,
    port: int,
    *,
    tls: bool,
    username: str | None,
    password: str | None,
    duration: float,
    timeout: float,
    topics: list[str],
    on_subscribed: Callable[[], None] | None,
) -> _Survey:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    survey = _Survey()
    connected = threading.Event()
    subscribed = threading.Event()
    refusal: list[str] = []
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"plantarch-survey-{uuid.uuid4().hex[:8]}",
        clean_session=True,
    )
    if username:
        client.username_pw_set(username, password)
    if tls:
        client.tls_set()
    client.connect_timeout = timeout

    def on_connect(c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            refusal.append(str(reason))
        else:
            c.subscribe([(t, 0) for t in topics])
        connected.set()

    def on_subscribe(*_args: Any) -> None:
        subscribed.set()

    def on_message(_c: Any, _u: Any, message: Any) -> None:
        survey.hear(message.topic, message.payload, bool(message.retain))

    client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
    where = f"{'mqtts' if tls else 'mqtt'}://{host}:{port}"
    try:
        client.connect(host, port, keepalive=max(5, int(duration) + 5))
    except (OSError, ValueError) as exc:
        raise SourceUnreachable(f"cannot reach MQTT broker at {where} within {timeout:g} s: {exc}") from None
    client.loop_start()
    try:
        if not connected.wait(timeout):
            raise SourceUnreachable(f"MQTT broker at {where} did not answer within {timeout:g} s")
        if refusal:
            raise InputError(f"MQTT broker at {where} refused the connection: {refusal[0]}")
        if subscribed.wait(timeout) and on_subscribed is not None:
            on_subscribed()
        time.sleep(duration)
    finally:
        client.disconnect()
        client.loop_stop()
    return survey


def _namespace_levels(topics: list[str]) -> dict[str, list[str]]:
    """Distinct topic prefixes per ISA-95 level, reading a UNS path as enterprise/site/area/line/cell."""
    levels: dict[str, set[str]] = {name: set() for name in UNS_LEVELS}
    for topic in topics:
        parts = topic.split("/")
        for depth, name in enumerate(UNS_LEVELS):
            if len(parts) > depth + 1:  # the last part is the data point, not a level
                levels[name].add("/".join(parts[: depth + 1]))
    return {name: sorted(values) for name, values in levels.items() if values}


def _describe_broker(survey: _Survey) -> str:
    """One line recording what the namespace covers (kept in the store with the broker)."""
    plain = [t for t in survey.topics if parse_topic(t) is None]
    levels = _namespace_levels(plain)
    parts = [f"MQTT broker; {len(survey.topics)} topics seen"]
    for level in ("site", "area", "line"):
        if levels.get(level):
            shown = levels[level][:10]
            more = f" (+{len(levels[level]) - 10})" if len(levels[level]) > 10 else ""
            parts.append(f"{level}s: {', '.join(shown)}{more}")
    if survey.nodes:
        groups = sorted({group for group, _ in survey.nodes})
        parts.append(f"Sparkplug B groups: {', '.join(groups[:10])}; {len(survey.nodes)} edge nodes")
    return "; ".join(parts)


def _batch(url: str, host: str, port: int, survey: _Survey, started: datetime) -> ObservationBatch:
    broker_key = f"mqtt-broker-{key_part(host)}-{port}"
    product, version = None, None
    if survey.broker_version:
        words = survey.broker_version.split()
        product, version = words[0], words[-1] if len(words) > 1 else None
    broker = System(
        key=broker_key,
        name=f"MQTT broker {host}:{port}",
        kind="broker",
        product=product,
        version=version,
        description=_describe_broker(survey),
    )
    systems = [broker]
    flows: list[FlowObservation] = []
    for (group, node), facts in sorted(survey.nodes.items()):
        key = f"spb-{key_part(group)}-{key_part(node)}"
        systems.append(
            System(
                key=key,
                name=f"{node} ({group})",
                kind="edge-gateway",
                description=f"Sparkplug B edge node {group}/{node}; {len(facts['metrics'])} birth metrics",
                tags=["sparkplug-b"],
            )
        )
        flows.append(FlowObservation(src=key, dst=broker_key, transport="tcp", port=port, protocol="mqtt"))
    for (group, node, device), facts in sorted(survey.devices.items()):
        key = f"spb-{key_part(group)}-{key_part(node)}-{key_part(device)}"
        systems.append(
            System(
                key=key,
                name=f"{device} ({group}/{node})",
                kind="other",
                description=f"Sparkplug B device {group}/{node}/{device}; {len(facts['metrics'])} metrics",
                tags=["sparkplug-b"],
            )
        )
        node_key = f"spb-{key_part(group)}-{key_part(node)}"
        flows.append(FlowObservation(src=key, dst=node_key, transport="other"))
    for host_id in sorted(survey.host_applications):
        key = f"spb-host-{key_part(host_id)}"
        name = f"Sparkplug host application {host_id}"
        systems.append(System(key=key, name=name, kind="scada", tags=["sparkplug-b"]))
        flows.append(FlowObservation(src=broker_key, dst=key, transport="tcp", port=port, protocol="mqtt"))
    ip = normalize_ip(host)
    if ip is None:
        try:
            ip = normalize_ip(str(socket.getaddrinfo(host, port)[0][4][0]))
        except OSError:
            ip = None
    broker_host = HostObservation(
        ip=ip,
        names=[] if normalize_ip(host) or host == "localhost" else [host],
        roles=["mqtt-broker"],
        services=[f"tcp/{port}/mqtt"],
        systems=[broker_key],
        first_seen=started,
        last_seen=started,
    )
    topics = sorted(survey.topics)
    plain = [t for t in topics if parse_topic(t) is None]
    summary: dict[str, Any] = {
        "broker": url,
        "broker_version": survey.broker_version,
        "topics": len(topics),
        "messages": sum(survey.topics.values()),
        "retained_topics": len(survey.retained),
        "namespace_levels": _namespace_levels(plain),
        "sparkplug": {
            "edge_nodes": [
                {"group": g, "edge_node": n, "messages": dict(f["messages"]), "metrics": f["metrics"]}
                for (g, n), f in sorted(survey.nodes.items())
            ],
            "devices": [
                {"group": g, "edge_node": n, "device": d, "messages": dict(f["messages"])}
                | {"metrics": f["metrics"]}
                for (g, n, d), f in sorted(survey.devices.items())
            ],
            "host_applications": sorted(survey.host_applications),
        },
        "topic_sample": topics[:200],
    }
    return ObservationBatch(
        provenance=Provenance(source="mqtt", reference=url, observed_at=started),
        hosts=[broker_host] if ip or broker_host.names else [],
        systems=systems,
        flows=flows,
        summary=summary,
        warnings=survey.warnings,
    )


def survey_broker(
    url: str,
    *,
    duration: float = DEFAULT_DURATION,
    username: str | None = None,
    password: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    topics: list[str] | None = None,
    on_subscribed: Callable[[], None] | None = None,
) -> ObservationBatch:
    """Subscribe to a broker for `duration` seconds and return its topic tree, publishers and births."""
    host, port, tls, url_user, url_password = _broker_address(url)
    started = datetime.now(UTC)
    survey = _listen(
        host,
        port,
        tls=tls,
        username=username or url_user,
        password=password or url_password,
        duration=duration,
        timeout=timeout,
        topics=topics or ["#", "$SYS/broker/version"],
        on_subscribed=on_subscribed,
    )
    clean = f"{'mqtts' if tls else 'mqtt'}://{host}:{port}"
    return _batch(clean, host, port, survey, started)


class MqttSource(DiscoverySource):
    """An MQTT broker / Unified Namespace, surveyed for a bounded time (Sparkplug B aware)."""

    name: ClassVar[str] = "mqtt"
    label: ClassVar[str] = "MQTT broker / Unified Namespace"
    parameters: ClassVar[dict[str, str]] = {
        "duration": f"Seconds to listen (default {DEFAULT_DURATION:g}).",
        "username": "User name (optional).",
        "password": "Password (optional; never stored or printed).",
        "timeout": f"Seconds to wait for the broker to answer (default {DEFAULT_TIMEOUT:g}).",
    }
    sensitive_parameters: ClassVar[frozenset[str]] = frozenset({"password"})
    trust: ClassVar[str] = "active"

    def observe(self, target: str, **params: Any) -> ObservationBatch:
        """Survey the broker at `target` (mqtt://host:port)."""
        return survey_broker(
            target,
            duration=float(params.get("duration") or DEFAULT_DURATION),
            username=params.get("username"),
            password=params.get("password"),
            timeout=float(params.get("timeout") or DEFAULT_TIMEOUT),
        )
