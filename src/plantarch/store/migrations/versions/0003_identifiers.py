"""Identifiers table: what reconcile recognises assets and systems by, filled from the stored objects.

Revision ID: 0003_identifiers
Revises: 0002_governance
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from plantarch.store.identifiers import iter_rows
from plantarch.store.repository import bulk_insert
from plantarch.store.tables import assets, identifiers, systems

revision: str = "0003_identifiers"
down_revision: str | None = "0002_governance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROWS = 20_000


def upgrade() -> None:
    """Create the table and its (kind, value) index, then index every stored asset and system."""
    op.create_table(
        "identifiers",
        sa.Column("object", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("object", "kind", "value", name="pk_identifiers"),
    )
    op.create_index("ix_identifiers_kind_value", "identifiers", ["kind", "value"])
    conn = op.get_bind()
    for kind, table in (("asset", assets), ("system", systems)):
        rows: list[tuple[str, str, str]] = []
        for row in iter_rows(conn, table, kind):
            rows.append(row)
            if len(rows) >= _ROWS:
                bulk_insert(conn, identifiers, ("object", "kind", "value"), rows)
                rows = []
        bulk_insert(conn, identifiers, ("object", "kind", "value"), rows)


def downgrade() -> None:
    """Drop the identifiers table."""
    op.drop_table("identifiers")
