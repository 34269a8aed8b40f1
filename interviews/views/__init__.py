"""Interview pages, one module per area."""
