"""The DuckDB store: round trips, idempotent writes, filters, evidence in context, migrations."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from communique.errors import StoreError
from communique.records import (Article, Document, Event, Evidence, Mention, Participant, When,
                                Where)
from communique.store import MIGRATIONS, TABLES, Migration, Store, export_parquet
from communique.store.writer import date_range

TITLE = "CSTO Acting Secretary General met the UN Under-Secretary-General"
P1 = ("On September 26, 2019, the CSTO Acting Secretary General Valery Semerikov met with "
      "Vladimir Voronkov in New York.")
P2 = "The parties discussed the UN Global Counter-Terrorism Strategy."
P3 = "In October 2019 Semerikov will visit Dushanbe for joint exercises of the CRRF."
TEXT = f"{TITLE}\n\n{P1}\n{P2}\n\n{P3}\n"


def span(text: str, part: str, after: int = 0) -> tuple[int, int]:
    start = text.index(part, after)
    return start, start + len(part)


def person(text, surface, name, title=None, org=None, after=0, sentence=0):
    s, e = span(text, surface, after)
    return Mention(start=s, end=e, text=surface, type="PERSON", name=name, title=title, org=org,
                   sentence=sentence)


def participant(m: Mention) -> Participant:
    return Participant(name=m.name, type=m.type, entity_id=m.entity_id, text=m.text,
                       start=m.start, end=m.end, title=m.title, org=m.org)


def build(text=TEXT, source="corpus/csto.txt", url="https://odkb-csto.org/news/1"):
    doc = Document(text=text, source=source, url=url, title=TITLE, published="2019-09-27",
                   furniture=["Share on Facebook", "Print version"],
                   articles=[Article(index=0, start=0, end=len(text), title=TITLE,
                                     body_start=len(TITLE))])
    p1 = text.index(P1)
    semerikov = person(text, "the CSTO Acting Secretary General Valery Semerikov",
                       "Valery Semerikov", "Acting Secretary General", "CSTO", sentence=1)
    voronkov = person(text, "Vladimir Voronkov", "Vladimir Voronkov", sentence=1)
    semerikov2 = person(text, "Semerikov", "Valery Semerikov", after=text.index(P3), sentence=3)
    ny = span(text, "New York")
    csto = Mention(*span(text, "CRRF"), text="CRRF", type="ORG",
                   name="Collective Rapid Reaction Forces", sentence=3)
    meeting = Event(
        doc_id=doc.id, type="CONSULT", mode="visit", source=source,
        evidence=Evidence(text=P1, start=p1, end=p1 + len(P1), sentence=1),
        when=When(start="2019-09-26", end="2019-09-26", precision="day", basis="text",
                  text="On September 26, 2019"),
        where=Where(name="New York", country="US", geonameid=5128581, lat=40.71, lon=-74.0,
                    start=ny[0], end=ny[1]),
        actors=[participant(semerikov)], recipients=[participant(voronkov)],
        topics=["UN Global Counter-Terrorism Strategy"], trigger="met with", cameo="04",
        quad="verbal cooperation", confidence=0.9)
    p3 = text.index(P3)
    visit = Event(
        doc_id=doc.id, type="MOBILIZE", status="planned", source=source,
        evidence=Evidence(text=P3, start=p3, end=p3 + len(P3), sentence=3),
        when=When(start="2019-10", end="2019-10", precision="month", basis="text",
                  text="In October 2019"),
        where=Where(name="Dushanbe", country="TJ"),
        actors=[participant(semerikov2)], trigger="visit", confidence=0.6)
    return doc, [meeting, visit], [semerikov, voronkov, semerikov2, csto]


def other_document():
    text = ("Moscow, 3 March 2020. Foreign Minister Sergey Lavrov held talks with "
            "Secretary-General Antonio Guterres.\n")
    doc = Document(text=text, source="mid.ru/1", published="2020-03-03")
    lavrov = person(text, "Foreign Minister Sergey Lavrov", "Sergey Lavrov", "Foreign Minister",
                    "Russia")
    guterres = person(text, "Secretary-General Antonio Guterres", "Antonio Guterres",
                      "Secretary-General", "UN")
    ev_text = text.strip()
    ev = Event(doc_id=doc.id, type="CONSULT", source="mid.ru/1",
               evidence=Evidence(text=ev_text, start=0, end=len(ev_text), sentence=0),
               when=When(start="2020-03-03", end="2020-03-03", precision="day",
                         basis="publication"),
               actors=[participant(lavrov)], recipients=[participant(guterres)],
               trigger="held talks with", confidence=0.8)
    return doc, [ev], [lavrov, guterres]


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "test.duckdb")


@pytest.fixture
def store(path):
    with Store(path) as s:
        s.write(*build())
        s.write(*other_document())
        yield s


def test_event_round_trip(store):
    doc, events, _ = build()
    for ev in events:
        got = store.event(ev.id)
        assert got == ev
        assert got.to_dict() == ev.to_dict()
        assert Event.from_dict(got.to_dict()) == ev
    assert store.event("ev_nope") is None


def test_document_round_trip(store):
    doc, _, _ = build()
    got = store.document(doc.id)
    assert got == doc
    assert got.articles[0].body_start == len(TITLE)
    assert got.furniture == ["Share on Facebook", "Print version"]
    assert store.document("doc_nope") is None


def test_rewrite_changes_nothing(store, path):
    before = store.stats()
    assert all(before[t] > 0 for t in TABLES), before
    again = store.write(*build())
    assert set(again.values()) == {0}
    with store.writer(batch_size=1) as writer:
        writer.add(*build())
        writer.add(*other_document())
    assert set(writer.totals.values()) == {0}
    assert store.stats() == before
    store.close()
    with Store(path) as reopened:                       # and across processes/sessions
        reopened.write(*build())
        assert reopened.stats() == before


def test_writer_batches(path):
    with Store(path) as store:
        with store.writer(batch_size=10) as writer:
            writer.add(*build())
            writer.add(*other_document())
            assert writer.pending == 2 and store.stats()["documents"] == 0
        assert writer.pending == 0 and writer.documents == 2
        assert store.stats()["documents"] == 2
        assert writer.totals["events"] == 3


def test_derived_rows(store):
    doc, events, mentions = build()
    stats = store.stats()
    assert stats["events"] == 3 and stats["participants"] == 5
    assert stats["mentions"] == 6
    semerikov = mentions[0]
    [entity] = store.entities(name="semerikov")
    assert entity["id"] == semerikov.entity_id
    assert entity["aliases"] == ["Semerikov", "the CSTO Acting Secretary General Valery Semerikov"]
    assert entity["mentions"] == 2
    assert {e["id"] for e in store.entities(type="ORG")} == {mentions[3].entity_id}
    [p] = store.people("semerikov")
    assert p["posts"] == [{"title": "Acting Secretary General", "org": "CSTO",
                           "first_seen": "2019-09-27", "last_seen": "2019-09-27",
                           "documents": 1, "doc_ids": [doc.id]}]
    assert len(store.people()) == 4
    assert store.mentions(doc.id) == sorted(mentions, key=lambda m: (m.start, m.end))


def test_filters(store):
    doc, (meeting, visit), _ = build()
    lavrov_ev = other_document()[1][0]
    ids = lambda evs: [e.id for e in evs]  # noqa: E731
    assert ids(store.events()) == [meeting.id, visit.id, lavrov_ev.id]     # ordered by date
    assert ids(store.events(order="-when")) == [lavrov_ev.id, visit.id, meeting.id]
    assert ids(store.events(actor="semerikov")) == [meeting.id, visit.id]
    assert ids(store.events(actor="VORONKOV")) == [meeting.id]             # a recipient
    assert ids(store.events(actor="foreign minister")) == [lavrov_ev.id]   # a title
    assert ids(store.events(actor="csto")) == [meeting.id]                 # an org
    assert ids(store.events(actor=meeting.actors[0].entity_id)) == [meeting.id, visit.id]
    assert ids(store.events(type="consult")) == [meeting.id, lavrov_ev.id]
    assert ids(store.events(type=["MOBILIZE", "AID"])) == [visit.id]
    assert ids(store.events(status="planned")) == [visit.id]
    assert ids(store.events(since="2019-10-15")) == [visit.id, lavrov_ev.id]  # month overlaps
    assert ids(store.events(until="2019-09-30")) == [meeting.id]
    assert ids(store.events(since=dt.date(2019, 9, 26), until="2019-09")) == [meeting.id]
    assert ids(store.events(since="2020")) == [lavrov_ev.id]
    assert ids(store.events(text="counter-terrorism")) == [meeting.id, visit.id]  # document text
    assert ids(store.events(text="held talks")) == [lavrov_ev.id]              # evidence
    assert ids(store.events(doc_id=doc.id, type="CONSULT")) == [meeting.id]
    assert ids(store.events(limit=1, offset=1)) == [visit.id]
    assert store.count_events(type="CONSULT") == 2
    assert store.events(actor="nobody") == []
    with pytest.raises(StoreError):
        store.events(since="September")
    with pytest.raises(StoreError):
        store.events(order="sideways")


def test_counts(store):
    assert store.counts("month") == [{"key": "2019-09", "count": 1}, {"key": "2019-10", "count": 1},
                                     {"key": "2020-03", "count": 1}]
    assert store.counts("type") == [{"key": "CONSULT", "count": 2},
                                    {"key": "MOBILIZE", "count": 1}]
    assert store.counts("status", actor="semerikov") == [{"key": "occurred", "count": 1},
                                                         {"key": "planned", "count": 1}]
    with pytest.raises(StoreError):
        store.counts("colour")


def test_evidence_context(store):
    doc, (meeting, visit), _ = build()
    for ev in (meeting, visit):
        ctx = store.evidence_context(ev.id)
        para = ctx["paragraph"]
        assert "\n" not in para
        assert para[ctx["evidence"]["start"]:ctx["evidence"]["end"]] == ev.evidence.text
        assert doc.text[ctx["paragraph_start"]:ctx["paragraph_end"]] == para
        assert ctx["exact"] is True
        for p, got in zip(ev.participants, ctx["participants"]):
            assert got["in_paragraph"]
            assert para[got["start"]:got["end"]] == p.text
    ctx = store.evidence_context(meeting.id)
    assert ctx["paragraph"] == P1                     # line breaks bound the paragraph
    assert ctx["paragraph"][ctx["where"]["start"]:ctx["where"]["end"]] == "New York"
    assert ctx["document_title"] == TITLE and ctx["article_title"] == TITLE
    assert store.evidence_context("ev_nope") is None


def test_evidence_context_shifted_offsets(path):
    doc, (meeting, _), mentions = build()
    shifted = Event.from_dict(meeting.to_dict())
    shifted.evidence.start += 3                      # offsets that do not point at the text
    shifted.evidence.end += 3
    shifted.trigger = "met"
    shifted.id = ""
    shifted.__post_init__()
    with Store(path) as store:
        store.write(doc, [shifted], mentions)
        ctx = store.evidence_context(shifted.id)
    assert ctx["exact"] is False
    para = ctx["paragraph"]
    assert para[ctx["evidence"]["start"]:ctx["evidence"]["end"]] == shifted.evidence.text


def test_migrations_recorded_and_applied_once(path):
    shipped = [m.name for m in MIGRATIONS]
    with Store(path) as store:
        assert store.migrated == shipped
        assert [m["name"] for m in store.migrations()] == shipped
        store.write(*build())
    with Store(path) as store:
        assert store.migrated == []
        assert [m["name"] for m in store.migrations()] == shipped
    added = Migration("0002_event_notes", ["ALTER TABLE events ADD COLUMN note VARCHAR"])
    with Store(path, migrations=MIGRATIONS + (added,)) as store:
        assert store.migrated == ["0002_event_notes"]
        assert store.stats()["events"] == 2
    with Store(path, migrations=MIGRATIONS + (added,)) as store:
        assert store.migrated == []
        names = store.con.execute("SELECT name FROM _migrations ORDER BY name").fetchall()
        assert names == sorted((n,) for n in shipped + ["0002_event_notes"])
    # this code does not know 0002: a newer communique wrote the file
    with pytest.raises(StoreError, match="newer schema.*0002_event_notes"):
        Store(path)


def test_failed_migration_rolls_back(path):
    Store(path).close()
    broken = Migration("0002_broken", ["CREATE TABLE half (x INTEGER)", "SELECT * FROM nowhere"])
    with pytest.raises(StoreError, match="0002_broken"):
        Store(path, migrations=MIGRATIONS + (broken,))
    with Store(path) as store:
        assert [m["name"] for m in store.migrations()] == [m.name for m in MIGRATIONS]
        tables = {t for (t,) in store.con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        assert "half" not in tables


def test_read_only(path):
    with Store(path) as store:
        store.write(*build())
        stats = store.stats()
    with Store(path, read_only=True) as store:
        assert store.stats() == stats
        assert len(store.events()) == 2
        with pytest.raises(StoreError, match="read-only"):
            store.write(*other_document())
        with pytest.raises(StoreError, match="read-only"):
            store.writer()
    pending = MIGRATIONS + (Migration("0002_x", ["CREATE TABLE x (a INTEGER)"]),)
    with pytest.raises(StoreError, match="read-only"):
        Store(path, read_only=True, migrations=pending)
    with pytest.raises(StoreError, match="no store"):
        Store(path + ".missing", read_only=True)


def test_document_from_two_sources(path):
    doc_a, events, mentions = build(source="corpus/csto.txt", url="https://odkb-csto.org/news/1")
    doc_b, events_b, mentions_b = build(source="mirror/csto.html", url="https://mirror.example/1")
    assert doc_a.id == doc_b.id
    with Store(path) as store:
        store.write(doc_a, events, mentions)
        store.write(doc_b, events_b, mentions_b)
        stats = store.stats()
        assert stats["documents"] == 1 and stats["sources"] == 2 and stats["events"] == 2
        assert [(s["source"], s["url"]) for s in store.sources(doc_a.id)] == [
            ("corpus/csto.txt", "https://odkb-csto.org/news/1"),
            ("mirror/csto.html", "https://mirror.example/1")]
        assert store.document(doc_a.id).source == "corpus/csto.txt"   # first seen


def test_replace_rewrites_a_documents_records(path):
    doc, (meeting, visit), mentions = build()
    with Store(path) as store:
        store.write(doc, [meeting, visit], mentions)
        store.write(doc, [meeting], mentions[:2], replace=True)
        assert [e.id for e in store.events()] == [meeting.id]
        stats = store.stats()
        assert stats["events"] == 1 and stats["participants"] == 2 and stats["mentions"] == 2


def test_bad_write_is_rolled_back(path):
    doc, events, mentions = build()
    other, _, _ = other_document()
    with Store(path) as store:
        with pytest.raises(StoreError, match="belongs to document"):
            store.write(other, events, mentions)
        assert set(store.stats().values()) == {0}


def test_export_parquet(store, tmp_path):
    written = export_parquet(store, str(tmp_path / "out"))
    assert set(written) == set(TABLES)
    stats = store.stats()
    for table, file in written.items():
        n = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [file]).fetchone()[0]
        assert n == stats[table]


def test_date_range():
    assert date_range("2019-09-26") == (dt.date(2019, 9, 26),) * 2
    assert date_range("2019-02") == (dt.date(2019, 2, 1), dt.date(2019, 2, 28))
    assert date_range("2019") == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert date_range("2019-09-31") == (None, None)
    assert date_range("PRESENT_REF") == (None, None)
    assert date_range(None) == (None, None)
