"""MQTT / Unified Namespace: messages published to the real Mosquitto at 127.0.0.1:1883."""

from __future__ import annotations

import json
import socket
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from plantarch.discovery.mqtt import survey_broker
from plantarch.discovery.reconcile import reconcile
from plantarch.discovery.sparkplug import birth_metrics, decode_payload, parse_topic, payload_class
from plantarch.errors import SourceUnreachable
from plantarch.model import Flow, System
from plantarch.store import Store, open_store

sys.path.insert(0, str(Path(__file__).parent))
from sources_cli import run_cli

BROKER = "mqtt://127.0.0.1:1883"


def _broker_reason() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 1883), timeout=2):
            return None
    except OSError as exc:
        return f"Mosquitto not reachable at 127.0.0.1:1883: {exc}"


pytestmark = [
    pytest.mark.mqtt,
    pytest.mark.skipif(_broker_reason() is not None, reason=str(_broker_reason())),
]


def birth(metrics: list[tuple[str, int, object]], unit: str | None = None) -> bytes:
    """A Sparkplug B birth payload with (name, datatype, value) metrics."""
    payload = payload_class()(timestamp=int(time.time() * 1000), seq=0)
    for name, datatype, value in metrics:
        metric = payload.metrics.add(name=name, datatype=datatype)
        field = {8: "long_value", 10: "double_value", 11: "boolean_value", 12: "string_value"}[datatype]
        setattr(metric, field, value)
        if unit and datatype == 10:
            metric.properties.keys.append("engUnit")
            metric.properties.values.add(type=12, string_value=unit)
    return bytes(payload.SerializeToString())


def publisher(messages: list[tuple[str, bytes, bool]]) -> Callable[[], None]:
    """A callback that publishes the messages (topic, payload, retain) once the survey is subscribed."""

    def publish() -> None:
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        client = mqtt.Client(CallbackAPIVersion.VERSION2)
        client.connect("127.0.0.1", 1883)
        client.loop_start()
        for topic, payload, retain in messages:
            client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)
        client.loop_stop()
        client.disconnect()

    return publish


@pytest.fixture
def group() -> str:
    """A Sparkplug group / UNS enterprise name no other test uses."""
    return f"plant{uuid.uuid4().hex[:8]}"


def sparkplug_plant(group: str) -> list[tuple[str, bytes, bool]]:
    """An edge node with one device, their births and data, and a host application's STATE."""
    node_birth = birth([("bdSeq", 8, 0), ("Node Control/Rebirth", 11, False)])
    device_birth = birth([("Press/Speed", 10, 1.5), ("Press/State", 12, "running")], unit="m/s")
    return [
        (f"spBv1.0/{group}/NBIRTH/edge-1", node_birth, False),
        (f"spBv1.0/{group}/DBIRTH/edge-1/press-plc", device_birth, False),
        (f"spBv1.0/{group}/DDATA/edge-1/press-plc", birth([("Press/Speed", 10, 1.7)]), False),
        (f"spBv1.0/STATE/scada-{group}", b'{"online": true}', False),
        (f"{group}/dresden/press/line1/cell2/temperature", b"21.5", False),
        (f"{group}/dresden/paint/line3/status", b"ok", False),
    ]


def test_sparkplug_births_are_decoded_and_the_namespace_mapped(group: str) -> None:
    batch = survey_broker(
        BROKER,
        duration=1.0,
        topics=["spBv1.0/#", f"{group}/#"],
        on_subscribed=publisher(sparkplug_plant(group)),
    )

    sparkplug = batch.summary["sparkplug"]
    (node,) = [n for n in sparkplug["edge_nodes"] if n["group"] == group]
    assert node["edge_node"] == "edge-1"
    assert [m["name"] for m in node["metrics"]] == ["bdSeq", "Node Control/Rebirth"]
    (device,) = [d for d in sparkplug["devices"] if d["group"] == group]
    assert device["metrics"] == [
        {"name": "Press/Speed", "datatype": "Double", "properties": {"engUnit": "m/s"}},
        {"name": "Press/State", "datatype": "String"},
    ]
    assert device["messages"] == {"DBIRTH": 1, "DDATA": 1}
    assert f"scada-{group}" in sparkplug["host_applications"]
    levels = batch.summary["namespace_levels"]
    assert levels["site"] == [f"{group}/dresden"]
    assert levels["area"] == [f"{group}/dresden/paint", f"{group}/dresden/press"]
    assert levels["line"] == [f"{group}/dresden/paint/line3", f"{group}/dresden/press/line1"]
    assert levels["cell"] == [f"{group}/dresden/press/line1/cell2"]
    kinds = {s.key: s.kind for s in batch.systems}
    assert kinds["mqtt-broker-127.0.0.1-1883"] == "broker"
    assert kinds[f"spb-{group}-edge-1"] == "edge-gateway"
    assert kinds[f"spb-{group}-edge-1-press-plc"] == "other"
    assert kinds[f"spb-host-scada-{group}"] == "scada"


def test_a_survey_records_broker_publishers_and_flows_once(group: str, store: Store) -> None:
    batch = survey_broker(
        BROKER,
        duration=1.0,
        topics=["spBv1.0/#", "$SYS/broker/version"],
        on_subscribed=publisher(sparkplug_plant(group)),
    )
    result = reconcile(store, batch, author="ot")

    broker = store.get("system", "mqtt-broker-127.0.0.1-1883")
    assert isinstance(broker, System)
    assert broker.product == "mosquitto" and broker.version
    assert "Sparkplug B groups: " in broker.description  # the namespace summary is kept in the store
    edge = store.get("system", f"spb-{group}-edge-1")
    assert isinstance(edge, System) and edge.kind == "edge-gateway"
    flow = store.get("flow", f"obs:spb-{group}-edge-1:mqtt-broker-127.0.0.1-1883:tcp:1883")
    assert isinstance(flow, Flow)
    assert (flow.origin, flow.protocol) == ("observed", "mqtt")
    assert "127.0.0.1" in result.created["asset"]
    assert reconcile(store, batch, author="ot").revision is None


def test_retained_topics_are_seen_by_a_late_subscriber(group: str) -> None:
    topic = f"{group}/dresden/utilities/line0/meter/kwh"
    publisher([(topic, b"1234", True)])()
    try:
        batch = survey_broker(BROKER, duration=0.5, topics=[f"{group}/#"])
    finally:
        publisher([(topic, b"", True)])()  # clear the retained message
    assert batch.summary["retained_topics"] == 1
    assert batch.summary["topic_sample"] == [topic]


def test_payloads_that_are_not_sparkplug_are_reported_not_fatal(group: str) -> None:
    messages = [(f"spBv1.0/{group}/NBIRTH/edge-9", b"\xff\xff\xff not protobuf", False)]
    batch = survey_broker(
        BROKER, duration=0.5, topics=[f"spBv1.0/{group}/#"], on_subscribed=publisher(messages)
    )
    assert any("not a Sparkplug B payload" in w for w in batch.warnings)


def test_sparkplug_topics_and_payloads() -> None:
    assert parse_topic("spBv1.0/G/DBIRTH/node/dev").device == "dev"  # type: ignore[union-attr]
    assert parse_topic("spBv1.0/STATE/host").message_type == "STATE"  # type: ignore[union-attr]
    assert parse_topic("spBv1.0/G/BOGUS/node") is None
    assert parse_topic("factory/line1/temp") is None
    data = birth([("Temp", 10, 21.5)], unit="°C")
    assert decode_payload(data).metrics[0].double_value == 21.5
    assert birth_metrics(data) == [{"name": "Temp", "datatype": "Double", "properties": {"engUnit": "°C"}}]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_broker_is_a_clear_error_within_the_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(SourceUnreachable, match=r"cannot reach MQTT broker at mqtt://127\.0\.0\.1:"):
        survey_broker(f"mqtt://127.0.0.1:{_closed_port()}", duration=5, timeout=2)
    assert time.monotonic() - started < 3


def test_cli_survey_keeps_credentials_out_of_output_and_workspace(group: str, tmp_path: Path) -> None:
    unreachable = run_cli(
        "discover",
        "mqtt",
        f"mqtt://plant:url-secret-91@127.0.0.1:{_closed_port()}",
        "--password",
        "flag-secret-92",
        "--timeout",
        "2",
        "--workspace",
        "ws",
        cwd=tmp_path,
    )
    assert unreachable.returncode == 2
    assert "cannot reach MQTT broker" in unreachable.stderr
    with open_store(workspace=tmp_path / "ws") as store:
        assert store.revision == 0

    ok = run_cli(
        "discover",
        "mqtt",
        "mqtt://plant:url-secret-93@127.0.0.1:1883",
        "--duration",
        "0.5",
        "--format",
        "json",
        "--workspace",
        "ws",
        cwd=tmp_path,
        env={"PLANTARCH_MQTT_PASSWORD": "env-secret-94"},
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["sources"][0]["reference"] == "mqtt://127.0.0.1:1883"
    stored = b"".join(p.read_bytes() for p in (tmp_path / "ws").rglob("*") if p.is_file())
    for secret in ("url-secret-91", "flag-secret-92", "url-secret-93", "env-secret-94"):
        assert secret not in unreachable.stdout + unreachable.stderr + ok.stdout + ok.stderr
        assert secret.encode() not in stored
