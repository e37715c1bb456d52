"""The thin FastAPI layer: ingest, the live feed, live metrics (CRUD from issue 3)."""
