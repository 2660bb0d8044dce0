"""The canonical-YAML fast reader returns exactly what the YAML library returns, or defers to it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from plantarch.interchange.yaml_emit import dump_sections
from plantarch.interchange.yaml_fast import _RESERVED as RESERVED
from plantarch.interchange.yaml_fast import parse_canonical

yaml = YAML(typ="safe", pure=True)

names = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufeff"), max_size=20
)
leaf = st.one_of(
    text,
    st.sampled_from(
        ["yes", "No", "null", "~", "1.10", "2027-01-01", "10.0.0.1", "a b", "x:y", "#c", "- z", ""]
    ),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.none(),
)
value = st.recursive(
    leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)
document = st.dictionaries(names, value, min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(sections=st.dictionaries(names, st.lists(document, max_size=3), min_size=1, max_size=3))
def test_emitted_yaml_reads_the_same_with_both_readers(sections: dict[str, list[dict[str, Any]]]) -> None:
    rendered = dump_sections(sections.items())
    expected = yaml.load(rendered)
    fast = parse_canonical(rendered)
    assert fast is None or fast == expected
    plain_values = all(
        not isinstance(v, float | list | dict) for docs in sections.values() for d in docs for v in d.values()
    )
    # Keys YAML 1.1 reads as booleans ("y", "n", "on", ...) are quoted by the emitter: not the plain keys
    # of the canonical subset (no model field is named so), so those documents may use the full reader.
    plain_keys = all(
        k.lower() not in RESERVED for docs in sections.values() for d in docs for k in d
    ) and all(k.lower() not in RESERVED for k in sections)
    if plain_values and plain_keys:
        assert fast is not None  # the common case really takes the fast path


@pytest.mark.parametrize(
    "source",
    [
        "systems:\n- key: a\n  name: 'single quoted'\n",
        "systems:\n- key: a\n  name: b # trailing comment\n",
        "systems:\n- key: a\n  key: b\n",
        "systems:\n- key: a\n  date: 2027-01-01\n",
        "systems:\n- key: a\n  n: 0x1F\n",
        "systems:\n- key: a\n  flag: yes\n",
        "systems:\n- {key: a}\n",
        "systems:\n- key: a\n  text: |\n    block\n",
        "---\nsystems: []\n",
        "systems:\n-   key: a\n",
        "systems:\n\t- key: a\n",
        'systems:\n- key: a\n  name: "\\ud83d\\ude00"\n',
    ],
)
def test_anything_beyond_the_canonical_subset_defers_to_the_yaml_library(source: str) -> None:
    assert parse_canonical(source) is None


def test_comments_blank_lines_and_indented_sequences_are_read() -> None:
    source = "# plant\nsystems:\n\n  - key: a\n    tags:\n      - x\n    costs:\n      licence: 10\n"
    assert parse_canonical(source) == yaml.load(source)
