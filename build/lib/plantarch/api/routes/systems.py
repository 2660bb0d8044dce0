"""/api/systems: the plant's systems (list with filters and pages, get, create, update, delete)."""

from plantarch.api.routes.inventory import inventory_router

router = inventory_router("system")
