"""Governance tables: proposals, reviews, comments, votes, decisions, the audit log and API tokens."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

from plantarch.store.tables import metadata

Document = JSON().with_variant(JSONB(), "postgresql")

proposals = Table(
    "proposals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(200), nullable=False),
    Column("author", String(200), nullable=False),
    Column("state", String(40), nullable=False),
    Column("risk", String(20), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("doc", Document, nullable=False),
    Index(None, "state"),
)
"""One row per proposal; `version` grows on every state change (optimistic locking)."""

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False),
    Column("model_revision", Integer, nullable=False),
    Column("verdict", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("doc", Document, nullable=False),
    Index(None, "proposal_id"),
)
"""Every automated review run; the newest per proposal is the current one."""

comments = Table(
    "proposal_comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False),
    Column("author", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("text", Text, nullable=False),
    Index(None, "proposal_id"),
)

votes = Table(
    "proposal_votes",
    metadata,
    Column("proposal_id", Integer, ForeignKey("proposals.id"), primary_key=True),
    Column("reviewer", String(200), primary_key=True),
    Column("choice", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
"""One current vote per reviewer and proposal (a new vote replaces the old; the audit log keeps both)."""

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False, unique=True),
    Column("outcome", String(40), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("revision", Integer),
    Column("doc", Document, nullable=False),
)
"""One decision record per decided proposal; the unique proposal_id makes a second decision impossible."""

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("target", String(300), nullable=False),
    Column("revision", Integer),
    Column("detail", Document, nullable=False),
    Index(None, "target"),
)
"""Append-only: every write and decision with its user; triggers refuse UPDATE and DELETE."""

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)
"""API tokens, stored as SHA-256 hashes only; the token itself is shown once when created."""
