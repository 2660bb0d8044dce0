"""Settings of the API server: where the store is, anonymous local use, governance rules."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from plantarch.api.auth import Role
from plantarch.governance import GovernanceSettings

TOKEN_COOKIE = "plantarch_token"
"""Cookie the web UI keeps the token in; the API accepts it as well as the Authorization header."""


class ApiSettings(BaseModel):
    """How `create_app` opens the store and authenticates requests."""

    model_config = ConfigDict(extra="forbid")

    workspace: Path | None = Field(default=None, description="Workspace directory (SQLite).")
    database: str | None = Field(
        default=None, description="Database URL (PostgreSQL) instead of a workspace."
    )
    anonymous_role: Role | None = Field(
        default=None,
        description="Role of requests without a token; `serve` sets it only on loopback without tokens.",
    )
    governance: GovernanceSettings = Field(default_factory=GovernanceSettings)
    token_cache_seconds: float = Field(
        default=5.0, ge=0, description="How long a checked token is trusted before it is looked up again."
    )
    max_page: int = Field(default=1000, ge=1, description="Largest `limit` a list endpoint accepts.")
