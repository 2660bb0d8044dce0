from plantarch.model import System
from plantarch.store import Store


def test_put_and_read_back(store: Store) -> None:
    with store.change(author="alice", reason="first") as cs:
        cs.put(System(key="mes", name="MES", kind="mes"))
    assert cs.revision == 1
    assert store.get("system", "mes") == System(key="mes", name="MES", kind="mes")
