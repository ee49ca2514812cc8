"""Storage: an append-only journal per run (the durable record) and DuckDB as the index built from journals."""
