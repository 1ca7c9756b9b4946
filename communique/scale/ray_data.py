"""Past one machine: extraction on a Ray cluster with Ray Data (`pip install 'communique[ray]'`).

    communique extract --input corpus.jsonl --engine ray [--address ray://head:10001] --out DIR
    communique load DIR --db communique.duckdb

The driver cuts the corpus files (JSONL, JSONL.gz, Parquet; local paths or URIs such as
s3://bucket/corpus.parquet that pyarrow reads) into shards of consecutive records. Ray Data runs a
pool of actors over the shards, each holding one `Extractor` (the model loaded once per actor), and
each record becomes a Document exactly as `communique extract --input` reads it: the same text, the
same ids. The output is Parquet partitioned by `kind` (documents, events, participants, mentions,
inputs), one row per record with `file` and `line` (the input's position), `idx` (its position among
the records of its input), `id`, `doc_id`, `type` and the record itself as JSON (`record`), which
`load` (load.py) turns back into the store's rows.
"""
from __future__ import annotations

import json
import logging
import os
from array import array
from dataclasses import dataclass

from ..errors import CommuniqueError, InputError, ResourceError
from ..ids import content_id
from ..nlp.pipeline import MODEL

SHARD_RECORDS = 32                  # records per task: a few seconds of work for one actor
KINDS = ("documents", "events", "participants", "mentions", "inputs")
COLUMNS = ("kind", "file", "line", "idx", "id", "doc_id", "type", "error", "record")


@dataclass
class Shard:
    """Records [start, end) (1-based lines of a JSONL file, or rows of a Parquet file)."""
    file: int                       # position of the file among the inputs
    path: str                       # as the user gave it: the records' source
    uri: str                        # what pyarrow opens
    fmt: str                        # jsonl | parquet
    start: int
    end: int
    offset: int = -1                # byte offset of line `start` (plain JSONL), else -1

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _require_ray():
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise ResourceError("Ray is not installed",
                            "pip install 'communique[ray]' (on the driver and every node)") from exc
    import ray
    return ray


def _location(path: str) -> str:
    """A URI as given, a local path made absolute (what every node opens)."""
    return path if "://" in path else os.path.abspath(path)


def _filesystem(uri: str):
    """(pyarrow filesystem, path inside it) of a URI or a local path."""
    import pyarrow.fs as pafs
    if "://" in uri:
        return pafs.FileSystem.from_uri(uri)
    return pafs.LocalFileSystem(), os.path.abspath(uri)


def _format(path: str) -> str:
    lower = path.lower()
    if lower.endswith(".parquet") or lower.endswith(".pq"):
        return "parquet"
    if lower.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        return "jsonl"
    raise InputError(f"{path}: --engine ray reads JSONL (.jsonl, .jsonl.gz) or Parquet files",
                     "convert the corpus, or use the local engine, which reads every format")


def plan_shards(paths: list[str], shard_records: int | None = None,
                workers: int = 1) -> list[Shard]:
    """The shards of the input files, in input order (one pass over each JSONL file). By
    default a shard holds up to SHARD_RECORDS records, fewer when that gives each worker at
    least four shards."""
    import pyarrow.parquet as pq
    files: list[tuple[int, str, str, str, list[int] | int]] = []
    for file, path in enumerate(paths):
        fmt = _format(path)
        uri = _location(path)
        fs, inner = _filesystem(uri)
        try:
            if fmt == "parquet":
                with fs.open_input_file(inner) as fh:
                    files.append((file, path, uri, fmt, pq.ParquetFile(fh).metadata.num_rows))
                continue
            starts = array("q")              # byte offset of each line
            offset = 0
            with fs.open_input_stream(inner, compression="detect") as fh:
                for data in _lines(fh):
                    starts.append(offset)
                    offset += len(data)
            files.append((file, path, uri, fmt, starts))
        except FileNotFoundError as exc:
            raise InputError(f"{path}: no such file", "check the path or URI") from exc
    total = sum(n if isinstance(n, int) else len(n) for *_, n in files)
    size = shard_records or max(1, min(SHARD_RECORDS, total // (4 * max(1, workers))))
    shards: list[Shard] = []
    for file, path, uri, fmt, rows in files:
        n = rows if isinstance(rows, int) else len(rows)
        seekable = fmt == "jsonl" and not uri.lower().endswith(".gz")
        for start in range(1, n + 1, size):
            offset = rows[start - 1] if seekable else -1
            shards.append(Shard(file, path, uri, fmt, start, min(start + size, n + 1), offset))
    return shards


def _lines(fh):
    """Lines (bytes, with their newline) of a pyarrow stream."""
    rest = b""
    while True:
        block = fh.read(1 << 20)
        if not block:
            break
        parts = (rest + block).split(b"\n")
        rest = parts.pop()
        for part in parts:
            yield part + b"\n"
    if rest:
        yield rest


def _shard_records(shard: Shard, max_bytes: int):
    """(line, value | Skipped) of the shard's records, as communique's JSONL reader sees them."""
    from ..ingest import Skipped
    from ..ingest.corpora import _parse_json
    fs, inner = _filesystem(shard.uri)
    if shard.fmt == "parquet":
        import pyarrow.parquet as pq
        with fs.open_input_file(inner) as fh:
            pf = pq.ParquetFile(fh)
            first = 1                       # read only the row groups the shard overlaps
            for group in range(pf.metadata.num_row_groups):
                n = pf.metadata.row_group(group).num_rows
                lo, hi = max(first, shard.start), min(first + n, shard.end)
                if lo < hi:
                    part = pf.read_row_group(group).slice(lo - first, hi - lo).to_pylist()
                    for i, rec in enumerate(part):
                        yield lo + i, rec
                first += n
        return
    if shard.offset >= 0:
        fh = fs.open_input_file(inner)
        fh.seek(shard.offset)
        line = shard.start - 1
    else:
        fh = fs.open_input_stream(inner, compression="detect")
        line = 0
    with fh:
        for data in _lines(fh):
            line += 1
            if line < shard.start:
                continue
            if line >= shard.end:
                break
            if not data.strip():
                continue
            where = f"{shard.path}#{line}"
            if len(data) > max_bytes * 2 + 4096:       # as communique's JSONL reader says it
                yield line, Skipped(where, "too_large", f"a line over {max_bytes * 2 + 4096} "
                                                       "bytes", line)
                continue
            rec, skip = _parse_json(data, where, line)
            yield line, skip or rec


def shard_rows(shard: Shard, extractor, *, published: str | None, max_bytes: int) -> list[dict]:
    """The output rows of one shard: every record of every input, in order."""
    from ..ingest import Skipped
    from ..ingest.corpora import _record
    items: list[tuple[int, object]] = []
    for line, rec in _shard_records(shard, max_bytes):
        if not isinstance(rec, Skipped):      # the same steps as `extract --input` takes
            rec = _record(rec, None, source=shard.path, line=line, published=published,
                          max_bytes=max_bytes, single=True)
        items.append((line, rec))
    docs = [item for _, item in items if not isinstance(item, Skipped)]
    extracted = iter(extractor.extract_many(docs))
    out: list[dict] = []

    def row(kind, line, idx, ident, doc_id, typ, record, error=None):
        out.append({"kind": kind, "file": shard.file, "line": line, "idx": idx, "id": ident,
                    "doc_id": doc_id, "type": typ, "error": error,
                    "record": json.dumps(record, ensure_ascii=False)})

    for line, item in items:
        if isinstance(item, Skipped):
            row("inputs", line, 0, None, item.doc_id, item.reason, item.to_dict())
            continue
        result = next(extracted)
        doc = result.document
        row("documents", line, 0, doc.id, doc.id, None, doc.to_dict(), result.error)
        for i, ev in enumerate(result.events):
            row("events", line, i, ev.id, doc.id, ev.type, ev.to_dict())
            for role, people in (("actor", ev.actors), ("recipient", ev.recipients)):
                for j, p in enumerate(people):
                    row("participants", line, j, content_id(ev.id, role, j, prefix="par_"),
                        doc.id, role, {"event_id": ev.id, "role": role, "idx": j, **p.to_dict()})
        for i, m in enumerate(result.mentions):
            row("mentions", line, i, content_id(doc.id, m.start, m.end, m.type, m.entity_id,
                                                prefix="men_"), doc.id, m.type, m.to_dict())
    return out


class ExtractShards:
    """The Ray Data actor: one Extractor per actor process, reused for every shard."""

    def __init__(self, model: str, published: str | None, max_bytes: int):
        from ..extract import Extractor
        self.extractor = Extractor(model)
        self.published, self.max_bytes = published, max_bytes

    def __call__(self, batch):
        import pyarrow as pa
        rows: list[dict] = []
        for shard in batch.to_pylist():
            rows += shard_rows(Shard(**shard), self.extractor, published=self.published,
                               max_bytes=self.max_bytes)
        return pa.Table.from_pylist(rows, schema=_schema())


def _schema():
    import pyarrow as pa
    return pa.schema([("kind", pa.string()), ("file", pa.int32()), ("line", pa.int64()),
                      ("idx", pa.int32()), ("id", pa.string()), ("doc_id", pa.string()),
                      ("type", pa.string()), ("error", pa.string()), ("record", pa.string())])


def extract_on_ray(paths: list[str], out: str, *, address: str | None = None,
                   workers: int | None = None, model: str = MODEL, published: str | None = None,
                   max_bytes: int = 20_000_000, shard_records: int | None = None) -> dict:
    """Extract the corpus files on Ray into Parquet under `out` (partitioned by kind).

    `address`: a running cluster ("auto", "ray://host:10001"); default: the Ray already
    initialised in this process, else a local one. `workers`: actors (one model each); default:
    the cluster's CPUs. Returns {"shards", "records": {kind: n}, "seconds", "workers"}."""
    import time
    ray = _require_ray()
    if not paths:
        raise InputError("no input given", "pass --input corpus.jsonl (or .parquet)")
    started = time.monotonic()
    if not ray.is_initialized():
        ray.init(address=address, **({"num_cpus": workers} if workers and not address else {}),
                 log_to_driver=False, logging_level=logging.WARNING)
    workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    shards = plan_shards(paths, shard_records, workers)
    if not shards:
        raise InputError("the corpus holds no records", "check the input files")
    import ray.data
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ds = ray.data.from_items([s.to_dict() for s in shards], override_num_blocks=len(shards))
    ds = ds.map_batches(ExtractShards, fn_constructor_args=(model, published, max_bytes),
                        batch_size=1, batch_format="pyarrow", num_cpus=1,
                        compute=ray.data.ActorPoolStrategy(size=workers))
    try:
        ds.write_parquet(out, partition_cols=["kind"], mode="overwrite")
    except Exception as exc:  # noqa: BLE001 - the cluster's error, said plainly
        if isinstance(exc, CommuniqueError):
            raise
        raise ResourceError(f"the Ray run failed: {type(exc).__name__}: {exc}"[:2000],
                            "check that every node has communique[ray] and its model "
                            "installed, and that --out is writable from every node") from exc
    counts = count_records(out)
    return {"shards": len(shards), "workers": workers, "records": counts,
            "seconds": round(time.monotonic() - started, 2)}


def count_records(out: str) -> dict[str, int]:
    """Rows per kind of an output folder."""
    import pyarrow.dataset as pads
    fs, uri = _filesystem(out)
    data = pads.dataset(uri, filesystem=fs, format="parquet", partitioning="hive")
    kinds = data.to_table(columns=["kind"]).column("kind").to_pylist()
    return {k: kinds.count(k) for k in KINDS}
