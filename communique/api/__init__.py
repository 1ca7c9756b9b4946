"""The REST API and the web page over a store: `create_app(db)` builds the app, `serve` runs it.

>>> from communique.api import create_app          # doctest: +SKIP
>>> app = create_app("communique.duckdb")          # an ASGI app (FastAPI); OpenAPI at /api/openapi.json
"""
from .app import create_app, serve

__all__ = ["create_app", "serve"]
