"""The built-in rule types, one module per concern; registered by plantarch.standards.builtin."""
