"""Web layer: FastAPI routers, Jinja templates and static assets only."""
