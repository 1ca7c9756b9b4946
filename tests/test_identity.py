"""One person, one entity: names as the texts spell and clutter them, office holders, speakers,
years inside names, and `communique people --format jsonl` over a store of our own texts."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from communique.actors.entities import entities_of
from communique.actors.gazetteer import default_gazetteer
from communique.actors.holders import Holders, default_holders, post_kind
from communique.actors.resolve import person_id
from communique.ingest import read_text
from communique.time import tag_times

ROOT = Path(__file__).resolve().parents[1]
PEOPLE_CORPUS = ROOT / "tests" / "fixtures" / "people" / "people.jsonl"
HEADLINE = {"remarks", "meet", "meets", "meeting", "briefing", "press", "statement", "call", "visit"}


def _people(rows):
    return {r["name"] for r in rows if r["type"] == "PERSON" and r["name"]}


# --- names that are not all name ----------------------------------------------------------

def test_a_transcript_label_and_headline_words_are_not_part_of_a_name(extractor):
    rows = entities_of("Vladimir Putin: Comrades, good afternoon.\n\nAntony J. Blinken Remarks\n\n"
                       "Then Antony J. Blinken Meet the Press began.", extractor, published="2022-03-01")
    names = _people(rows)
    assert "Vladimir Putin" in names and "Antony Blinken" in names
    assert not any(":" in n or set(n.lower().split()) & HEADLINE for n in names)


def test_press_briefing_and_an_administration_are_no_people(extractor):
    rows = entities_of("Press Briefing\n\nThe Biden administration announced new measures on Monday.",
                       extractor, published="2022-03-01")
    assert not any(r["type"] == "PERSON" and r["text"] in {"Press Briefing", "Biden administration"}
                   for r in rows)
    assert all(r["text"] != "QUESTION" for r in entities_of("QUESTION: Is it true?", extractor))


def test_a_posts_remit_is_no_person_and_a_see_is_no_side(extractor):
    rows = entities_of("Ambassador-at-Large for Global Criminal Justice Jane Doria met Foreign "
                       "Minister Dmytro Kuleba. Later the President received Patriarch Kirill of "
                       "Moscow and all Russia.", extractor, published="2022-03-01")
    names = _people(rows)
    assert "Jane Doria" in names and "Global Criminal" not in names
    assert not any(r["type"] == "GPE" and r["name"] == "Russia" for r in rows)


# --- office holders -----------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["Sergei Lavrov", "Sergey Lavrov", "Sergey Viktorovich Lavrov"])
def test_transliterations_name_one_holder(spelling):
    assert default_holders().by_name(spelling).name == "Sergey Lavrov"


@pytest.mark.parametrize("spelling,name", [
    ("Volodymyr Zelensky", "Volodymyr Zelenskyy"), ("Vladimir Zelensky", "Volodymyr Zelenskyy"),
    ("Antony J. Blinken", "Antony Blinken"), ("Tony Blinken", "Antony Blinken"),
    ("Joseph R. Biden Jr.", "Joe Biden"), ("Kassym-Zhomart Tokayev", "Kassym-Jomart Tokayev"),
    ("Recep Tayyip Erdoğan", "Recep Tayyip Erdogan"), ("Alyaksandr Lukashenka", "Alexander Lukashenko"),
    ("António Guterres", "Antonio Guterres")])
def test_full_names_with_or_without_initials_and_short_forms(spelling, name):
    holder = default_holders().by_name(spelling, "2022-03-01")
    assert holder.name == name and holder.entity_id == person_id(name)


def test_surnames_need_one_holder_in_office_and_a_post_that_fits():
    holders = default_holders()
    assert holders.by_surname("Blinken", "2022-03-01").name == "Antony Blinken"
    assert holders.by_surname("Harris", "2022-03-01", title="Vice President").name == "Kamala Harris"
    assert holders.by_surname("Clinton", "2022-03-01") is None          # no Clinton in office
    assert holders.by_surname("Clinton", "2010-06-01").name == "Hillary Clinton"
    assert holders.by_surname("Johnson", "2022-03-01", title="Ambassador") is None
    assert holders.by_surname("Xi", "2020-01-01").name == "Xi Jinping"   # family name first


def test_posts_with_their_state_or_body_name_the_holder_of_the_day():
    holders = default_holders()
    assert holders.by_post("Minister of Foreign Affairs", "Russian Federation", "2022-03-01").name == "Sergey Lavrov"
    assert holders.by_post("Secretary of State", "United States", "2019-01-15").name == "Mike Pompeo"
    assert holders.by_post("Prime Minister", "United Kingdom", "2022-11-30").name == "Rishi Sunak"
    assert holders.by_post("Prime Minister", "United Kingdom", "2022-10-30") is None  # Truss or Sunak
    assert holders.by_post("Secretary-General", "UN", "2010-05-05").name == "Ban Ki-moon"
    assert holders.by_post("Federal Chancellor", "Germany", "2015-01-01").name == "Angela Merkel"
    assert holders.by_post("President", "United States", None) is None
    assert post_kind("Secretary of Defense") == post_kind("Minister of Defence") == "defence minister"


def test_the_holders_data_names_known_bodies_sources_and_sound_terms():
    data = json.loads((ROOT / "communique" / "data" / "office_holders.json").read_text("utf-8"))
    gaz = default_gazetteer()
    names = [p["name"] for p in data["people"]]
    assert len(names) == len(set(names)) and len(names) > 300
    for person in data["people"]:
        assert person["source"] in data["sources"], person["name"]
        for post in person["posts"]:
            assert gaz.country(post["org"]) or gaz.org(post["org"]), (person["name"], post)
            for field in ("start", "end"):
                assert post[field] is None or re.fullmatch(r"\d{4}(-\d{2})?", post[field]), person["name"]
            assert post["start"] and (post["end"] is None or post["start"] <= post["end"]), person["name"]
            assert set(post.get("approximate", [])) <= {"start", "end"}


def test_users_extend_the_holders_with_their_own_file(tmp_path, monkeypatch):
    (tmp_path / "office_holders.json").write_text(json.dumps({
        "sources": {"mine": "my ministry's list"},
        "people": [{"name": "Ilse Vantorp", "source": "mine", "aliases": ["Ilse van Torp"],
                    "posts": [{"title": "Foreign Minister", "org": "Belgium", "start": "2021-01", "end": None}]},
                   {"name": "Sergey Lavrov", "aliases": ["S. V. Lavrov"], "posts": []}]}), "utf-8")
    monkeypatch.setenv("COMMUNIQUE_DATA_DIR", str(tmp_path))
    holders = default_holders()
    assert holders.by_post("Foreign Minister", "Belgium", "2022-01-01").name == "Ilse Vantorp"
    assert holders.by_name("Ilse van Torp").name == "Ilse Vantorp"
    lavrov = holders.by_name("Sergei Lavrov")
    assert "S. V. Lavrov" in lavrov.aliases and lavrov.posts      # merged, the package's posts kept
    assert "mine" in holders.sources
    monkeypatch.delenv("COMMUNIQUE_DATA_DIR")
    assert default_holders().by_name("Ilse Vantorp") is None


def test_a_broken_user_file_is_a_clear_error(tmp_path):
    from communique.errors import CommuniqueError
    (tmp_path / "office_holders.json").write_text('{"persons": []}', "utf-8")
    with pytest.raises(CommuniqueError, match="office holders"):
        Holders.load([str(tmp_path)])


def test_one_id_across_documents_whatever_the_spelling(extractor):
    first = extractor.extract(read_text("Foreign Minister Sergei Lavrov met Secretary Blinken in Geneva today.",
                                        published="2022-01-21"))
    second = extractor.extract(read_text("Russian Foreign Minister Sergey Lavrov spoke with Antony J. Blinken today. "
                                         "The Russian President also called the German Chancellor.",
                                         published="2022-02-12"))
    ids = {}
    for result in (first, second):
        for m in result.mentions:
            if m.type == "PERSON":
                ids.setdefault(m.name, set()).add(m.entity_id)
    assert ids["Sergey Lavrov"] == {person_id("Sergey Lavrov")}
    assert ids["Antony Blinken"] == {person_id("Antony Blinken")}
    assert ids["Vladimir Putin"] == {person_id("Vladimir Putin")}     # "the Russian President"
    assert ids["Olaf Scholz"] == {person_id("Olaf Scholz")}           # "the German Chancellor"


# --- speakers -----------------------------------------------------------------------------

def test_first_person_statements_take_the_speaker_of_the_title(extractor):
    doc = read_text("I will meet President Tokayev in Astana next week. We agreed to deepen our trade.",
                    published="2022-03-01")
    doc.title = "Statement by the Minister for Foreign Affairs of Japan"
    result = extractor.extract(doc)
    spoken = [m for m in result.mentions if m.via == "speaker"]
    assert {m.text for m in spoken} >= {"I", "We"}
    assert {m.name for m in spoken} == {"Yoshimasa Hayashi"}
    meet = next(e for e in result.events if e.trigger.startswith("meet"))
    assert [a.name for a in meet.actors] == ["Yoshimasa Hayashi"] and meet.status == "planned"
    assert [r.name for r in meet.recipients] == ["Kassym-Jomart Tokayev"]


def test_transcript_labels_give_each_turn_its_speaker(extractor):
    text = ("PRESIDENT MACRON: I spoke with Chancellor Scholz this morning.\n\n"
            "QUESTION: Did you speak about gas?\n\n"
            "President of Russia Vladimir Putin: Colleagues, I will call President Macron tomorrow.")
    result = extractor.extract(read_text(text, published="2022-03-01"))
    spoken = {(m.start, m.name) for m in result.mentions if m.via == "speaker"}
    by_text = {text[s:s + 1] + str(s): n for s, n in spoken}
    assert len(spoken) == 2
    assert set(by_text.values()) == {"Emmanuel Macron", "Vladimir Putin"}
    you = text.index("Did you")
    assert all(s != you + 4 for s, _ in spoken)      # the journalist's turn has no known speaker


def test_quoted_first_person_is_not_the_speaker(extractor):
    doc = read_text('The minister recalled the words “we will never give up” of the defenders.',
                    published="2022-03-01")
    doc.title = "Remarks by Secretary Antony J. Blinken"
    assert not [m for m in extractor.extract(doc).mentions if m.via == "speaker"]


# --- dates in names and bounded periods ---------------------------------------------------

def test_years_inside_names_are_no_dates():
    text = "Putin awarded the 2021 Presidential Prize. The forum met in 2021 and adopted the 2030 Agenda."
    values = [(t.text, t.value) for t in tag_times(text, "2022-03-25")]
    assert values == [("2021", "2021")]
    assert text.index("met in 2021") + 7 == next(t.start for t in tag_times(text, "2022-03-25"))


def test_early_late_and_later_give_the_part_of_the_period():
    found = {t.text: (t.value, t.begin, t.finish, t.mod) for t in tag_times(
        "Talks early next year, a visit later this month, the vote in late March.", "2022-03-25")}
    assert found["early next year"] == ("2023", "2023-01", "2023-04", "START")
    assert found["later this month"] == ("2022-03", "2022-03-25", "2022-03-31", "AFTER")
    assert found["late March"] == ("2022-03", "2022-03-21", "2022-03-31", "END")


def test_talks_early_next_year_are_planned_within_an_approximate_range(extractor):
    result = extractor.extract(read_text("Vladimir Putin and Joe Biden agreed that the talks will "
                                         "be held early next year in Geneva.", published="2022-03-25"))
    dated = [e for e in result.events if e.when and e.when.start == "2023-01"]
    assert dated and all(e.status == "planned" and e.when.approximate and e.when.end == "2023-04"
                         for e in dated)


# --- the people of a store ----------------------------------------------------------------

@pytest.fixture(scope="module")
def people_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("people") / "people.duckdb"
    cli = [sys.executable, "-m", "communique.cli"]
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("COMMUNIQUE_DATA_DIR", None)
    done = subprocess.run(cli + ["ingest", str(PEOPLE_CORPUS), "--db", str(db)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    out = subprocess.run(cli + ["people", "--all", "--format", "jsonl", "--db", str(db)],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    return db, [json.loads(line) for line in out.stdout.splitlines()]


def test_people_jsonl_lists_each_person_once(people_store):
    _, people = people_store
    names = [p["name"] for p in people]
    for name in ("Vladimir Putin", "Antony Blinken", "Sergey Lavrov", "Kassym-Jomart Tokayev",
                 "Volodymyr Zelenskyy"):
        assert names.count(name) == 1, names
    assert not any(":" in n or set(n.lower().split()) & HEADLINE for n in names)
    assert not any(n in {"QUESTION", "Press Briefing", "Biden administration"} for n in names)


def test_people_jsonl_rows_carry_ids_aliases_posts_and_counts(people_store):
    _, people = people_store
    blinken = next(p for p in people if p["name"] == "Antony Blinken")
    assert blinken["id"] == person_id("Antony Blinken")
    assert "Antony J. Blinken" in blinken["aliases"]
    assert blinken["documents"] == 2 and blinken["events"] >= 3
    lavrov = next(p for p in people if p["name"] == "Sergey Lavrov")
    assert "Sergei Lavrov" in lavrov["aliases"]
    post = next(p for p in lavrov["posts"] if p["org"] == "Russia")
    assert post["title"] == "Foreign Minister"
    assert (post["first_seen"], post["last_seen"]) == ("2022-01-22", "2022-02-12")


def test_the_ids_of_people_are_those_of_events(people_store):
    db, people = people_store
    con = duckdb.connect(str(db), read_only=True)
    try:
        used = {row[0] for row in con.execute(
            "SELECT DISTINCT entity_id FROM participants WHERE type = 'PERSON'").fetchall()}
    finally:
        con.close()
    ids = {p["id"] for p in people}
    assert used and used <= ids
    assert sum(p["events"] for p in people if p["name"] == "Vladimir Putin") >= 3


def test_a_part_of_a_period_is_no_day_for_later_text():
    text = ("LONDON, 14 March 2022 - The storms struck earlier this month. "
            "Later in the day, the minister spoke by telephone with the mayor.")
    later = [t for t in tag_times(text, "2022-03-14") if t.text == "Later in the day"]
    assert later and later[0].value == "2022-03-14"
