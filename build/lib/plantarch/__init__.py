"""plantarch: one source of truth for a manufacturing plant's IT/OT architecture."""

__version__ = "0.1.0"
