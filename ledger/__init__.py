"""loopledger domain: events, store, projections, chains, metrics. Imports neither FastAPI nor Celery."""
