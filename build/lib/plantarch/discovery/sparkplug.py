"""Sparkplug B: topic names and the protobuf Payload of NBIRTH/DBIRTH, decoded with Google's `protobuf`.

The schema is Eclipse Tahu's sparkplug_b.proto (Sparkplug 3.0), declared here as a descriptor so no
`protoc` step or generated module is needed and any protobuf runtime >= 4.21 works (see
docs/discovery-sources.md for why this and not a Sparkplug client library).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError, Message

NAMESPACE = "spBv1.0"
MESSAGE_TYPES = frozenset({"NBIRTH", "NDEATH", "DBIRTH", "DDEATH", "NDATA", "DDATA", "NCMD", "DCMD"})

DATATYPES: dict[int, str] = {
    1: "Int8",
    2: "Int16",
    3: "Int32",
    4: "Int64",
    5: "UInt8",
    6: "UInt16",
    7: "UInt32",
    8: "UInt64",
    9: "Float",
    10: "Double",
    11: "Boolean",
    12: "String",
    13: "DateTime",
    14: "Text",
    15: "UUID",
    16: "DataSet",
    17: "Bytes",
    18: "File",
    19: "Template",
    20: "PropertySet",
    21: "PropertySetList",
}
"""Sparkplug B metric data types (scalars; 22-34 are the array types)."""

_F = descriptor_pb2.FieldDescriptorProto
_OPTIONAL, _REPEATED = _F.LABEL_OPTIONAL, _F.LABEL_REPEATED
_SCALARS = {
    "uint32": _F.TYPE_UINT32,
    "uint64": _F.TYPE_UINT64,
    "float": _F.TYPE_FLOAT,
    "double": _F.TYPE_DOUBLE,
    "bool": _F.TYPE_BOOL,
    "string": _F.TYPE_STRING,
    "bytes": _F.TYPE_BYTES,
}
_PREFIX = ".org.eclipse.tahu.protobuf.Payload"
_VALUE_ONEOF = ("int_value", "long_value", "float_value", "double_value", "boolean_value", "string_value")
_VALUE_TYPES = ("uint32", "uint64", "float", "double", "bool", "string")
_Field = tuple[str, int, str, bool, str | None]


def _value_fields(first: int) -> list[_Field]:
    """The six scalar members of a Sparkplug 'value' oneof, numbered from `first`."""
    return [
        (n, first + i, t, False, "value")
        for i, (n, t) in enumerate(zip(_VALUE_ONEOF, _VALUE_TYPES, strict=True))
    ]


# (message, [(field, number, type, repeated, oneof)]); a type starting with '.' names a message.
_SCHEMA: list[tuple[str, list[_Field]]] = [
    (
        "Template.Parameter",
        [("name", 1, "string", False, None), ("type", 2, "uint32", False, None), *_value_fields(3)],
    ),
    (
        "Template",
        [
            ("version", 1, "string", False, None),
            ("metrics", 2, f"{_PREFIX}.Metric", True, None),
            ("parameters", 3, f"{_PREFIX}.Template.Parameter", True, None),
            ("template_ref", 4, "string", False, None),
            ("is_definition", 5, "bool", False, None),
        ],
    ),
    (
        "DataSet.DataSetValue",
        _value_fields(1),
    ),
    ("DataSet.Row", [("elements", 1, f"{_PREFIX}.DataSet.DataSetValue", True, None)]),
    (
        "DataSet",
        [
            ("num_of_columns", 1, "uint64", False, None),
            ("columns", 2, "string", True, None),
            ("types", 3, "uint32", True, None),
            ("rows", 4, f"{_PREFIX}.DataSet.Row", True, None),
        ],
    ),
    (
        "PropertyValue",
        [
            ("type", 1, "uint32", False, None),
            ("is_null", 2, "bool", False, None),
            *_value_fields(3),
            ("propertyset_value", 9, f"{_PREFIX}.PropertySet", False, "value"),
            ("propertysets_value", 10, f"{_PREFIX}.PropertySetList", False, "value"),
        ],
    ),
    (
        "PropertySet",
        [("keys", 1, "string", True, None), ("values", 2, f"{_PREFIX}.PropertyValue", True, None)],
    ),
    ("PropertySetList", [("propertyset", 1, f"{_PREFIX}.PropertySet", True, None)]),
    (
        "MetaData",
        [
            ("is_multi_part", 1, "bool", False, None),
            ("content_type", 2, "string", False, None),
            ("size", 3, "uint64", False, None),
            ("seq", 4, "uint64", False, None),
            ("file_name", 5, "string", False, None),
            ("file_type", 6, "string", False, None),
            ("md5", 7, "string", False, None),
            ("description", 8, "string", False, None),
        ],
    ),
    (
        "Metric",
        [
            ("name", 1, "string", False, None),
            ("alias", 2, "uint64", False, None),
            ("timestamp", 3, "uint64", False, None),
            ("datatype", 4, "uint32", False, None),
            ("is_historical", 5, "bool", False, None),
            ("is_transient", 6, "bool", False, None),
            ("is_null", 7, "bool", False, None),
            ("metadata", 8, f"{_PREFIX}.MetaData", False, None),
            ("properties", 9, f"{_PREFIX}.PropertySet", False, None),
            *_value_fields(10),
            ("bytes_value", 16, "bytes", False, "value"),
            ("dataset_value", 17, f"{_PREFIX}.DataSet", False, "value"),
            ("template_value", 18, f"{_PREFIX}.Template", False, "value"),
        ],
    ),
    (
        "",
        [
            ("timestamp", 1, "uint64", False, None),
            ("metrics", 2, f"{_PREFIX}.Metric", True, None),
            ("seq", 3, "uint64", False, None),
            ("uuid", 4, "string", False, None),
            ("body", 5, "bytes", False, None),
        ],
    ),
]


def _message(name: str, fields: list[_Field]) -> descriptor_pb2.DescriptorProto:
    message = descriptor_pb2.DescriptorProto(name=name)
    oneofs: list[str] = []
    for field_name, number, kind, repeated, oneof in fields:
        field = message.field.add(name=field_name, number=number, label=_REPEATED if repeated else _OPTIONAL)
        if kind.startswith("."):
            field.type, field.type_name = _F.TYPE_MESSAGE, kind
        else:
            field.type = _SCALARS[kind]
        if oneof:
            if oneof not in oneofs:
                oneofs.append(oneof)
                message.oneof_decl.add(name=oneof)
            field.oneof_index = oneofs.index(oneof)
    return message


@cache
def payload_class() -> type[Message]:
    """The protobuf message class of a Sparkplug B Payload."""
    file = descriptor_pb2.FileDescriptorProto(
        name="plantarch_sparkplug_b.proto", package="org.eclipse.tahu.protobuf", syntax="proto2"
    )
    built: dict[str, descriptor_pb2.DescriptorProto] = {}
    for path, fields in _SCHEMA:  # children come before their parents; the payload itself is last
        message = _message(path.rpartition(".")[2] or "Payload", fields)
        for child_path, child in built.items():
            if child_path.rpartition(".")[0] == path:
                message.nested_type.append(child)
        built[path] = message
    payload = built[""]
    file.message_type.append(payload)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    found: type[Message] = message_factory.GetMessageClass(
        pool.FindMessageTypeByName("org.eclipse.tahu.protobuf.Payload")
    )
    return found


@dataclass(frozen=True)
class SparkplugTopic:
    """A parsed Sparkplug B topic: spBv1.0/group/MESSAGE_TYPE/edge_node[/device] or spBv1.0/STATE/host."""

    group: str
    message_type: str
    edge_node: str
    device: str | None = None


def parse_topic(topic: str) -> SparkplugTopic | None:
    """The Sparkplug parts of a topic, or None when it is not a Sparkplug B topic."""
    parts = topic.split("/")
    if len(parts) < 3 or parts[0] != NAMESPACE:
        return None
    if parts[1] == "STATE" and len(parts) == 3:
        return SparkplugTopic(group="", message_type="STATE", edge_node=parts[2])
    if len(parts) not in (4, 5) or parts[2] not in MESSAGE_TYPES:
        return None
    device = parts[4] if len(parts) == 5 else None
    return SparkplugTopic(group=parts[1], message_type=parts[2], edge_node=parts[3], device=device)


def decode_payload(data: bytes) -> Any:
    """Decode a Sparkplug B Payload; raises ValueError for bytes that are not one."""
    payload = payload_class()()
    try:
        payload.ParseFromString(data)
    except DecodeError as exc:
        raise ValueError(f"not a Sparkplug B payload: {exc}") from None
    return payload


def _property_value(value: Any) -> Any:
    which = value.WhichOneof("value")
    return getattr(value, which) if which and which in _VALUE_ONEOF else None


def birth_metrics(data: bytes) -> list[dict[str, Any]]:
    """The metrics an NBIRTH/DBIRTH announces: name, data type, and simple properties (e.g. engUnit)."""
    metrics = []
    for metric in decode_payload(data).metrics:
        entry: dict[str, Any] = {
            "name": metric.name,
            "datatype": DATATYPES.get(metric.datatype, f"type-{metric.datatype}"),
        }
        if metric.HasField("properties"):
            props = metric.properties
            simple = {k: _property_value(v) for k, v in zip(props.keys, props.values, strict=False)}
            entry["properties"] = {k: v for k, v in simple.items() if v is not None}
        if metric.HasField("template_value") and metric.template_value.template_ref:
            entry["template"] = metric.template_value.template_ref
        metrics.append(entry)
    return metrics
