"""Zone and location indexes of assets and systems carry the key, so filtered lists page in key order.

Revision ID: 0004_list_indexes
Revises: 0003_identifiers
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_list_indexes"
down_revision: str | None = "0003_identifiers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPLACED = [(table, column) for table in ("assets", "systems") for column in ("zone", "location")]


def upgrade() -> None:
    """Replace the one-column zone and location indexes with (column, key) ones."""
    for table, column in REPLACED:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        op.create_index(f"ix_{table}_{column}_key", table, [column, "key"])


def downgrade() -> None:
    """Back to the one-column indexes."""
    for table, column in REPLACED:
        op.drop_index(f"ix_{table}_{column}_key", table_name=table)
        op.create_index(f"ix_{table}_{column}", table, [column])
