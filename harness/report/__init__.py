"""What the results say: view data from the DuckDB index (`data`, `cases`, `compare`, `quality`, `scenarios`,
`history`) rendered to self-contained HTML, Markdown or JSON (`render`, `charts`); the same numbers as pandas
DataFrames for notebooks (`notebook`, behind `harness.open`) and one cell at a time (`show`)."""
