"""Governance tables: proposals, reviews, comments, votes, decisions, the audit log and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from plantarch.store.tables import Document, metadata


def _number() -> Column[int]:
    """The row's id, numbered by the database."""
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _moment(name: str = "at") -> Column[datetime]:
    """A required point in time, with its time zone."""
    return Column(name, DateTime(timezone=True), nullable=False)


def _person(name: str) -> Column[str]:
    """A required user name."""
    return Column(name, String(200), nullable=False)


proposals = Table(
    "proposals",
    metadata,
    _number(),
    Column("title", String(200), nullable=False),
    _person("author"),
    Column("state", String(40), nullable=False),
    Column("risk", String(20), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    _moment("created_at"),
    _moment("updated_at"),
    Column("doc", Document, nullable=False),
    Index(None, "state"),
)
"""One row per proposal; `version` grows on every state change (optimistic locking)."""

reviews = Table(
    "reviews",
    metadata,
    _number(),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False),
    Column("model_revision", Integer, nullable=False),
    Column("verdict", String(40), nullable=False),
    _moment(),
    Column("doc", Document, nullable=False),
    Index(None, "proposal_id"),
)
"""Every automated review run; the newest per proposal is the current one."""

comments = Table(
    "proposal_comments",
    metadata,
    _number(),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False),
    _person("author"),
    _moment(),
    Column("text", Text, nullable=False),
    Index(None, "proposal_id"),
)

votes = Table(
    "proposal_votes",
    metadata,
    Column("proposal_id", Integer, ForeignKey("proposals.id"), primary_key=True),
    Column("reviewer", String(200), primary_key=True),
    Column("choice", String(20), nullable=False),
    _moment(),
)
"""One current vote per reviewer and proposal (a new vote replaces the old; the audit log keeps both)."""

decisions = Table(
    "decisions",
    metadata,
    _number(),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False, unique=True),
    Column("outcome", String(40), nullable=False),
    _person("decided_by"),
    _moment("decided_at"),
    Column("revision", Integer),
    Column("doc", Document, nullable=False),
)
"""One decision record per decided proposal; the unique proposal_id makes a second decision impossible."""

audit_log = Table(
    "audit_log",
    metadata,
    _number(),
    _moment(),
    _person("user"),
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
    _number(),
    _person("user"),
    Column("role", String(20), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    _moment("created_at"),
    Column("revoked_at", DateTime(timezone=True)),
)
"""API tokens, stored as SHA-256 hashes only; the token itself is shown once when created."""
