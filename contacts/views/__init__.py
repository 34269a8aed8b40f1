"""Contact pages, one module per area."""
