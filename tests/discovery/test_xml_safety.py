"""XML from any source is parsed with defusedxml: entity bombs and external entities are refused."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from plantarch.discovery.nmap import read_nmap_xml
from plantarch.discovery.opcua_nodeset import read_nodeset
from plantarch.errors import InputError
from plantarch.store import open_store

sys.path.insert(0, str(Path(__file__).parent))
from sources_cli import invoke

SECRET = "plantarch-xxe-canary-5b1f"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE {root} [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
{body}"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE {root} [ <!ENTITY secret SYSTEM "file://{secret_file}"> ]>
{body}"""

NMAP_BODY = '<nmaprun start="1"><host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/>\
<hostnames><hostname name="&{entity};"/></hostnames></host></nmaprun>'
NODESET_BODY = '<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd"><NamespaceUris>\
<Uri>&{entity};</Uri></NamespaceUris></UANodeSet>'

READERS = {"nmap": (read_nmap_xml, "nmaprun", NMAP_BODY), "opcua": (read_nodeset, "UANodeSet", NODESET_BODY)}


def _bomb(path: Path, root: str, body: str) -> Path:
    path.write_text(BILLION_LAUGHS.format(root=root, body=body.format(entity="lol9")))
    return path


def _xxe(path: Path, root: str, body: str, secret_file: Path) -> Path:
    path.write_text(
        EXTERNAL_ENTITY.format(root=root, body=body.format(entity="secret"), secret_file=secret_file)
    )
    return path


@pytest.mark.parametrize("source", sorted(READERS))
def test_billion_laughs_is_refused_with_a_clear_error(tmp_path: Path, source: str) -> None:
    reader, root, body = READERS[source]
    bomb = _bomb(tmp_path / "bomb.xml", root, body)
    with pytest.raises(InputError, match="refused: the file declares XML entities") as info:
        reader(bomb)
    assert info.value.file == str(bomb)


@pytest.mark.parametrize("source", sorted(READERS))
def test_external_entities_are_refused_and_never_read(tmp_path: Path, source: str) -> None:
    reader, root, body = READERS[source]
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    xxe = _xxe(tmp_path / "xxe.xml", root, body, secret_file)
    with pytest.raises(InputError, match="billion-laughs / XXE protection") as info:
        reader(xxe)
    assert SECRET not in str(info.value)


def test_the_cli_exits_2_and_writes_nothing_for_a_hostile_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    xxe = _xxe(tmp_path / "scan.xml", "nmaprun", NMAP_BODY, secret_file)
    bomb = _bomb(tmp_path / "nodeset.xml", "UANodeSet", NODESET_BODY)

    scan = invoke("discover", "nmap", str(xxe), "--workspace", "ws", cwd=tmp_path)
    nodeset = invoke("discover", "opcua", str(bomb), "--workspace", "ws", cwd=tmp_path)

    for result, name in ((scan, "scan.xml"), (nodeset, "nodeset.xml")):
        assert result.returncode == 2
        assert name in result.stderr and "refused" in result.stderr
        assert "Traceback" not in result.stderr
        assert SECRET not in result.stdout + result.stderr
    with open_store(workspace=tmp_path / "ws") as store:
        assert store.revision == 0
