"""Duplicates (exact, near, teasers) stored once with every source kept; encodings."""
from __future__ import annotations

import json

from communique.ingest import Skipped, read_inputs
from communique.ingest.dedup import judge, shingles
from communique.ingest.readers import decode_bytes
from communique.records import Document

LEAD = ("The Secretary General of the CSTO met the Foreign Minister of Serbia in Belgrade on "
        "14 October 2021 and discussed cooperation between the organisation and Serbia in "
        "countering drug trafficking and illegal migration.")
STORY = (f"Meeting in Belgrade\n\n{LEAD}\n\nThe Secretary General informed the minister about "
         "the results of the collective security summit held in Dushanbe and about the joint "
         "exercises of the collective forces planned for next year. The minister thanked the "
         "organisation for its support and invited a delegation of the secretariat to attend the "
         "international conference on border security in Belgrade in the spring. The sides "
         "agreed to hold the next round of consultations in Moscow.")
RU = ("Министр иностранных дел России провёл переговоры с министром иностранных дел Армении. "
      "Стороны обсудили вопросы региональной безопасности.")


def _template(i: int, city: str, topic: str) -> str:
    return (f"Talks in {city} number {i}\n\nOn 12 May 2021, the Foreign Minister of Tajikistan "
            f"held talks with the Ambassador of France in {city}. The parties discussed {topic} "
            f"and agreed to continue consultations.")


def test_near_copy_and_teaser_judged_unrelated_templates_not():
    story = shingles(STORY)
    near = shingles(STORY.replace("Meeting in Belgrade", "CSTO: meeting in Belgrade") + " Photo.")
    match, _ = judge(near, [("story", len(set(near) & set(story)), len(story))])
    assert match and match.kind == "near"
    teaser = shingles(LEAD)
    match, _ = judge(teaser, [("story", len(set(teaser) & set(story)), len(story))])
    assert match and match.kind == "teaser"
    _, stories = judge(story, [("t", len(set(teaser) & set(story)), len(teaser))])
    assert [m.kind for m in stories] == ["story"]
    a = shingles(_template(1, "Minsk", "regional security"))
    b = shingles(_template(2, "Baku", "trade and transport links") + " " + LEAD)
    match, stories = judge(a, [("b", len(set(a) & set(b)), len(b))])
    assert match is None and not stories


def test_same_text_from_several_sources_stored_once(tmp_path, extractor):
    from communique.pipeline_run import ingest_inputs
    from communique.store import Store
    d = tmp_path / "in"
    d.mkdir()
    (d / "a_teaser.txt").write_text(LEAD, encoding="utf-8")          # read first: stored
    (d / "b_story.txt").write_text(STORY, encoding="utf-8")
    (d / "c_rows.jsonl").write_text(json.dumps({"id": "r9", "text": STORY,
                                                "url": "https://mirror.example/9"}) + "\n",
                                    encoding="utf-8")
    (d / "d_near.html").write_text(
        f"<html><head><title>CSTO: Meeting in Belgrade</title></head><body><article>"
        f"<h1>CSTO: Meeting in Belgrade</h1>"
        + "".join(f"<p>{p}</p>" for p in STORY.split("\n\n")[1:])
        + "<p>Photo: press service.</p></article></body></html>", encoding="utf-8")
    (d / "e_teaser_again.txt").write_text(LEAD + "\n\nRead more", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    summary = ingest_inputs(read_inputs([str(d)], dedupe=False), str(db), extractor=extractor)
    assert summary["outcomes"]["stored"] == 2              # the story, and the teaser met first
    with Store(str(db), read_only=True) as store:
        rows = dict(store.con.execute(
            "SELECT regexp_extract(key, '/([a-z_]+)\\.', 1), outcome || ':' || "
            "coalesce(reason, '') FROM inputs").fetchall())
        assert rows == {"a_teaser": "stored:", "b_story": "stored:", "c_rows": "duplicate:exact",
                        "d_near": "duplicate:near", "e_teaser_again": "duplicate:exact"}
        story_id = store.con.execute("SELECT doc_id FROM inputs WHERE key LIKE '%b_story%'"
                                     ).fetchone()[0]
        teaser_id = store.con.execute("SELECT doc_id FROM inputs WHERE key LIKE '%a_teaser%'"
                                      ).fetchone()[0]
        sources = {s["source"].rsplit("/", 1)[-1] for s in store.sources(story_id)}
        assert sources == {"b_story.txt", "c_rows.jsonl#r9", "d_near.html"}
        links = store.con.execute("SELECT from_id, to_id, kind FROM doc_links ORDER BY kind"
                                  ).fetchall()
        assert (teaser_id, story_id, "teaser") in links
        assert any(kind == "near" and to == story_id for _, to, kind in links)


def test_teaser_after_its_story_is_a_duplicate(tmp_path, extractor):
    from communique.pipeline_run import ingest_inputs
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"id": 1, "text": STORY}) + "\n"
                 + json.dumps({"id": 2, "title": "Meeting in Belgrade", "text": LEAD}) + "\n",
                 encoding="utf-8")
    summary = ingest_inputs(read_inputs([str(p)]), str(tmp_path / "s.duckdb"),
                            extractor=extractor)
    assert summary["outcomes"]["stored"] == 1 and summary["reasons"] == {"teaser": 1}


def test_windows_1251_mixed_and_utf16_without_bom(tmp_path):
    (tmp_path / "ru.html").write_bytes(
        f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
        f"<title>Новости</title></head><body><p>{RU}</p></body></html>".encode("cp1251"))
    (tmp_path / "mixed.txt").write_bytes(
        b"On 3 March 2022 the ministers met in Moscow.\n\n" + RU.encode("cp1251") + b"\n\n"
        + RU.encode("utf-8") + b"\n")
    (tmp_path / "utf16.txt").write_bytes(
        ("On 3 March 2022 the Minister of Foreign Affairs held talks in Moscow. " * 3)
        .encode("utf-16-le"))
    res = list(read_inputs([str(tmp_path)], dedupe=False))
    got = {r.source.rsplit("/", 1)[-1]: r for r in res}
    assert all(isinstance(r, Document) for r in res), res
    assert RU.split(".")[0] in got["ru.html"].text
    assert got["mixed.txt"].text.count("переговоры") == 2 and "ministers met" in got["mixed.txt"].text
    assert got["utf16.txt"].text.startswith("On 3 March 2022")
    text, skip = decode_bytes(bytes(range(0x80, 0x100)) * 3)
    assert text is None and isinstance(skip, Skipped)
