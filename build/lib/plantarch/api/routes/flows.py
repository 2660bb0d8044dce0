"""/api/flows: the plant's flows (list with filters and pages, get, create, update, delete)."""

from plantarch.api.routes.inventory import inventory_router

router = inventory_router("flow")
