"""The REST API: `create_app(store_or_settings)`, token auth with roles, one routes module per resource."""

from plantarch.api.app import create_app
from plantarch.api.auth import Principal, Role
from plantarch.api.settings import ApiSettings

__all__ = ["ApiSettings", "Principal", "Role", "create_app"]
