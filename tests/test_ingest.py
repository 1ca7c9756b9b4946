"""ingest: cleaning, segmentation, dates and readers (own small texts; corpora only when present)."""
from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from communique.errors import InputError
from communique.ingest import (Skipped, clean_text, detect_published, read_inputs, read_text,
                               segment)
from communique.records import Document

HERE = Path(__file__).parent
SAMPLES = HERE / "ingest_samples"
SHARED = HERE.parent.parent / "shared"
SEED = SHARED / "corpus" / "seed-csto-2019-09.txt"
SEED_GOLD = SHARED / "gold" / "dev" / "seed-csto-2019-09.json"
KREMLIN = SHARED / "data" / "kremlin-zelenskyy-press-releases" / "kremlin_news_2021-10_2022-06.csv"
STATE = (SHARED / "data" / "us-state-dept-press-releases"
         / "state_dept_press_releases_2021-05_2022-08.jsonl.gz")

STORY = ("The Minister of Foreign Affairs held talks with his counterpart from Armenia in Yerevan.\n"
         "\n"
         "The parties discussed regional security and agreed to continue consultations.\n")


def docs(results):
    return [r for r in results if isinstance(r, Document)]


def skips(results):
    return [r for r in results if isinstance(r, Skipped)]


def check_articles(doc_or_text, articles=None):
    """Articles are ordered, inside the text, and cover every non-blank character."""
    text = doc_or_text.text if isinstance(doc_or_text, Document) else doc_or_text
    articles = articles if articles is not None else doc_or_text.articles
    covered = [False] * len(text)
    last = 0
    for k, a in enumerate(articles):
        assert a.index == k
        assert last <= a.start <= a.body_start <= a.end <= len(text)
        last = a.end
        for i in range(a.start, a.end):
            covered[i] = True
        if a.title:
            assert text[a.start:a.body_start].strip() == a.title
        else:
            assert a.body_start == a.start
    assert all(covered[i] for i, c in enumerate(text) if not c.isspace())


# ---------------------------------------------------------------- cleaning

def test_furniture_dropped_and_story_kept():
    raw = ("Home > News > Press releases\n"
           "Skip to main content\n"
           "Talks with the Foreign Minister of Armenia\n\n"
           "The Minister held talks with his counterpart in Yerevan on 3 March.\n"
           "IMG_4512.JPG\n"
           "photo_2021-03-03_12-44-01.png\n"
           "They discussed regional security. For accreditation, call +7 (495) 123-45-67 or write to "
           "press@mfa.example before Friday.\n"
           "Tags: Armenia, bilateral relations\n"
           "Share\n"
           "Print\n"
           "Read more\n"
           "This website uses cookies to improve your experience. By continuing you agree.\n"
           "Press Office\n"
           "Contact: press@mfa.example\n"
           "Tel. +7 495 123 45 67\n"
           "Back to top\n")
    text, dropped = clean_text(raw)
    assert text.splitlines()[0] == "Talks with the Foreign Minister of Armenia"
    assert "The Minister held talks with his counterpart in Yerevan on 3 March." in text
    # a sentence with a phone number and an e-mail is story, not furniture
    assert "For accreditation, call +7 (495) 123-45-67" in text
    for line in ("Home > News > Press releases", "Skip to main content", "IMG_4512.JPG",
                 "photo_2021-03-03_12-44-01.png", "Tags: Armenia, bilateral relations", "Share",
                 "Print", "Read more", "Press Office", "Contact: press@mfa.example",
                 "Tel. +7 495 123 45 67", "Back to top"):
        assert line in dropped, line
        assert line not in text.splitlines()
    assert any("cookies" in line for line in dropped)


def test_whitespace_normalised_characters_kept():
    raw = "  Title\u00a0of\tthe   page  \r\n\r\n\r\n\r\nFrom 24 to 27 September , 2019,\u00a0in New York.  \n\n\n"
    text, dropped = clean_text(raw)
    assert text == "Title of the page\n\nFrom 24 to 27 September , 2019, in New York."
    assert dropped == []


def test_real_sentences_never_dropped():
    lines = ["Print media reported that the minister would share his views at the summit.",
             "Share of renewable energy in the region grew to 40 percent last year, the report says.",
             "Back to the negotiating table, the parties signed the agreement on Friday.",
             "Yes.",
             "The Press Secretary of the President said the talks would resume next week."]
    text, dropped = clean_text("\n\n".join(lines))
    assert dropped == []
    assert text.split("\n\n") == lines


def test_signature_block_at_end_only():
    raw = ("The CSTO Press Secretary Vladimir Zaynetdinov said the exercise was a success.\n\n"
           "The exercise will continue until Friday in the Leningrad region.\n\n"
           "Press Service of the Ministry\n\n"
           "Ivan Petrov\n"
           "+7 495 111 22 33, press@ministry.example\n\n"
           "Back to the section\n")
    text, dropped = clean_text(raw)
    assert dropped == ["Press Service of the Ministry", "Ivan Petrov",
                       "+7 495 111 22 33, press@ministry.example", "Back to the section"]
    assert text.endswith("until Friday in the Leningrad region.")


@pytest.mark.skipif(not SEED.exists(), reason="shared corpus absent")
def test_seed_page():
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    [doc] = docs(read_inputs([str(SEED)]))
    assert doc.furniture == gold["boilerplate"]
    for line in gold["boilerplate"]:
        assert line not in doc.text
    check_articles(doc)
    titles = [a.title for a in doc.articles]
    assert titles == [a["title"] for a in gold["articles"]]      # two teasers, the main story
    main = doc.articles[-1]
    assert main.title == "On the results of the attendance of the CSTO Acting Secretary General in New York"
    assert doc.text[main.body_start:].startswith("The delegation of the Secretariat")
    assert doc.text[doc.articles[0].start:doc.articles[0].end].startswith("Military contingents")
    assert doc.text[doc.articles[1].start:doc.articles[1].end].startswith("Questions were discussed")
    assert doc.title == main.title
    assert doc.published is None
    assert doc.raw_text is not None and "Back to the all news" in doc.raw_text


# ---------------------------------------------------------------- segmentation

def test_single_story_with_headline():
    text = ("Telephone conversation with President of Kazakhstan Kassym-Jomart Tokayev\n\n"
            "Vladimir Putin had a telephone conversation with President of Kazakhstan "
            "Kassym-Jomart Tokayev.\n\n"
            "The leaders discussed the situation in the region and agreed to stay in contact.\n\n"
            "Regional security issues\n\n"
            "They also reviewed cooperation within the Collective Security Treaty Organisation.")
    articles = segment(text)
    assert len(articles) == 1
    assert articles[0].title == ("Telephone conversation with President of Kazakhstan "
                                 "Kassym-Jomart Tokayev")
    check_articles(text, articles)


def test_headline_without_blank_line_and_untitled_text():
    text = ("Meeting with Prime Minister of Armenia\n"
            "The President met with the Prime Minister of Armenia at the Kremlin today.")
    [a] = segment(text)
    assert a.title == "Meeting with Prime Minister of Armenia"
    assert text[a.body_start:].startswith("The President met")
    [b] = segment(STORY)
    assert b.title is None and b.start == 0 and b.body_start == 0
    assert segment("") == [] and segment("\n\n  \n") == []


def test_listing_page_with_teasers_and_items():
    text = ("The Council of Defence Ministers will meet in Dushanbe on Friday to discuss the "
            "joint air defence system.\n\n"
            "Military observers from six countries arrived in Kyrgyzstan to follow the "
            "exercise Cooperation-2021 at the Edelweiss range.\n\n"
            "Secretary General met with the Ambassador of Serbia\n\n"
            "On 12 May, the Secretary General received the Ambassador of Serbia and discussed "
            "cooperation in countering terrorism.\n\n"
            "Exercise of the rapid reaction forces started in Tajikistan\n\n"
            "The joint exercise of the rapid reaction forces started at the Harb-Maidon range "
            "near the Afghan border.")
    articles = segment(text)
    check_articles(text, articles)
    assert [a.title for a in articles] == [
        None, None, "Secretary General met with the Ambassador of Serbia",
        "Exercise of the rapid reaction forces started in Tajikistan"]
    assert text[articles[1].start:].startswith("Military observers")


def test_teaser_block_split_by_cohesion_but_continuations_kept():
    text = ("The naval exercise of the fleets started in the Baltic Sea with twenty warships.\n"
            "It will last until Friday and involve submarines and naval aviation.\n"
            "The parliamentary assembly approved the budget of the secretariat for next year.\n\n"
            "Meeting of the Permanent Council in Moscow\n\n"
            "The Permanent Council met in Moscow and reviewed the preparations of the summit.")
    articles = segment(text)
    check_articles(text, articles)
    assert len(articles) == 3
    assert text[articles[0].start:articles[0].end].endswith("naval aviation.")
    assert text[articles[1].start:articles[1].end].startswith("The parliamentary assembly")


def test_single_record_is_one_article():
    text = ("Fact sheet on the partnership\n\nThe two countries signed an agreement on trade.\n\n"
            "Expanding Security Cooperation Between Our Nations\n\n"
            "The sides held joint exercises and agreed to expand them next year.")
    assert len(segment(text, single=True)) == 1
    assert len(segment(text)) == 2


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("text, expected", [
    ("KABUL, Afghanistan (Nov. 20, 2011)\nA coalition security force detained suspects.", "2011-11-20"),
    ("NEW YORK, 14 March 2022 — The Security Council met today.", "2022-03-14"),
    ("Moscow, March 3, 2022\nThe President held talks.", "2022-03-03"),
    ("Published: 2021-06-07\n\nThe ministers met.", "2021-06-07"),
    ("Date: 5 September 2019\nThe ministers met.", "2019-09-05"),
    ("Date: 31 September 2019\nThe ministers met.", None),          # no such day
    ("The ministers met on March 3, 2022 in Moscow.", None),        # a date in a sentence
    ("WASHINGTON — The Secretary spoke with the minister.", None),
])
def test_publication_date(text, expected):
    assert detect_published(text) == expected


def test_dateline_date_on_document(tmp_path):
    p = tmp_path / "release.txt"
    p.write_text("BRUSSELS, 5 March 2021 - NATO Allies met with partners to discuss the "
                 "situation in Afghanistan.\n", encoding="utf-8")
    [doc] = docs(read_inputs([str(p)]))
    assert doc.published == "2021-03-05"
    [doc] = docs(read_inputs([str(p)], published="2021-03-06"))   # the argument wins
    assert doc.published == "2021-03-06"
    with pytest.raises(InputError):
        list(read_inputs([str(p)], published="next Tuesday"))


# ---------------------------------------------------------------- readers

def test_html_page_nav_and_footer():
    [doc] = docs(read_inputs([str(SAMPLES / "news_page.html")]))
    assert doc.title == "Foreign Ministers of the Alliance met in Minsk"
    assert doc.published == "2021-11-30"
    assert doc.text.startswith("Foreign Ministers of the Alliance met in Minsk\n\nOn November 30")
    for junk in ("Home", "Back to top", "cookies", "Subscribe", "press@example-org.int",
                 "photo_2021", "All rights reserved"):
        assert junk not in doc.text, junk
    assert "photo_2021-11-30_12-44-01.jpg" in doc.furniture
    assert "adopted a statement on strengthening cooperation" in doc.text
    [article] = doc.articles
    assert article.title == doc.title
    check_articles(doc)


def test_broken_html_falls_back(tmp_path):
    p = tmp_path / "broken.htm"
    p.write_bytes(b"<html><body><div><p>The Minister received the Ambassador of Brazil and "
                  b"discussed trade.<p>Back to top</div><footer>Share")
    res = list(read_inputs([str(p)]))
    [doc] = docs(res)
    assert "received the Ambassador of Brazil" in doc.text
    assert "Back to top" not in doc.text


def test_windows_1251_decoded(tmp_path):
    text = ("Министр иностранных дел России провёл переговоры с министром иностранных дел "
            "Казахстана в Москве. Стороны обсудили вопросы двустороннего сотрудничества и "
            "региональной безопасности.\n")
    p = tmp_path / "ru.txt"
    p.write_bytes(text.encode("windows-1251"))
    [doc] = docs(read_inputs([str(p)]))
    assert doc.text == text.strip()


def test_empty_binary_missing_and_too_large(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n \t\n")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    nul = tmp_path / "data.html"
    nul.write_bytes(b"abc\x00\x01\x02" * 50)
    furniture_only = tmp_path / "nav.txt"
    furniture_only.write_text("Share\nPrint\nBack to top\n")
    big = tmp_path / "big.txt"
    big.write_text(STORY * 50)
    res = list(read_inputs([str(empty), str(blank), str(binary), str(nul), str(furniture_only),
                            str(tmp_path / "missing.txt"), str(big)], max_bytes=1000))
    assert [(Path(s.source).name, s.reason) for s in res] == [
        ("empty.txt", "empty"), ("blank.txt", "empty"), ("image.txt", "binary"),
        ("data.html", "binary"), ("nav.txt", "empty"), ("missing.txt", "not_found"),
        ("big.txt", "too_large")]
    assert all(isinstance(s, Skipped) and s.detail for s in res)
    assert isinstance(res[0].to_error(), InputError)


def test_jsonl_with_a_broken_line(tmp_path):
    rows = [
        json.dumps({"id": "a1", "title": "Talks with the Foreign Minister of Armenia",
                    "text": STORY, "published": "2021-05-20T22:14:56+00:00",
                    "url": "https://example.org/a1"}),
        '{"id": "a2", "text": "broken',
        json.dumps({"id": "a3", "text": "The Minister met the Ambassador of Chile to discuss "
                                        "trade and investment.", "published": "2021-05-21"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "a5", "headline": "no text here"}),
        "",
    ]
    p = tmp_path / "corpus.jsonl"
    p.write_text("\n".join(rows), encoding="utf-8")
    res = list(read_inputs([str(p)]))
    good, bad = docs(res), skips(res)
    assert [d.source for d in good] == [f"{p}#a1", f"{p}#a3"]
    assert good[0].published == "2021-05-20" and good[0].url == "https://example.org/a1"
    assert good[0].title == "Talks with the Foreign Minister of Armenia"
    assert good[0].text.startswith("Talks with the Foreign Minister of Armenia\n\nThe Minister")
    assert good[0].articles[0].title == good[0].title
    assert [(s.line, s.reason) for s in bad] == [(2, "bad_record"), (4, "bad_record"),
                                                 (5, "bad_record")]


def test_gzip_jsonl_state_dept_keys_and_duplicates(tmp_path):
    rec = {"url": "https://www.state.gov/x/", "title": "Secretary Blinken's Call with Minister X",
           "published": "2022-02-01T10:00:00+00:00", "author": "Office of the Spokesperson",
           "categories": [], "text": "Office of the Spokesperson\n\nThe Secretary spoke with "
                                     "Minister X about Ukraine today."}
    p = tmp_path / "sd.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(rec) + "\n" + json.dumps(rec) + "\n")
    res = list(read_inputs([str(p)]))
    [doc] = docs(res)
    assert doc.source == f"{p}#1" and doc.published == "2022-02-01"
    assert doc.articles[0].title == rec["title"] and len(doc.articles) == 1
    [dup] = skips(res)
    assert dup.reason == "duplicate"


def test_csv_kremlin_columns(tmp_path):
    p = tmp_path / "kremlin.csv"
    p.write_text(
        "link,headline,date,location,summary,body\n"
        'http://example.org/1,Telephone conversation with President of Kazakhstan,'
        '2022-01-05T15:00:00Z,NA,"Vladimir Putin had a telephone conversation with the '
        'President of Kazakhstan.","The leaders discussed the situation in the country, '
        'including the deployment of the CSTO peacekeeping forces."\n'
        'http://example.org/2,Broken row,2022-01-06\n'
        'http://example.org/3,Meeting with Security Council members,2022-01-07T12:00:00Z,'
        'Moscow,,"The President held a meeting with the permanent members of the Security '
        'Council, via videoconference."\n'
        'http://example.org/4,Empty body,2022-01-08T12:00:00Z,Moscow,,\n',
        encoding="utf-8")
    res = list(read_inputs([str(p)]))
    good = docs(res)
    assert [d.url for d in good] == ["http://example.org/1", "http://example.org/3"]
    first = good[0]
    assert first.title == "Telephone conversation with President of Kazakhstan"
    assert first.published == "2022-01-05"
    assert first.text.startswith("Telephone conversation with President of Kazakhstan\n\n"
                                 "Vladimir Putin had a telephone conversation")
    assert "deployment of the CSTO peacekeeping forces" in first.text
    assert first.articles[0].title == first.title
    check_articles(first)
    assert [(s.line, s.reason) for s in skips(res)] == [(2, "bad_record"), (4, "empty")]


def test_csv_column_mapping_and_directory(tmp_path):
    sub = tmp_path / "in" / "deeper"
    sub.mkdir(parents=True)
    (sub / "a.csv").write_text("story,when\n\"The ministers met in Baku and signed a "
                               "memorandum.\",03.03.2022\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "in" / "notes.md").write_text("ignored", encoding="utf-8")
    res = list(read_inputs([str(tmp_path / "in")],
                           columns={"text": "story", "published": "when"}))
    good = docs(res)
    assert [Path(d.source.split("#")[0]).name for d in good] == ["b.txt", "a.csv"]
    assert good[1].published == "2022-03-03"
    # a file of an unknown type is accounted for, not read, and not dropped in silence
    assert [(Path(s.source).name, s.reason) for s in skips(res)] == [("notes.md", "unsupported")]


def test_stdin_and_read_text():
    res = list(read_inputs(["-"], stdin=io.StringIO(STORY), published="2021-04-01"))
    [doc] = docs(res)
    assert doc.source == "-" and doc.published == "2021-04-01"
    bres = list(read_inputs(["-"], stdin=io.BytesIO("Share\n".encode())))
    assert skips(bres)[0].reason == "empty"
    doc = read_text(STORY, title="Talks in Yerevan", published="2021-04-02", url="u")
    assert doc.title == "Talks in Yerevan" and doc.articles[0].title == "Talks in Yerevan"
    assert doc.published == "2021-04-02" and doc.url == "u"
    assert Document.from_dict(doc.to_dict()) == doc
    with pytest.raises(InputError):
        read_text("Back to top\nShare")
    with pytest.raises(InputError):
        read_inputs([])


def test_article_offsets_slice_text():
    doc = read_text("Teaser about the naval exercise in the Baltic Sea with ten ships.\n\n"
                    "Visit of the Foreign Minister to Tashkent\n\n"
                    "The Foreign Minister arrived in Tashkent for talks with his counterpart.\n\n"
                    "Back to the all news")
    assert doc.furniture == ["Back to the all news"]
    check_articles(doc)
    a, b = doc.articles
    assert doc.text[a.start:a.end] == ("Teaser about the naval exercise in the Baltic Sea with "
                                       "ten ships.")
    assert doc.text[b.start:b.body_start].strip() == "Visit of the Foreign Minister to Tashkent"
    assert doc.text[b.body_start:b.end].startswith("The Foreign Minister arrived")


# ---------------------------------------------------------------- corpora (smoke)

def _first(path, n):
    out = []
    for r in read_inputs([str(path)]):
        out.append(r)
        if len(out) >= n:
            break
    return out


@pytest.mark.slow
@pytest.mark.skipif(not KREMLIN.exists(), reason="shared data absent")
def test_smoke_kremlin_csv():
    res = _first(KREMLIN, 50)
    good = docs(res)
    assert len(good) >= 45
    for d in good:
        assert d.published and d.title and d.url.startswith("http")
        assert d.text.startswith(d.title)
        assert d.articles and d.articles[0].title == d.title
        check_articles(d)


@pytest.mark.slow
@pytest.mark.skipif(not STATE.exists(), reason="shared data absent")
def test_smoke_state_dept_jsonl_gz():
    res = _first(STATE, 50)
    good = docs(res)
    assert len(good) >= 45
    for d in good:
        assert d.published and len(d.published) == 10 and d.title
        assert len(d.articles) == 1
        check_articles(d)
