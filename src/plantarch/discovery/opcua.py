"""OPC UA: a live server (endpoints, security, identity, address space) or a NodeSet2 file."""

from __future__ import annotations

import asyncio
import socket
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from plantarch.discovery.addresses import key_part, normalize_ip, redact_url
from plantarch.discovery.observation import HostObservation, ObservationBatch
from plantarch.discovery.opcua_nodeset import EQUIPMENT_MODELS, load_with_required, summarize_nodeset
from plantarch.discovery.source import DiscoverySource
from plantarch.errors import InputError, SourceUnreachable
from plantarch.model.base import Provenance
from plantarch.model.system import System

DEFAULT_TIMEOUT = 10.0
MAX_NODES = 20000
"""Browsing stops after this many nodes (the summary then says it was truncated)."""


def _policy_name(uri: str) -> str:
    return uri.rsplit("#", 1)[-1] if uri else "None"


def _endpoint_facts(endpoints: list[Any]) -> list[dict[str, Any]]:
    facts = []
    for ep in endpoints:
        facts.append(
            {
                "url": redact_url(ep.EndpointUrl or ""),
                "security_mode": ep.SecurityMode.name.rstrip("_"),
                "security_policy": _policy_name(ep.SecurityPolicyUri),
                "user_tokens": sorted({t.TokenType.name for t in ep.UserIdentityTokens or []}),
            }
        )
    return facts


def _split_url(url: str) -> tuple[str, str | None, str | None]:
    """The URL without credentials, and the user name and password it carried, if any."""
    parts = urlsplit(url)
    if parts.scheme != "opc.tcp" or not parts.hostname:
        raise InputError(
            f"not an OPC UA URL or NodeSet2 file: {redact_url(url)} (expected opc.tcp://host:port)"
        )
    return redact_url(url), parts.username, parts.password


class _Browser:
    """Walks a live address space from the Objects folder, counting nodes and finding equipment."""

    def __init__(self, client: Any, namespaces: list[str], depth: int) -> None:
        self.client = client
        self.namespaces = namespaces
        self.depth = depth
        self.counts: Counter[str] = Counter()
        self.visited: set[str] = set()
        self.type_names: dict[str, str] = {}
        self.type_models: dict[str, str | None] = {}
        self.instances_by_model: Counter[str] = Counter()
        self.truncated = False

    async def type_info(self, type_id: Any) -> tuple[str, str | None]:
        """Name and companion model of a type node (walking up its supertypes)."""
        from asyncua import ua
        from asyncua.ua.object_ids import ObjectIds

        key = type_id.to_string()
        if key not in self.type_names:
            node = self.client.get_node(type_id)
            name = (await node.read_browse_name()).Name
            model: str | None = None
            current, hops = type_id, 0
            while current is not None and hops < 8:
                index = current.NamespaceIndex
                uri = self.namespaces[index] if index < len(self.namespaces) else ""
                if uri in EQUIPMENT_MODELS:
                    model = EQUIPMENT_MODELS[uri]
                    break
                supers = await self.client.get_node(current).get_references(
                    refs=ObjectIds.HasSubtype, direction=ua.BrowseDirection.Inverse
                )
                current = supers[0].NodeId if supers else None
                hops += 1
            self.type_names[key], self.type_models[key] = name, model
        return self.type_names[key], self.type_models[key]

    async def walk(self, node_id: Any, level: int) -> list[dict[str, Any]]:
        """Children of a node as equipment-tree entries (only branches holding equipment are kept)."""
        from asyncua import ua
        from asyncua.ua.object_ids import ObjectIds

        if level > self.depth or len(self.visited) >= MAX_NODES:
            self.truncated = self.truncated or len(self.visited) >= MAX_NODES
            return []
        refs = await self.client.get_node(node_id).get_references(
            refs=ObjectIds.HierarchicalReferences, direction=ua.BrowseDirection.Forward
        )
        entries: list[dict[str, Any]] = []
        for ref in refs:
            child = ref.NodeId
            key = child.to_string()
            if key in self.visited:
                continue
            self.visited.add(key)
            self.counts[ref.NodeClass.name] += 1
            if ref.NodeClass != ua.NodeClass.Object or (child.NamespaceIndex, child.Identifier) == (0, 2253):
                continue  # the Server object describes the server itself, not the plant
            type_name, model = (None, None)
            typedef = ref.TypeDefinition
            if typedef and not typedef.is_null():
                type_name, model = await self.type_info(typedef)
            self.instances_by_model[model or "other"] += 1
            children = await self.walk(child, level + 1)
            if model or children:
                entry: dict[str, Any] = {"name": ref.BrowseName.Name, "type": type_name, "model": model}
                if children:
                    entry["children"] = children
                entries.append(entry)
        return entries


async def _session_security(client: Any, endpoints: list[Any], workdir: Path) -> str:
    """Use an unsecured endpoint if offered, else sign-and-encrypt with a throw-away certificate."""
    from asyncua import ua
    from asyncua.crypto import security_policies
    from asyncua.crypto.cert_gen import setup_self_signed_certificate
    from cryptography.x509.oid import ExtendedKeyUsageOID

    if any(ep.SecurityMode == ua.MessageSecurityMode.None_ for ep in endpoints):
        return "None"
    policies = {
        "Basic256Sha256": security_policies.SecurityPolicyBasic256Sha256,
        "Aes128_Sha256_RsaOaep": security_policies.SecurityPolicyAes128Sha256RsaOaep,
        "Aes256_Sha256_RsaPss": security_policies.SecurityPolicyAes256Sha256RsaPss,
    }
    usable = [ep for ep in endpoints if _policy_name(ep.SecurityPolicyUri) in policies]
    if not usable:
        return "none usable"
    best = max(usable, key=lambda ep: ep.SecurityLevel)
    key_file, cert_file = workdir / "client-key.pem", workdir / "client-cert.der"
    await setup_self_signed_certificate(
        key_file,
        cert_file,
        "urn:plantarch:discovery",
        socket.gethostname(),
        [ExtendedKeyUsageOID.CLIENT_AUTH],
        {"commonName": "plantarch discovery"},
    )
    await client.set_security(
        policies[_policy_name(best.SecurityPolicyUri)],
        cert_file,
        key_file,
        server_certificate=best.ServerCertificate,
        mode=best.SecurityMode,
    )
    return f"{best.SecurityMode.name} {_policy_name(best.SecurityPolicyUri)}"


async def _survey(
    url: str, *, depth: int, username: str | None, password: str | None, timeout: float
) -> dict[str, Any]:
    from asyncua.client.client import Client
    from asyncua.ua.uaerrors import UaError

    probe = Client(url, timeout=timeout)
    try:
        endpoints = await asyncio.wait_for(probe.connect_and_get_server_endpoints(), timeout)
    except (OSError, TimeoutError, ConnectionError, UaError, asyncio.CancelledError) as exc:
        reason = str(exc) or type(exc).__name__
        raise SourceUnreachable(
            f"cannot reach OPC UA server at {redact_url(url)} within {timeout:g} s: {reason}"
        ) from None
    facts: dict[str, Any] = {"endpoints": _endpoint_facts(endpoints), "warnings": []}
    if endpoints:
        app = endpoints[0].Server
        facts["server"] = {
            "application_uri": app.ApplicationUri,
            "product_uri": app.ProductUri,
            "application_name": app.ApplicationName.Text if app.ApplicationName else None,
        }
    client = Client(url, timeout=timeout)
    if username:
        client.set_user(username)
    if password:
        client.set_password(password)
    with tempfile.TemporaryDirectory(prefix="plantarch-opcua-") as workdir:
        try:
            facts["session_security"] = await _session_security(client, endpoints, Path(workdir))
            async with asyncio.timeout(timeout * 6):
                await client.connect()
                try:
                    await _read_session(client, facts, depth)
                finally:
                    await client.disconnect()
        except (OSError, TimeoutError, ConnectionError, UaError) as exc:
            facts["warnings"].append(
                f"OPC UA server at {redact_url(url)} offered its endpoints but no session: "
                f"{str(exc) or type(exc).__name__}; the address space was not browsed"
            )
    return facts


async def _read_session(client: Any, facts: dict[str, Any], depth: int) -> None:
    from asyncua.ua.object_ids import ObjectIds

    namespaces = await client.get_namespace_array()
    facts["namespaces"] = namespaces
    build = await client.get_node(ObjectIds.Server_ServerStatus_BuildInfo).read_value()
    facts["build_info"] = {
        "product_uri": build.ProductUri,
        "manufacturer": build.ManufacturerName,
        "product": build.ProductName,
        "software_version": build.SoftwareVersion,
        "build_number": build.BuildNumber,
    }
    browser = _Browser(client, namespaces, depth)
    hierarchy = await browser.walk(client.nodes.objects.nodeid, 1)
    facts["node_counts"] = dict(sorted(browser.counts.items()))
    facts["object_instances"] = sum(browser.instances_by_model.values())
    facts["instances_by_model"] = dict(sorted(browser.instances_by_model.items()))
    facts["equipment_hierarchy"] = hierarchy
    facts["browsed_nodes"] = len(browser.visited)
    facts["truncated"] = browser.truncated


def _host_of(url: str) -> tuple[str | None, list[str], int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or 4840
    ip = normalize_ip(host)
    if ip:
        return ip, [], port
    try:
        resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0]
    except OSError:
        resolved = None
    return (normalize_ip(str(resolved)) if resolved else None), ([] if host == "localhost" else [host]), port


def _describe_server(uri: str, facts: dict[str, Any]) -> str:
    """One line recording what the server exposes: namespaces, objects, equipment (kept in the store)."""
    parts = [f"OPC UA server {uri}"]
    if "namespaces" in facts:
        models = sorted({m for m in facts.get("instances_by_model", {}) if m != "other"})
        parts.append(f"{len(facts['namespaces'])} namespaces, {facts.get('object_instances', 0)} objects")
        if models:
            parts.append("companion models: " + ", ".join(models))
        equipment = [e["name"] for e in facts.get("equipment_hierarchy", [])][:10]
        if equipment:
            parts.append("equipment: " + ", ".join(equipment))
    return "; ".join(parts)


def survey_server(
    url: str,
    *,
    depth: int = 6,
    username: str | None = None,
    password: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ObservationBatch:
    """Connect to a live OPC UA server and return its server, host and address-space summary."""
    clean, url_user, url_password = _split_url(url)
    started = datetime.now(UTC)
    facts = asyncio.run(
        _survey(
            clean,
            depth=depth,
            username=username or url_user,
            password=password or url_password,
            timeout=timeout,
        )
    )
    server = facts.get("server", {})
    build = facts.get("build_info", {})
    uri = server.get("application_uri") or clean
    name = server.get("application_name") or build.get("product") or uri
    system = System(
        key=f"opcua-{key_part(uri)}"[:200],
        name=name,
        kind="opc-server",
        vendor=build.get("manufacturer") or None,
        product=build.get("product") or None,
        version=build.get("software_version") or None,
        description=_describe_server(uri, facts),
    )
    ip, names, port = _host_of(clean)
    security = sorted({f"{e['security_mode']}/{e['security_policy']}" for e in facts["endpoints"]})
    host = HostObservation(
        ip=ip,
        names=names,
        roles=["opcua-server"],
        services=[f"tcp/{port}/opcua"],
        identity={"application_uri": uri, "opcua_security": ", ".join(security)},
        systems=[system.key],
        first_seen=started,
        last_seen=started,
    )
    summary = {k: v for k, v in facts.items() if k != "warnings"}
    summary["insecure_endpoints"] = sum(1 for e in facts["endpoints"] if e["security_mode"] == "None")
    return ObservationBatch(
        provenance=Provenance(source="opcua", reference=clean, observed_at=started),
        systems=[system],
        hosts=[host] if ip or names else [],
        summary=summary,
        warnings=facts["warnings"],
    )


def read_nodeset_file(path: Path, *, depth: int = 6) -> ObservationBatch:
    """Summarise a NodeSet2 file: namespaces, models, node counts, equipment hierarchy."""
    summary = summarize_nodeset(load_with_required(path), depth=depth)
    summary["file"] = str(path)
    return ObservationBatch(provenance=Provenance(source="opcua", reference=str(path)), summary=summary)


class OpcUaSource(DiscoverySource):
    """A live OPC UA server (opc.tcp://host:port) or a NodeSet2 XML file."""

    name: ClassVar[str] = "opcua"
    label: ClassVar[str] = "OPC UA server or NodeSet2 file"
    parameters: ClassVar[dict[str, str]] = {
        "depth": "How many levels below the Objects folder to browse (default 6).",
        "username": "User name for the session (optional).",
        "password": "Password for the session (optional; never stored or printed).",
        "timeout": f"Seconds to wait for the server (default {DEFAULT_TIMEOUT:g}).",
    }
    sensitive_parameters: ClassVar[frozenset[str]] = frozenset({"password"})
    trust: ClassVar[str] = "active"

    def observe(self, target: str, **params: Any) -> ObservationBatch:
        """Survey the server at `target`, or read `target` as a NodeSet2 file."""
        depth = int(params.get("depth") or 6)
        if "://" not in target:
            path = Path(target)
            if not path.is_file():
                raise InputError("no such NodeSet2 file (or give an opc.tcp:// URL)", file=target)
            return read_nodeset_file(path, depth=depth)
        return survey_server(
            target,
            depth=depth,
            username=params.get("username"),
            password=params.get("password"),
            timeout=float(params.get("timeout") or DEFAULT_TIMEOUT),
        )
