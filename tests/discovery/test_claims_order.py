"""Claims keep the stored order they always had (a different order would rewrite every object)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plantarch.discovery.claims import sort_claims
from plantarch.model.base import FieldSource

values = st.one_of(
    st.integers(),
    st.text(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@given(st.lists(st.tuples(st.sampled_from(["packets", "name"]), values), max_size=8))
def test_claims_sort_by_field_source_reference_then_json_text(items: list[tuple[str, Any]]) -> None:
    claims = [FieldSource(field=field, value=value, source="pcap", reference="a") for field, value in items]
    expected = sorted(
        claims,
        key=lambda c: (c.field, c.source, c.reference, json.dumps(c.value, sort_keys=True, default=str)),
    )
    assert [c.value for c in sort_claims(claims)] == [c.value for c in expected]
