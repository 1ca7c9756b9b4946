"""The `communique` command: a thin layer over the Python API."""
from __future__ import annotations

import contextlib
import csv
import json
import sys

import click

from .errors import CommuniqueError

FORMATS = click.Choice(["table", "jsonl", "csv"])


def _fail(exc: CommuniqueError) -> None:
    click.secho(f"error: {exc.message}", fg="red", err=True)
    if exc.hint:
        click.echo(f"hint: {exc.hint}", err=True)
    sys.exit(2)


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CommuniqueError as exc:
            _fail(exc)
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in ("duckdb", "_duckdb"):
                raise
            _fail(CommuniqueError(f"the store cannot be read: {type(exc).__name__}: "
                                  f"{str(exc).splitlines()[0][:300]}",
                                  "if the file is damaged, `communique doctor --db FILE` "
                                  "checks it and copies what can be read to a new file"))


def _ip_networks(ctx, param, values):
    import ipaddress
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not an IP address or network "
                                     "(e.g. 127.0.0.1 or 10.0.0.0/8)")
    return values


def _a_date(ctx, param, value):
    if value is None:
        return None
    from .ingest.dates import normalize_published
    day = normalize_published(value)
    if day is None:
        raise click.BadParameter(f"{value!r} is not a date; give it as YYYY-MM-DD")
    return day


def _read_text_file(path: str) -> str:
    """The text of a file named on the command line (or stdin for '-'), in its encoding."""
    if path == "-":
        return sys.stdin.read()
    from .ingest.readers import decode_bytes
    with open(path, "rb") as fh:
        data = fh.read()
    text, skip = decode_bytes(data)
    if skip is not None:
        raise CommuniqueError(f"{path}: {skip.reason.replace('_', ' ')}: {skip.detail}",
                              "give a text file (UTF-8 or another text encoding)")
    return text


def _missing(sources) -> list[str]:
    """The named files that do not exist (not URLs, globs or '-')."""
    import os
    from .ingest.fetch import is_url
    return [s for s in sources if s != "-" and not is_url(s) and not any(c in s for c in "*?[")
            and not os.path.lexists(s)]


@click.group(cls=_Group)
@click.version_option(package_name="communique")
def main() -> None:
    """Event data from official news: who did what with whom, when, where, with evidence."""


def _inputs(paths, input_path, published):
    from .ingest import read_inputs
    sources = list(paths) + ([input_path] if input_path else [])
    if not sources:
        raise CommuniqueError("no input given", "pass files, a directory, '-' for stdin, "
                              "or --input corpus.jsonl")
    missing = _missing(sources)
    if missing:
        raise CommuniqueError(f"input not found: {', '.join(missing)} (no such file or "
                              "directory)", "check the path")
    stdin = sys.stdin if "-" in sources else None
    return read_inputs(sources, published=published, stdin=stdin)


def _event_row(ev) -> dict:
    who = "; ".join(p.name for p in ev.actors)
    whom = "; ".join(p.name for p in ev.recipients)
    when = ev.when.start or ""
    if ev.when.end and ev.when.end != ev.when.start:
        when += f"..{ev.when.end}"
    return {"id": ev.id, "type": ev.type, "mode": ev.mode or "", "status": ev.status,
            "when": when, "where": ev.where.name if ev.where else "", "actors": who,
            "recipients": whom, "evidence": ev.evidence.text}


def _print_events(events, fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "jsonl":
        for ev in events:
            out.write(json.dumps(ev.to_dict(), ensure_ascii=False) + "\n")
        return
    rows = [_event_row(ev) for ev in events]
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=["id", "type", "mode", "status", "when", "where",
                                                 "actors", "recipients", "evidence"])
        writer.writeheader()
        writer.writerows(rows)
        return
    from rich.console import Console
    from rich.table import Table
    table = Table(show_lines=False)
    for col in ("type", "mode", "status", "when", "where", "actors", "recipients", "evidence"):
        table.add_column(col, overflow="fold", max_width=60 if col == "evidence" else 28)
    for row in rows:
        table.add_row(*(row[c] for c in ("type", "mode", "status", "when", "where", "actors",
                                         "recipients")), row["evidence"][:160])
    # a pipe or a log gets a wide table rather than rich's 80 columns
    console = Console(file=out, width=None if out.isatty() else 180)
    console.print(table)
    console.print(f"{len(rows)} events")


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--input", "input_path", help="A JSONL corpus: one {id, text, published, url, title} a line.")
@click.option("--published", help="Publication date YYYY-MM-DD: sets the date of files and stdin; of corpus rows that give none.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--workers", type=click.IntRange(min=1), help="Processes extracting in parallel (default: the machine's cores).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="ray: extract on a Ray cluster (pip install 'communique[ray]'), writing Parquet to --out.")
@click.option("--address", help="With --engine ray: the cluster, e.g. ray://head:10001 or auto (default: a local one).")
@click.option("--out", "out_dir", help="With --engine ray: the output folder or URI (s3://..., gs://...).")
def extract(paths, input_path, published, fmt, workers, engine, address, out_dir):
    """Print the events of files, directories or '-' (stdin); needs no database.
    With --engine ray, extract a JSONL or Parquet corpus on Ray into partitioned Parquet."""
    if engine == "ray":
        _extract_ray(paths, input_path, published, workers, address, out_dir)
        return
    from .ingest import Skipped
    from .scale.pool import make_extractor
    skipped = failed = 0
    documents = []
    for item in _inputs(paths, input_path, published):
        if isinstance(item, Skipped):
            skipped += 1
            click.echo(f"skipped {item.source}: {item.reason} {item.detail or ''}".rstrip(), err=True)
        else:
            documents.append(item)
    events = []
    with contextlib.closing(make_extractor(workers, documents=len(documents))) as extractor:
        for result in extractor.extract_many(documents):
            if result.error:
                failed += 1
                click.echo(f"failed {result.document.source}: {result.error}", err=True)
            events.extend(result.events)
            if fmt == "jsonl":
                _print_events(result.events, fmt)
    if fmt != "jsonl":
        _print_events(events, fmt)
    if skipped or failed:
        click.echo(f"{len(documents)} documents, {skipped} skipped, {failed} failed", err=True)
    sys.exit(1 if failed else 0)


def _extract_ray(paths, input_path, published, workers, address, out_dir):
    from .scale.ray_data import extract_on_ray
    if not out_dir:
        raise CommuniqueError("--engine ray needs --out", "name a folder or URI for the Parquet, "
                              "e.g. --out events.parquet.d")
    sources = list(paths) + ([input_path] if input_path else [])
    summary = extract_on_ray(sources, out_dir, address=address, workers=workers,
                             published=published)
    counts = ", ".join(f"{n} {kind}" for kind, n in summary["records"].items())
    click.echo(f"{out_dir}: {counts} ({summary['shards']} shards on {summary['workers']} "
               f"workers, {summary['seconds']:.1f} s)")
    click.echo(f"into a store: communique load {out_dir} --db communique.duckdb")


@main.command()
@click.argument("folder")
@click.option("--db", default="communique.duckdb", show_default=True)
@click.option("--near-duplicates/--exact-duplicates-only", default=True, show_default=True, help="Also fold near copies and teasers into the documents they repeat.")
def load(folder, db, near_duplicates):
    """Merge the Parquet of `extract --engine ray` into the store, with ingest's ids and
    duplicate rules; loading it again changes nothing."""
    from .pipeline_run import format_summary
    from .scale.load import load_parquet
    summary = load_parquet(folder, db, near_duplicates=near_duplicates)
    click.echo(format_summary(summary))
    click.echo(f"store: {db}")
    sys.exit(summary["exit_code"])


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--input", "input_path", help="A corpus (JSONL, CSV, JSON), a feed, a WARC or a URL list.")
@click.option("--db", default="communique.duckdb", show_default=True)
@click.option("--published", help="Publication date YYYY-MM-DD: sets the date of files and stdin; of corpus rows that give none.")
@click.option("--include", multiple=True, help="Glob choosing the files of directories (repeatable), e.g. '*.html'; default: every file of a known type.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=20_000_000, show_default=True, help="Largest document (file, record, page, download); larger ones are skipped as too_large.")
@click.option("--allow-private", is_flag=True, help="Fetch URLs on private, loopback, link-local and reserved addresses.")
@click.option("--allow-host", multiple=True, callback=_ip_networks, help="Allow this address or network although it is private (repeatable), e.g. 127.0.0.1 or 10.0.0.0/8.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=20.0, show_default=True, help="Seconds to connect and for each read of a URL.")
@click.option("--deadline", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True, help="Seconds for the whole of one URL (retries, redirects and body included).")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True, help="Further attempts after a timeout, a network error, 429 or 5xx (backoff doubling from 1 s).")
@click.option("--rate", "per_host_interval", type=click.FloatRange(min=0), default=1.0, show_default=True, help="Seconds between two requests to one host.")
@click.option("--user-agent", help="User-Agent header for URLs (default: communique/VERSION ...).")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True, help="Documents per transaction.")
@click.option("--near-duplicates/--exact-duplicates-only", default=True, show_default=True, help="Also fold near copies and teasers into the documents they repeat.")
@click.option("--workers", type=click.IntRange(min=1), help="Processes extracting in parallel (default: the machine's cores); one writer stores in input order.")
def ingest(paths, input_path, db, published, include, max_bytes, allow_private, allow_host,
            timeout, deadline, retries, per_host_interval, user_agent, batch_size,
            near_duplicates, workers):
    """Extract events from files, directories, globs, corpora, feeds, WARCs, URLs and URL lists
    into the store. Every input ends stored, duplicate, skipped or failed, recorded in the
    store's `inputs` table; an interrupted ingest run again resumes; exit code 1 when any failed."""
    from rich.progress import Progress
    from .ingest import FetchSettings, read_inputs
    from .pipeline_run import format_summary, ingest_inputs
    from .scale.pool import default_workers
    sources = list(paths) + ([input_path] if input_path else [])
    if not sources:
        raise CommuniqueError("no input given", "pass files, directories, globs, URLs, '-' for "
                              "stdin, or --input corpus.jsonl")
    fetch = FetchSettings(timeout=timeout, deadline=deadline, retries=retries,
                          per_host_interval=per_host_interval,
                          allow_private=allow_private, allow_hosts=tuple(allow_host),
                          max_bytes=max_bytes, **({"user_agent": user_agent} if user_agent else {}))
    # a server that holds the store ingests for us; another holder is waited for
    from dataclasses import asdict
    from .api.live import Request, hand_off_or_wait
    handed = hand_off_or_wait(db, Request(
        sources=sources, published=published, include=list(include) or None,
        max_bytes=max_bytes, fetch=asdict(fetch), batch_size=batch_size,
        near_duplicates=near_duplicates), echo=lambda m: click.echo(m, err=True))
    if handed is not None:
        click.echo(format_summary(handed))
        sys.exit(handed["exit_code"])
    items = read_inputs(sources, published=published,
                        stdin=sys.stdin if "-" in sources else None, max_bytes=max_bytes,
                        fetch=fetch, include=list(include) or None)
    with Progress(transient=True) as progress:
        task = progress.add_task("ingesting", total=None)
        summary = ingest_inputs(items, db, on_item=lambda: progress.advance(task),
                                batch_size=batch_size, near_duplicates=near_duplicates,
                                workers=workers or default_workers())
    click.echo(format_summary(summary))
    click.echo(f"store: {db} (every input in its `inputs` table: communique inputs --db {db})")
    sys.exit(summary["exit_code"])


def _store(db: str, read_only: bool = True):
    from .store import Store
    return Store(db, read_only=read_only)


@main.command("inputs")
@click.option("--db", default="communique.duckdb", show_default=True)
@click.option("--outcome", type=click.Choice(["stored", "duplicate", "skipped", "failed"]))
@click.option("--reason", help="e.g. empty, binary, too_large, near, teaser, fetch_failed")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many (default: 100 in a table, all in jsonl).")
@click.option("--summary", "as_table", is_flag=True, help="Counts by outcome and reason.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True, help="jsonl: one JSON object an input, with every field.")
def inputs_cmd(db, outcome, reason, limit, as_table, fmt):
    """What became of the inputs of every ingest: outcome, reason and detail."""
    from .store.inputs import inputs, outcome_table
    with _store(db) as store:
        if as_table:
            for row in outcome_table(store.con):
                click.echo(json.dumps(row) if fmt == "jsonl" else
                           f"{row['outcome']:<10} {row['reason']:<18} {row['n']:>7}")
            return
        if fmt == "jsonl":
            for row in inputs(store.con, outcome=outcome, reason=reason, limit=limit):
                click.echo(json.dumps(row, ensure_ascii=False, default=str))
            return
        for row in inputs(store.con, outcome=outcome, reason=reason, limit=limit or 100):
            target = f" -> {row['target_id']}" if row["target_id"] and row["outcome"] != "stored" else ""
            click.echo(f"{row['outcome']:<9} {row['reason'] or '':<16} {row['key']}{target}  "
                       f"{row['detail'] or ''}".rstrip())


@main.command()
@click.option("--db", default="communique.duckdb", show_default=True)
@click.option("--actor")
@click.option("--type", "etype")
@click.option("--status")
@click.option("--since")
@click.option("--until")
@click.option("--text")
@click.option("--limit", default=100, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def events(db, actor, etype, status, since, until, text, limit, fmt):
    """List stored events with filters."""
    with _store(db) as store:
        found = store.events(actor=actor, type=etype, status=status, since=since, until=until,
                             text=text, limit=limit)
    _print_events(found, fmt)


@main.command()
@click.argument("event_id")
@click.option("--db", default="communique.duckdb", show_default=True)
def show(event_id, db):
    """One event with its evidence in its paragraph."""
    with _store(db) as store:
        event = store.event(event_id)
        context = store.evidence_context(event_id) if event else None
    if event is None:
        raise CommuniqueError(f"no event {event_id!r} in {db}",
                              "list ids with `communique events --format jsonl`")
    click.echo(json.dumps(event.to_dict(), ensure_ascii=False, indent=1))
    if context:
        para = context["paragraph"]
        s, e = context["evidence"]["start"], context["evidence"]["end"]
        click.echo("\n" + para[:s] + click.style(para[s:e], bold=True) + para[e:])
        for p in context["participants"]:
            where = f"at {p['start']}-{p['end']}" if p["in_paragraph"] else "outside the paragraph"
            click.echo(f"  {p['role']:<9} {p['name']} ({p['text']!r}, {where})")


@main.command()
@click.argument("gold_dirs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--details/--no-details", default=False, help="Show every match and miss.")
def evaluate(gold_dirs, fmt, details):
    """Score extraction against gold files (communique-gold/1)."""
    from .evaluate.score import evaluate_dirs, format_report
    report = evaluate_dirs(gold_dirs)
    if fmt == "json":
        click.echo(json.dumps(report, indent=1))
    else:
        click.echo(format_report(report, details=details))


@main.command()
@click.option("--input", "input_path", help="Texts to run on (any input communique reads); "
              "default: the seed and the project's fixtures.")
@click.option("--limit", default=200, show_default=True)
@click.option("--repeat", default=1, show_default=True)
@click.option("--workers", "worker_counts", help="Compare at these process counts, e.g. 1,2: "
              "documents/s, sentences/s and peak RSS per worker, communique and bare spaCy.")
def bench(input_path, limit, repeat, worker_counts):
    """Throughput and peak memory of the whole pipeline against bare spaCy."""
    if worker_counts:
        from .bench.workers import bench_workers, format_bench_workers
        try:
            counts = [int(n) for n in worker_counts.split(",") if n.strip()]
        except ValueError:
            raise CommuniqueError(f"--workers {worker_counts!r}: not numbers",
                                  "give counts separated by commas, e.g. --workers 1,2") from None
        click.echo(format_bench_workers(bench_workers(input_path, counts, limit=limit)))
        return
    from .bench.run import format_bench, run_bench
    click.echo(format_bench(run_bench(input_path, limit=limit, repeat=repeat)))


@main.command("time")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--anchor", callback=_a_date, help="Anchor date YYYY-MM-DD (publication date).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
@click.option("--language", default="en", show_default=True,
              help="Language of the text: one with time_<language>_*.json files in communique/data (en, ru).")
def time_cmd(path, anchor, fmt, language):
    """Temporal expressions of a file with their normalised values."""
    from .time import time_command
    text = _read_text_file(path)
    for row in time_command(text, anchor, language=language):
        if fmt == "jsonl":
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{row['start']:>6} {row['end']:>6}  {row['type']:<9} "
                       f"{str(row.get('value')):<22} {row['text']}")


@main.command("evaluate-time")
@click.argument("path")
@click.option("--examples", default=0, show_default=True, help="Up to N examples of each error kind.")
@click.option("--speed", "speed", type=int, default=0,
              help="Also time the tagger against dateparser.search_dates on the first N documents.")
def evaluate_time(path, examples, speed):
    """Value F1 and extent F1 on TimeML (TBAQ) or TIMEX2 (WikiWars) files."""
    from .evaluate.timeml import evaluate_timeml, speed_on_folder
    result = evaluate_timeml(path, examples=examples)
    if speed and "skipped" not in result:
        result["speed"] = speed_on_folder(path, limit=speed)
    click.echo(json.dumps(result, indent=1, default=str))


@main.command()
@click.option("--db", default="communique.duckdb", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allow-host", multiple=True, help="Also answer requests for this Host name "
              "(repeatable; '*' for any); by default only the address served on (and localhost).")
@click.option("--watch", multiple=True, help="Feed, URL list, folder or file to ingest now and "
              "again every --every (repeatable).")
@click.option("--every", default="15m", show_default=True, help="How often --watch is read: 30s, 15m, 1h.")
@click.option("--fetch-allow-private", is_flag=True, help="--watch may fetch private and loopback addresses.")
@click.option("--read-only", is_flag=True, help="Only read the store (no --watch, no ingest handed over).")
def serve(db, host, port, allow_host, watch, every, fetch_allow_private, read_only):
    """The web page and the REST API over the store: http://HOST:PORT/. The server owns the
    store: it ingests --watch inputs on a schedule and what `communique ingest` hands it; the
    web only reads."""
    from .api import serve as run
    from .api.live import parse_every
    from .ingest import FetchSettings
    run(db, host=host, port=port, allow_hosts=tuple(allow_host), watch=tuple(watch),
        every=parse_every(every), fetch=FetchSettings(allow_private=fetch_allow_private),
        read_only=read_only)


@main.command("export")
@click.option("--format", "fmt", required=True,
              type=click.Choice(["csv", "jsonl", "parquet", "plover", "graphml", "gexf"]))
@click.option("--out", "out", required=True, help="File to write (a folder for parquet).")
@click.option("--db", default="communique.duckdb", show_default=True)
@click.option("--actor")
@click.option("--entity", help="Entity id(s), comma-separated: events with all of them.")
@click.option("--type", "etype")
@click.option("--status")
@click.option("--since")
@click.option("--until")
@click.option("--text")
@click.option("--place")
@click.option("--site", help="Host of the documents' URL ('file' for local files).")
@click.option("--limit", type=int, help="Most events (csv, jsonl, plover).")
@click.option("--top", type=int, help="Graphs: only the N entities in most meetings.")
@click.option("--min-meetings", type=int, default=1, show_default=True, help="Graphs: fewest meetings an edge needs.")
def export_cmd(fmt, out, db, actor, entity, etype, status, since, until, text, place, site,
               limit, top, min_meetings):
    """What the filters select, for pandas, R, Gephi, networkx: csv, jsonl, plover (JSON),
    graphml or gexf (who met whom), parquet (every table, into a folder)."""
    from .api.live import server_info
    from .export import export
    held = server_info(db)
    if held is not None:
        raise CommuniqueError(f"the store {db} is held by the communique server at "
                              f"{held.get('url')} (pid {held['pid']})",
                              hint=f"download from it: {held.get('url')}api/export?format={fmt}"
                                   " (with the same filters)")
    filters = {"actor": actor, "entity": entity, "type": etype, "status": status,
               "since": since, "until": until, "text": text, "place": place, "site": site}
    with _store(db) as store:
        with store.lock:
            done = export(store.con, fmt, out, filters, limit=limit, top=top,
                          min_meetings=min_meetings)
    click.echo(f"{done['format']}: {done['rows']} {'tables' if fmt == 'parquet' else 'rows'} "
               f"-> {done['path']}")


@main.command("evaluate-isaf")
@click.argument("path", required=False)
@click.option("--limit", type=int, help="Only the first N releases.")
def evaluate_isaf_cmd(path, limit):
    """Incident dates of ISAF press releases against the experts' start_date."""
    from .evaluate.isaf import evaluate_isaf
    click.echo(json.dumps(evaluate_isaf(path, limit=limit), indent=1, default=str))


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--published", callback=_a_date, help="Publication date YYYY-MM-DD.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
def entities(path, published, fmt):
    """People, organisations, states and places of a file, each resolved to its entity."""
    from .actors.entities import entities_of, format_entity
    from .extract import Extractor
    text = _read_text_file(path)
    for row in entities_of(text, Extractor(), published=published):
        click.echo(json.dumps(row, ensure_ascii=False) if fmt == "jsonl" else format_entity(row))


@main.command("evaluate-re3d")
@click.argument("path", required=False)
@click.option("--limit", type=int, help="Only the first N documents.")
def evaluate_re3d_cmd(path, limit):
    """Person, Organisation, Location F1 on re3d beside bare spaCy, and CommWith pairs."""
    from .evaluate.re3d import evaluate_re3d, format_re3d
    click.echo(format_re3d(evaluate_re3d(path, limit=limit)))


@main.command()
@click.argument("name", required=False)
@click.option("--db", default="communique.duckdb", show_default=True)
@click.option("--all", "everyone", is_flag=True,
              help="Also single words that no text gives a post (speaker labels, stray names).")
@click.option("--doubtful", is_flag=True, help="Also show the posts set aside as doubtful.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              help="jsonl: one person a line: id (the entity_id of events and the API), name, "
                   "aliases, posts with first and last seen dates, documents, events.")
def people(name, db, everyone, doubtful, fmt):
    """People with their posts, the dates they were seen in them and in how many documents."""
    from .actors.people import people_report

    def line(post, mark=""):
        org = f", {post['org']}" if post.get("org") else ""
        seen = post.get("first_seen") or ""
        if post.get("last_seen") and post.get("last_seen") != seen:
            seen += f"..{post['last_seen']}"
        n = post.get("documents") or 0
        docs = f"({n} document{'s' if n != 1 else ''})" if n else ""
        return "    " + "  ".join(part for part in (f"{mark}{post['title']}{org}", seen, docs) if part)

    with _store(db) as store:
        for person in people_report(store, name, everyone=everyone):
            if fmt == "jsonl":
                row = {k: person[k] for k in ("id", "name", "aliases", "posts", "documents",
                                              "events", "mentions", "ids")}
                if doubtful:
                    row["doubtful_posts"] = person["doubtful_posts"]
                click.echo(json.dumps(row, ensure_ascii=False))
                continue
            aliases = [a for a in person.get("aliases", []) if a != person["name"]]
            click.echo(person["name"] + (f"  (also: {', '.join(aliases[:6])})" if aliases else ""))
            for post in person["posts"]:
                click.echo(line(post))
            if doubtful:
                for post in person.get("doubtful_posts", []):
                    click.echo(line(post, "? "))


@main.command()
@click.option("--db", default="communique.duckdb", show_default=True)
@click.option("--out", help="A new file to copy what can be read into.")
def doctor(db, out):
    """Check that every table of a store reads whole; with --out, copy what can be read to a
    new store. Exit code 1 when the store is damaged."""
    from .store.doctor import check_store, format_report
    report = check_store(db, out=out)
    click.echo(format_report(report))
    sys.exit(0 if report["ok"] else 1)


def _add_commands() -> None:
    from .cli_learn import COMMANDS
    for command in COMMANDS:
        main.add_command(command)


_add_commands()

if __name__ == "__main__":
    main()
