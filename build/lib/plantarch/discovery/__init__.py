"""Discovery: one module per source, each producing observations; reconcile merges them."""
