"""API tokens and roles: tokens are random, shown once, and stored only as SHA-256 hashes.

A token carries 256 random bits, so a fast hash is enough (no password stretching is needed) and
lets each request find its token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from plantarch.errors import InputError
from plantarch.governance import audit
from plantarch.store import Store
from plantarch.store.governance_tables import api_tokens

TOKEN_PREFIX = "pat_"
"""Every plantarch API token starts with this, so secret scanners can spot leaked ones."""


class Role(StrEnum):
    """What a token's user may do; each role includes the ones before it."""

    VIEWER = "viewer"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in viewer < editor < reviewer < admin."""
        return list(Role).index(self)


@dataclass(frozen=True)
class Principal:
    """The user behind a request and their role."""

    user: str
    role: Role

    def has(self, role: Role) -> bool:
        """Whether this user's role includes `role`."""
        return self.role.rank >= role.rank


WAIVE_ROLE = Role.REVIEWER
"""The role that may record and revoke waivers (API, web UI): a waiver is an approved exception that takes
a finding out of `plantarch check --fail-on`, so it needs the role that approves."""


def may_waive(user: Principal) -> bool:
    """Whether the user may record or revoke a waiver (reviewer or admin)."""
    return user.has(WAIVE_ROLE)


class TokenInfo(BaseModel):
    """A token as listed: never the token itself, only its first characters."""

    id: int
    user: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None


def hash_token(token: str) -> str:
    """The stored form of a token: hex SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _write(store: Store) -> Session:
    return Session(store.engine.execution_options(plantarch_write=True))


def create_token(store: Store, user: str, role: Role | str, *, by: str = "admin") -> tuple[TokenInfo, str]:
    """Create a token for `user` with `role`; returns its listing and the token (shown this once only)."""
    user = user.strip()
    if not user:
        raise InputError("a token needs a user name", field="user")
    try:
        role = Role(role)
    except ValueError:
        raise InputError(f"unknown role {role!r}; roles: {', '.join(Role)}", field="role") from None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with _write(store) as session, session.begin():
        conn = session.connection()
        new_id = conn.execute(
            insert(api_tokens).values(
                user=user, role=role.value, token_hash=hash_token(token), prefix=token[:10], created_at=now
            )
        ).inserted_primary_key
        assert new_id is not None
        token_id = int(new_id[0])
        audit.record(
            conn,
            user=by,
            action="token-create",
            target=f"token:{token_id}",
            detail={"user": user, "role": role.value},
        )
    return TokenInfo(id=token_id, user=user, role=role, prefix=token[:10], created_at=now), token


def list_tokens(store: Store, *, include_revoked: bool = False) -> list[TokenInfo]:
    """Tokens by id (active only unless `include_revoked`)."""
    stmt = select(api_tokens).order_by(api_tokens.c.id)
    if not include_revoked:
        stmt = stmt.where(api_tokens.c.revoked_at.is_(None))
    with store.engine.connect() as conn:
        return [TokenInfo.model_validate(dict(row)) for row in conn.execute(stmt).mappings()]


def revoke_token(store: Store, token_id: int, *, by: str = "admin") -> TokenInfo:
    """Revoke a token at once; it stays listed (with --all) for the record."""
    with _write(store) as session, session.begin():
        conn = session.connection()
        result = conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        if result.rowcount != 1:
            raise InputError(f"no active token with id {token_id}", field="id")
        audit.record(conn, user=by, action="token-revoke", target=f"token:{token_id}")
        row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).mappings().one()
    return TokenInfo.model_validate(dict(row))


def authenticate(store: Store, token: str) -> Principal | None:
    """The user and role of an active token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    stmt = select(api_tokens.c.user, api_tokens.c.role).where(
        api_tokens.c.token_hash == hash_token(token), api_tokens.c.revoked_at.is_(None)
    )
    with store.engine.connect() as conn:
        row = conn.execute(stmt).first()
    return Principal(user=row[0], role=Role(row[1])) if row else None


class TokenCache:
    """Recently authenticated tokens, kept `seconds` so a busy server does not look up every request;
    a revoked token therefore stops working within `seconds` (0 turns the cache off)."""

    def __init__(self, seconds: float = 5.0, size: int = 4096) -> None:
        self.seconds = seconds
        self.size = size
        self._seen: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def authenticate(self, store: Store, token: str) -> Principal | None:
        """Like `authenticate`, answered from the cache while the entry is fresh."""
        fresh, principal = self.lookup(token)
        if fresh:
            return principal
        principal = authenticate(store, token)
        self.remember(token, principal)
        return principal

    def lookup(self, token: str) -> tuple[bool, Principal | None]:
        """(True, the cached answer) while a fresh entry exists, else (False, None); no database I/O."""
        if self.seconds <= 0:
            return False, None
        with self._lock:
            hit = self._seen.get(token)
        if hit is not None and time.monotonic() - hit[0] < self.seconds:
            return True, hit[1]
        return False, None

    def remember(self, token: str, principal: Principal | None) -> None:
        """Cache the answer of a lookup in the database."""
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._seen) >= self.size:
                self._seen.clear()
            self._seen[token] = (time.monotonic(), principal)


def auth_configured(store: Store) -> bool:
    """Whether at least one active token exists (the server then requires tokens)."""
    stmt = select(func.count()).select_from(api_tokens).where(api_tokens.c.revoked_at.is_(None))
    with store.engine.connect() as conn:
        return bool(conn.scalar(stmt))
