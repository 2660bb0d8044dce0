"""Initial store schema: one table per object kind, asset addresses, change sets and changes.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = 200


def _doc(name: str = "doc", nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=nullable)


def _key(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.String(KEY), nullable=nullable)


def _object_table(name: str, *columns: sa.Column[Any], indexed: Sequence[str] = ()) -> None:
    op.create_table(
        name,
        _key("key", nullable=False),
        *columns,
        _doc(),
        sa.PrimaryKeyConstraint("key", name=f"pk_{name}"),
    )
    for column in indexed:
        op.create_index(f"ix_{name}_{column}", name, [column])


def upgrade() -> None:
    """Create the object tables and the change log."""
    _object_table(
        "locations", sa.Column("kind", sa.String(40), nullable=False), _key("parent"), indexed=["parent"]
    )
    _object_table("capabilities", sa.Column("category", sa.String(40), nullable=False), _key("parent"))
    _object_table("zones", _key("site"))
    _object_table("conduits", _key("zone_a"), _key("zone_b"), indexed=["zone_a", "zone_b"])
    _object_table(
        "systems",
        sa.Column("kind", sa.String(40), nullable=False),
        _key("zone"),
        _key("location"),
        sa.Column("purdue_level", sa.Float(), nullable=True),
        indexed=["kind", "zone", "location", "purdue_level"],
    )
    _object_table(
        "assets",
        _key("zone"),
        _key("location"),
        sa.Column("declared", sa.Boolean(), nullable=False),
        indexed=["zone", "location"],
    )
    op.create_table(
        "asset_ips",
        _key("asset", nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("asset", "ip", name="pk_asset_ips"),
    )
    op.create_index("ix_asset_ips_ip", "asset_ips", ["ip"])
    _object_table(
        "flows",
        _key("source", nullable=False),
        _key("target", nullable=False),
        sa.Column("protocol", sa.String(60), nullable=True),
        sa.Column("port", sa.Integer(), nullable=True),
        _key("via"),
        sa.Column("origin", sa.String(20), nullable=False),
        indexed=["source", "target", "protocol", "origin"],
    )
    _object_table(
        "waivers",
        sa.Column("rule", sa.String(200), nullable=False),
        _key("object", nullable=False),
        indexed=["rule"],
    )
    op.create_table(
        "change_sets",
        sa.Column("revision", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("revision", name="pk_change_sets"),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        _key("key", nullable=False),
        sa.Column("op", sa.String(10), nullable=False),
        _doc("before", nullable=True),
        _doc("after", nullable=True),
        sa.ForeignKeyConstraint(
            ["revision"], ["change_sets.revision"], name="fk_changes_revision_change_sets"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_changes"),
    )
    op.create_index("ix_changes_revision", "changes", ["revision"])
    op.create_index("ix_changes_kind_key", "changes", ["kind", "key"])


def downgrade() -> None:
    """Drop every store table."""
    for name in (
        "changes",
        "change_sets",
        "waivers",
        "flows",
        "asset_ips",
        "assets",
        "systems",
        "conduits",
        "zones",
        "capabilities",
        "locations",
    ):
        op.drop_table(name)
