"""Reconcile: merge every source's observations into the inventory, in one change set, with provenance.

Rules (docs/discovery-sources.md explains them for users):
- an observation is about a known asset when it shares its OPC UA application URI, a MAC, a hostname,
  or an IP seen within `ip_window` of the asset (and no conflicting MAC); the strongest wins;
- every value is kept with its source (`field_sources`); a field takes the value of the most trusted
  source (declared by a person > CMDB > active scan > passive), never replacing a person's value;
- list fields (IPs, MACs, names, roles, services) only grow; observed flows get `origin=observed` and a
  key derived from their endpoints, transport and port; assets and systems only discovery knows get
  declared=False (a model import never deletes those);
- reconciling the same batch twice changes nothing.
"""

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import text

from plantarch.discovery.inventory_merge import InventoryMerge, flow_key
from plantarch.discovery.matching import DEFAULT_IP_WINDOW
from plantarch.discovery.observation import ObservationBatch
from plantarch.discovery.reconcile_result import FieldConflict, ReconcileResult
from plantarch.store import Store

__all__ = ["RECONCILE_LOCK", "FieldConflict", "ReconcileResult", "flow_key", "reconcile"]

RECONCILE_LOCK = 0x706C_6E74_7263  # "plntrc"
"""PostgreSQL advisory lock key: concurrent reconciles (sites pushing observations) run one at a time,
each reading the inventory the previous one committed, so no sighting is lost."""


def reconcile(
    store: Store,
    batch: ObservationBatch | Iterable[ObservationBatch],
    *,
    author: str,
    reason: str | None = None,
    ip_window: timedelta = DEFAULT_IP_WINDOW,
) -> ReconcileResult:
    """Merge one or more batches of observations into the store as ONE change set."""
    batches = [batch] if isinstance(batch, ObservationBatch) else list(batch)
    result = ReconcileResult()
    if not batches:
        return result
    sources = sorted({b.provenance.source for b in batches})
    references = [b.provenance.reference for b in batches if b.provenance.reference]
    why = reason or f"discover {', '.join(sources)}: {', '.join(references[:3])}" + (
        f" and {len(references) - 3} more" if len(references) > 3 else ""
    )
    with store.change(author=author, reason=why, source=",".join(sources)[:200]) as changes:
        if store.dialect == "postgresql":  # SQLite write transactions are already exclusive
            changes.connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RECONCILE_LOCK})
        merger = InventoryMerge(changes, ip_window, result, batches)  # reads inside the lock
        for one in batches:
            merger.apply(one)
        merger.write()
        changes.audit_as(f"discover-{'+'.join(sources)}"[:60])
    result.revision = changes.revision if result.changed else None
    return result
