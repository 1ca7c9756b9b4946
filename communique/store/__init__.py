"""The store: a DuckDB file of documents, entities, positions, events and their evidence."""
from .core import Store, export_parquet
from .schema import MIGRATIONS, TABLES, Migration
from .writer import Writer

__all__ = ["Store", "Writer", "export_parquet", "MIGRATIONS", "TABLES", "Migration"]
