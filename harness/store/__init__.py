"""Storage: an append-only journal per run (the durable record, `journal`), DuckDB as the index built from journals
(`db`, `migrations`, `load_child`), the runs the store knows (`runs`), what a run records about where it ran
(`provenance`), and the JSON codec the journal and the cache share (`fastjson`)."""
