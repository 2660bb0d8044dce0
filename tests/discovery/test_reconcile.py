"""reconcile: observations from every source merged into one inventory, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plantarch.discovery.observation import FlowObservation, HostObservation, ObservationBatch
from plantarch.discovery.precedence import explain
from plantarch.discovery.reconcile import flow_key, reconcile
from plantarch.model import Asset, Flow, Provenance, System
from plantarch.store import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def batch(source: str, reference: str, hosts=(), flows=(), systems=(), at: datetime = T0) -> ObservationBatch:
    """A batch from one source run."""
    return ObservationBatch(
        provenance=Provenance(source=source, reference=reference, observed_at=at),
        hosts=list(hosts),
        flows=list(flows),
        systems=list(systems),
    )


def capture() -> ObservationBatch:
    """What a passive capture of a small cell shows: an HMI polling a PLC over S7."""
    return batch(
        "pcap",
        "cell1.pcap",
        hosts=[
            HostObservation(ip="10.1.1.10", mac="00:0E:8C:C9:41:15", vendor="Siemens", roles=["s7-server"]),
            HostObservation(ip="10.1.1.20", mac="AC-64-17-2C-C9-46", names=["hmi-1.cell1.plant"]),
        ],
        flows=[
            FlowObservation(
                src="10.1.1.20",
                dst="10.1.1.10",
                transport="tcp",
                port=102,
                protocol="s7comm",
                packets=120,
                bytes=9000,
                first_seen=T0,
                last_seen=T0 + timedelta(minutes=5),
            )
        ],
    )


def assets(store: Store) -> dict[str, Asset]:
    """Every stored asset by key."""
    return {a.key: a for a in store.list("asset") if isinstance(a, Asset)}


def test_capture_creates_undeclared_assets_and_an_observed_flow_with_a_derived_key(store: Store) -> None:
    result = reconcile(store, capture(), author="ot-engineer")

    assert result.revision == store.revision == 1
    found = assets(store)
    assert set(found) == {"10.1.1.10", "hmi-1.cell1.plant"}
    assert all(a.declared is False for a in found.values())
    assert found["10.1.1.10"].macs == ["00:0e:8c:c9:41:15"]
    key = flow_key("hmi-1.cell1.plant", "10.1.1.10", "tcp", "102")
    flow = store.get("flow", key)
    assert isinstance(flow, Flow)
    assert (flow.origin, flow.protocol, flow.packets, flow.bytes) == ("observed", "s7comm", 120, 9000)
    assert [p.source for p in flow.provenance] == ["pcap"]
    assert store.history(limit=1)[0].author == "ot-engineer"


def test_the_same_batch_twice_changes_nothing(store: Store) -> None:
    reconcile(store, capture(), author="a")
    again = reconcile(store, capture(), author="a")

    assert again.revision is None
    assert not again.changed
    assert again.unchanged == {"asset": 2, "flow": 1}
    assert store.revision == 1


def test_several_batches_are_one_change_set(store: Store) -> None:
    scan = batch("nmap", "scan.xml", hosts=[HostObservation(ip="10.1.1.30", names=["eng-ws-1"])])
    result = reconcile(store, [capture(), scan], author="a")

    assert result.revision == 1
    assert store.history(limit=5)[0].changes == 4
    assert len(store.history(limit=5)) == 1


def test_same_mac_same_hostname_and_same_application_uri_merge_into_one_asset(store: Store) -> None:
    reconcile(store, capture(), author="a")
    scan = batch(
        "nmap",
        "scan.xml",
        hosts=[
            # the PLC got a new IP but has the same MAC
            HostObservation(ip="10.1.2.10", mac="000e.8cc9.4115", identity={"model": "CPU 315-2 DP"}),
            # the HMI by its (short) hostname only
            HostObservation(names=["HMI-1.cell1.plant."], os="Windows 10"),
        ],
    )
    reconcile(store, scan, author="a")
    opcua = batch(
        "opcua",
        "opc.tcp://10.1.1.20:4840",
        hosts=[HostObservation(ip="10.1.1.20", identity={"application_uri": "urn:hmi-1:opcua"})],
    )
    reconcile(store, opcua, author="a")
    by_uri = batch(
        "opcua",
        "opc.tcp://hmi-1-new:4840",
        hosts=[HostObservation(ip="10.9.9.9", identity={"application_uri": "urn:hmi-1:opcua"})],
    )
    reconcile(store, by_uri, author="a")

    found = assets(store)
    assert set(found) == {"10.1.1.10", "hmi-1.cell1.plant"}
    plc, hmi = found["10.1.1.10"], found["hmi-1.cell1.plant"]
    assert plc.ips == ["10.1.1.10", "10.1.2.10"]
    assert plc.model == "CPU 315-2 DP"
    assert hmi.os == "Windows 10"
    assert hmi.ips == ["10.1.1.20", "10.9.9.9"]
    assert {p.source for p in hmi.provenance} == {"pcap", "nmap", "opcua"}


def test_an_ip_reused_by_another_device_long_after_is_a_new_asset(store: Store) -> None:
    reconcile(store, capture(), author="a")
    later = batch(
        "pcap",
        "later.pcap",
        hosts=[HostObservation(ip="10.1.1.10", first_seen=T0 + timedelta(days=60))],
        at=T0 + timedelta(days=60),
    )
    other_mac = batch(
        "pcap",
        "same-day.pcap",
        hosts=[HostObservation(ip="10.1.1.10", mac="02:00:00:00:00:01", first_seen=T0)],
    )
    result = reconcile(store, [later, other_mac], author="a")

    assert sorted(result.created["asset"]) == ["10.1.1.10-2", "10.1.1.10-3"]
    same_window = batch("zeek", "conn.log", hosts=[HostObservation(ip="10.1.1.20", first_seen=T0)])
    assert reconcile(store, same_window, author="a").created == {}


def test_a_persons_values_are_never_overwritten_and_conflicts_keep_their_sources(store: Store) -> None:
    with store.change(author="alice", reason="declare the PLC", source="yaml") as cs:
        cs.put(Asset(key="plc-1", name="Press line PLC", ips=["10.1.1.10"], vendor="Siemens AG", zone=None))
    result = reconcile(store, capture(), author="discovery")

    plc = store.get("asset", "plc-1")
    assert isinstance(plc, Asset)
    assert plc.name == "Press line PLC"
    assert plc.vendor == "Siemens AG"
    assert plc.declared is True
    assert plc.macs == ["00:0e:8c:c9:41:15"]
    (conflict,) = [c for c in result.conflicts if c.field == "vendor"]
    assert (conflict.key, conflict.value, conflict.source) == ("plc-1", "Siemens AG", "declared")
    assert {(v.source, v.value) for v in conflict.values} == {("declared", "Siemens AG"), ("pcap", "Siemens")}
    rows = {r.field: r for r in explain({"vendor": plc.vendor, "macs": plc.macs[0]}, plc.field_sources)}
    assert rows["vendor"].source == "declared"
    assert [a.source for a in rows["vendor"].alternatives] == ["pcap"]
    # a CMDB import does not beat a person either
    cmdb = batch("cmdb", "cmdb_ci.csv", hosts=[HostObservation(ip="10.1.1.10", vendor="Siemens Industry")])
    reconcile(store, cmdb, author="discovery")
    plc = store.get("asset", "plc-1")
    assert isinstance(plc, Asset)
    assert plc.vendor == "Siemens AG"


ORDERS = [("pcap", "nmap", "cmdb"), ("cmdb", "nmap", "pcap"), ("nmap", "cmdb", "pcap")]


@pytest.mark.parametrize("order", ORDERS)
def test_precedence_cmdb_over_active_scan_over_passive_whatever_the_order(
    store: Store, order: tuple[str, ...]
) -> None:
    firmware = {"pcap": "V2.6", "nmap": "2.6.9", "cmdb": "2.6.9 HF1"}
    for source in order:
        seen = HostObservation(ip="10.1.1.10", identity={"firmware": firmware[source]})
        reconcile(store, batch(source, f"{source}-run", hosts=[seen]), author="a")

    (plc,) = assets(store).values()
    assert plc.firmware == "2.6.9 HF1"
    assert {c.source for c in plc.field_sources if c.field == "firmware"} == {"pcap", "nmap", "cmdb"}


def test_active_scan_beats_passive_capture(store: Store) -> None:
    reconcile(
        store,
        batch("nmap", "scan.xml", hosts=[HostObservation(ip="10.1.1.10", os="Linux 4.x")]),
        author="a",
    )
    reconcile(
        store,
        batch("pcap", "p.pcap", hosts=[HostObservation(ip="10.1.1.10", os="Windows")], at=T0 + timedelta(1)),
        author="a",
    )
    (asset,) = assets(store).values()
    assert asset.os == "Linux 4.x"


def test_systems_from_a_source_link_to_their_host_and_to_flows(store: Store) -> None:
    broker = System(key="mqtt-broker-10.1.5.5", name="Mosquitto", kind="broker", version="2.0.11")
    edge = System(key="spb-plant1-edge1", name="Sparkplug edge node edge1", kind="edge-gateway")
    seen = batch(
        "mqtt",
        "mqtt://10.1.5.5:1883",
        systems=[broker, edge],
        hosts=[HostObservation(ip="10.1.5.5", roles=["mqtt-broker"], systems=[broker.key])],
        flows=[FlowObservation(src=edge.key, dst=broker.key, transport="tcp", port=1883, protocol="mqtt")],
    )
    result = reconcile(store, seen, author="a")

    assert sorted(result.created["system"]) == [broker.key, edge.key]
    host = store.get("asset", "10.1.5.5")
    assert isinstance(host, Asset)
    assert host.systems == [broker.key]
    flow = store.get("flow", flow_key(edge.key, broker.key, "tcp", "1883"))
    assert isinstance(flow, Flow)
    assert flow.origin == "observed"
    assert reconcile(store, seen, author="a").revision is None


def test_a_person_declared_system_keeps_owner_but_gains_discovered_version(store: Store) -> None:
    with store.change(author="alice", reason="declare", source="yaml") as cs:
        cs.put(System(key="historian", name="Plant Historian", kind="historian", owner="Alice"))
    seen = System(key="whatever", name="plant historian", kind="historian", owner="IT", version="2023 R2")
    reconcile(store, batch("cmdb", "cmdb.csv", systems=[seen]), author="a")

    system = store.get("system", "historian")
    assert isinstance(system, System)
    assert (system.owner, system.version) == ("Alice", "2023 R2")
    assert store.get("system", "whatever") is None


def test_packet_counts_add_up_over_captures_but_not_over_repeats(store: Store) -> None:
    first = capture()
    second = capture().model_copy(
        update={"provenance": Provenance(source="pcap", reference="cell1-day2.pcap", observed_at=T0)}
    )
    reconcile(store, [first, second], author="a")
    reconcile(store, first, author="a")

    flow = store.get("flow", flow_key("hmi-1.cell1.plant", "10.1.1.10", "tcp", "102"))
    assert isinstance(flow, Flow)
    assert (flow.packets, flow.bytes) == (240, 18000)


def test_a_failure_inside_reconcile_writes_nothing(store: Store) -> None:
    with store.change(author="alice", reason="declare", source="yaml") as cs:
        cs.put(System(key="10.1.1.10", name="odd system keyed by an IP", kind="other"))
    # the new asset for 10.1.1.10 must not take the system's key; everything still lands
    result = reconcile(store, capture(), author="a")
    assert "10.1.1.10-2" in result.created["asset"]
    before = store.revision
    broken = batch("pcap", "x.pcap", hosts=[HostObservation(ip="10.7.7.7")])
    # built without validation (FlowObservation refuses the port): the stored Flow refuses it mid-reconcile
    broken.flows.append(
        FlowObservation.model_construct(src="10.7.7.7", dst="10.7.7.8", transport="tcp", port=70000)
    )
    with pytest.raises(ValueError):
        reconcile(store, broken, author="a")
    assert store.revision == before
    assert store.get("asset", "10.7.7.7") is None


@pytest.mark.postgres
def test_concurrent_reconciles_on_postgresql_lose_no_sighting(postgres_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from plantarch.store import open_store

    sites = [
        batch(f"pcap-{n}", f"site-{n}.pcap", hosts=[HostObservation(ip="10.5.5.5", roles=[f"role-{n}"])])
        for n in range(4)
    ]
    stores = [open_store(database=postgres_url) for _ in sites]
    try:
        with ThreadPoolExecutor(len(sites)) as pool:
            results = list(
                pool.map(
                    lambda pair: reconcile(pair[0], pair[1], author="site"), zip(stores, sites, strict=True)
                )
            )
        asset = stores[0].get("asset", "10.5.5.5")
    finally:
        for one in stores:
            one.close()
    assert sum(len(r.created.get("asset", [])) for r in results) == 1  # one created it, the others merged
    assert isinstance(asset, Asset)
    assert sorted(asset.roles) == [f"role-{n}" for n in range(4)]
    assert len(asset.provenance) == 4


def test_short_and_qualified_hostnames_name_the_same_asset(sqlite_store: Store) -> None:
    short = batch("zeek", "dns.log", hosts=[HostObservation(ip="10.1.1.40", names=["hist-01"])])
    qualified = batch(
        "nmap", "scan.xml", hosts=[HostObservation(names=["HIST-01.plant.example"], os="Linux")]
    )
    other = batch("nmap", "scan2.xml", hosts=[HostObservation(names=["hist-01.lab.example"], os="BSD")])
    reconcile(sqlite_store, short, author="a")
    reconcile(sqlite_store, qualified, author="a")

    (asset,) = assets(sqlite_store).values()
    assert asset.hostnames == ["hist-01", "hist-01.plant.example"]
    assert asset.os == "Linux"
    # the same short name in another domain is another machine
    reconcile(sqlite_store, other, author="a")
    assert sorted(assets(sqlite_store)) == ["hist-01", "hist-01.lab.example"]
