from typing import Any

DECODE_WORDS: int
DECODE_FLAGS: int

def index_pcap(
    buffer: Any, n: int, big_endian: bool, scale: float, /
) -> tuple[bytes, bytes, bytes, bytes, int]: ...
def decode(data: Any, offsets: Any, caplen: Any, linktype: Any, words: Any, flags: Any, /) -> None: ...
def aggregate(
    packets: tuple[Any, ...],
    columns: tuple[Any, ...],
    slots: Any,
    size: int,
    samples: list[list[tuple[int, bytes]]],
    data: Any,
    sample_limit: int,
    sample_bytes: int,
    /,
) -> tuple[int, int]: ...
def index_flows(slots: Any, addr_a: Any, addr_b: Any, key: Any, size: int, /) -> None: ...
