"""Reports: view data (`data.py`, `compare.py`) rendered to self-contained HTML, Markdown or JSON (`render.py`)."""
