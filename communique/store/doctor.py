"""`communique doctor`: check that every table of a store file can be read, and copy what can
be read into a new store.

    report = check_store("communique.duckdb")                  # {"ok", "tables", "problems"}
    report = check_store("communique.duckdb", out="rescued.duckdb")   # and copy to a new file

A table that cannot be read whole is copied in slices of rows, so that one damaged block loses
only its rows. The new file is a store like any other (migrated by Store); an ingest of the
same inputs into it records again what was lost.
"""
from __future__ import annotations

import os

import duckdb

from ..errors import StoreError

SLICE = 10_000


def _first_line(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}" if str(exc) else \
        type(exc).__name__


def _tables(con) -> list[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE "
                       "table_schema = 'main' ORDER BY table_name").fetchall()
    return [r[0] for r in rows]


def check_store(path: str, out: str | None = None) -> dict:
    """Read every row of every table of the store at `path` (never written); with `out`, copy
    what can be read into a new store there. Returns {"db", "ok", "tables": {table: {"rows",
    "readable", "copied", "error"}}, "problems": [...], "out"}."""
    if not os.path.exists(path):
        raise StoreError(f"no store at {path}", hint="check the path")
    if out and os.path.exists(out):
        raise StoreError(f"{out} exists already", hint="name a new file for the copy")
    report: dict = {"db": path, "ok": True, "tables": {}, "problems": [], "out": out}
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.Error as exc:
        report["ok"] = False
        report["problems"].append(f"cannot open the file: {_first_line(exc)}")
        return report
    try:
        try:
            tables = _tables(con)
        except duckdb.Error as exc:
            report["ok"] = False
            report["problems"].append(f"cannot read the list of tables: {_first_line(exc)}")
            return report
        for table in tables:
            entry = {"rows": None, "readable": True, "copied": 0, "error": None}
            try:
                entry["rows"] = con.execute(
                    f'SELECT count(*), sum(hash(t)) FROM "{table}" t').fetchone()[0]
            except duckdb.Error as exc:
                entry["readable"], entry["error"] = False, _first_line(exc)
                report["ok"] = False
                report["problems"].append(f"table {table}: {entry['error']}")
            report["tables"][table] = entry
    finally:
        con.close()
    if out:
        _copy(path, out, report)
    return report


def _copy(path: str, out: str, report: dict) -> None:
    from .core import Store
    with Store(out) as store:                       # a new, migrated store
        con = store.con
        con.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS damaged (READ_ONLY)")
        try:
            wanted = set(_tables(con))
            for table, entry in report["tables"].items():
                if table == "_migrations" or table not in wanted:
                    continue
                entry["copied"] = _copy_table(con, table, entry)
        finally:
            con.execute("DETACH damaged")


def _copy_table(con, table: str, entry: dict) -> int:
    """Rows of one table into the new store: all at once, else slice by slice."""
    insert = f'INSERT INTO main."{table}" BY NAME SELECT * FROM damaged."{table}"'
    try:
        con.execute(insert)
        return con.execute(f'SELECT count(*) FROM main."{table}"').fetchone()[0]
    except duckdb.Error:
        pass
    try:
        last = con.execute(f'SELECT max(rowid) FROM damaged."{table}"').fetchone()[0]
    except duckdb.Error:
        last = entry["rows"]
    if last is None:
        return 0
    for start in range(0, int(last) + 1, SLICE):
        try:
            con.execute(f"{insert} WHERE rowid BETWEEN {start} AND {start + SLICE - 1}")
        except duckdb.Error:
            continue                                # this slice is lost; the next may read
    return con.execute(f'SELECT count(*) FROM main."{table}"').fetchone()[0]


def format_report(report: dict) -> str:
    lines = [f"{'table':<14} {'rows':>9}  state"]
    for table, e in report["tables"].items():
        rows = "?" if e["rows"] is None else str(e["rows"])
        state = "ok" if e["readable"] else f"DAMAGED: {e['error']}"
        if report.get("out") and table != "_migrations":
            state += f"; {e['copied']} rows copied"
        lines.append(f"{table:<14} {rows:>9}  {state}")
    lines += [f"problem: {p}" for p in report["problems"] if not p.startswith("table ")]
    if report["ok"]:
        lines.append(f"{report['db']}: every table reads whole")
    elif not report["tables"]:
        lines.append(f"{report['db']}: nothing in it can be read; ingest the inputs again into "
                     "a new store")
    elif report.get("out"):
        lines.append(f"{report['db']} is damaged; what could be read is in {report['out']}; "
                     "ingest the inputs again into it to record what was lost")
    else:
        lines.append(f"{report['db']} is damaged: run again with --out NEW.duckdb to copy what "
                     "can be read to a new file")
    return "\n".join(lines)
