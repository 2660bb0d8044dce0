"""XML from outside, parsed with defusedxml: no entity expansion bombs, no external entities."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse, parse

_REFUSED = (
    "refused: the file declares XML entities ({detail}); plantarch never expands entities or "
    "fetches external ones (billion-laughs / XXE protection). Remove the DOCTYPE entity declarations."
)


def _error(path: Path, exc: Exception) -> Exception:
    from plantarch.errors import InputError

    if isinstance(exc, DefusedXmlException):
        return InputError(_REFUSED.format(detail=type(exc).__name__), file=str(path))
    if isinstance(exc, ParseError):
        line, column = getattr(exc, "position", (None, None))
        return InputError(f"not well-formed XML: {exc}", file=str(path), line=line, offset=column)
    return InputError(f"cannot read: {exc}", file=str(path))


def parse_xml(path: Path) -> Element:
    """The root element of an XML file; entity declarations and malformed XML raise InputError."""
    try:
        root: Element = parse(str(path)).getroot()
        return root
    except (DefusedXmlException, ParseError, OSError) as exc:
        raise _error(path, exc) from None


def iter_events(path: Path) -> Iterator[tuple[str, Element]]:
    """Stream ("start" | "end", element) events; the caller clears elements it is done with."""
    try:
        yield from iterparse(str(path), events=("start", "end"))
    except (DefusedXmlException, ParseError, OSError) as exc:
        raise _error(path, exc) from None


def local_name(tag: str) -> str:
    """The tag without its {namespace}."""
    return tag.rsplit("}", 1)[-1]
