"""Tests of the temporal tagger (communique.time) and its TimeML evaluation."""
from pathlib import Path

import pytest

from communique.records import Timex
from communique.time import get_tagger, tag_times, time_command

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "corpus" / "seed-csto-2019-09.txt"
TBAQ = SHARED / "data" / "tempeval3" / "TBAQ-cleaned"


def values(text, anchor=None):
    return [(t.text, t.value) for t in tag_times(text, anchor)]


def one(text, anchor=None):
    found = tag_times(text, anchor)
    assert len(found) == 1, found
    return found[0]


def test_offsets_slice_the_text():
    text = ("NEW YORK, 14 March 2022 — Today the council met for two hours. On 15 March, the next day, "
            "it met again; every week since, and on Monday it will meet at 3 p.m.")
    found = tag_times(text)
    assert found
    for t in found:
        assert isinstance(t, Timex)
        assert text[t.start:t.end] == t.text


def test_absolute_and_partial_dates():
    assert one("It was signed on 26 September 2019.").value == "2019-09-26"
    t = one("They met on September 26.", "2019-09-30")
    assert (t.value, t.precision, t.basis) == ("2019-09-26", "day", "anchor")
    assert one("On the 25th of September they spoke.", "2019-10-01").value == "2019-09-25"
    assert one("Signed in September 2016.").value == "2016-09"
    assert one("Signed in 2016.").value == "2016"
    assert one("The memorandum of Sept. 5, 2019 stands.").value == "2019-09-05"


def test_partial_date_year_without_anchor():
    # from the latest complete date before ...
    text = "The summit opened on 3 May 2018. In September 2016 a deal was signed. On 5 May talks ended."
    assert values(text)[-1] == ("5 May", "2018-05-05")
    # ... else from the first year-bearing date anywhere
    assert values("On 5 May talks began. The plan dates from 12 June 2017.")[0] == ("5 May", "2017-05-05")
    assert one("On 5 May talks began.").value == "XXXX-05-05"


def test_december_date_in_january_report():
    assert one("The talks held on December 28 were useful.", "2020-01-05").value == "2019-12-28"


def test_ranges():
    t = one("He was in New York from 24 to 27 September , 2019, at the invitation.")
    assert (t.text, t.value, t.begin, t.finish) == ("24 to 27 September , 2019", "2019-09-24", "2019-09-24", "2019-09-27")
    t = one("The exercise runs 24-27 September.", "2019-09-01")
    assert (t.begin, t.finish) == ("2019-09-24", "2019-09-27")
    t = one("It was held between 3 and 5 May.", "2019-06-01")
    assert (t.begin, t.finish) == ("2019-05-03", "2019-05-05")
    t = one("Held September 24-27, 2019 in Dushanbe.")
    assert (t.begin, t.finish, t.basis) == ("2019-09-24", "2019-09-27", "text")
    t = one("The mission lasted from 3 May to 5 June 2019.")
    assert (t.begin, t.finish) == ("2019-05-03", "2019-06-05")


def test_ranges_split_for_timeml():
    found = tag_times("from 24 to 27 September, 2019", split_ranges=True)
    assert [(t.text, t.value) for t in found] == [("24", "2019-09-24"), ("27 September, 2019", "2019-09-27")]


def test_anaphora():
    text = ("The delegation was in New York from 24 to 27 September, 2019. On September 26 he met the "
            "Under-Secretary. On the same day, a meeting was held. The next day he flew home. "
            "Two days later he reported; a week later he resigned.")
    got = dict(values(text))
    assert got["September 26"] == "2019-09-26"
    assert got["the same day"] == "2019-09-26"
    assert got["The next day"] == "2019-09-27"
    assert got["Two days later"] == "2019-09-29"
    assert got["a week later"] == "2019-10-06" or got["a week later"].startswith("2019-W40")


def test_anaphora_day_before_and_that_day():
    got = dict(values("On 10 March 2021 the council met. The day before, envoys arrived."))
    assert got["The day before"] == "2021-03-09"
    got = dict(values("On 10 March 2021 the council met. That day was calm; the following day was not."))
    assert got["That day"] == "2021-03-10"
    assert got["the following day"] == "2021-03-11"


def test_deictics_against_anchor():
    anchor = "2019-09-26"  # a Thursday
    got = dict(values("Today, yesterday and tomorrow; this morning and tonight. This year, last month, "
                      "next month, last week and next week.", anchor))
    assert got["Today"] == "2019-09-26"
    assert got["yesterday"] == "2019-09-25"
    assert got["tomorrow"] == "2019-09-27"
    assert got["this morning"] == "2019-09-26TMO"
    assert got["tonight"] == "2019-09-26TNI"
    assert got["This year"] == "2019"
    assert got["last month"] == "2019-08"
    assert got["next month"] == "2019-10"
    assert got["last week"] == "2019-W38"
    assert got["next week"] == "2019-W40"


def test_references():
    got = dict(values("Recently the CSTO grew. It is currently chaired by Russia, now and in the future.", "2019-09-26"))
    assert got["Recently"] == "PAST_REF"
    assert got["currently"] == "PRESENT_REF"
    assert got["now"] == "PRESENT_REF"
    assert got["the future"] == "FUTURE_REF"


def test_weekday_past_and_future():
    anchor = "2019-09-26"  # Thursday
    assert one("The minister said on Monday that talks went well.", anchor).value == "2019-09-23"
    assert one("The minister will travel to Minsk on Monday.", anchor).value == "2019-09-30"
    assert one("The summit is to open on Friday.", anchor).value == "2019-09-27"
    assert one("The ministers met on Thursday.", anchor).value == "2019-09-26"
    assert one("He met them on Monday.").value == "XXXX-WXX-1"


def test_datelines():
    got = values("KABUL, Afghanistan (Nov. 20, 2011) - Yesterday ISAF forces met elders.")
    assert got == [("Nov. 20, 2011", "2011-11-20"), ("Yesterday", "2011-11-19")]
    got = values("NEW YORK, 14 March 2022 — Today the Security Council met.")
    assert got == [("14 March 2022", "2022-03-14"), ("Today", "2022-03-14")]


def test_numeric_formats():
    assert one("Signed on 25.09.2019 in Moscow.").value == "2019-09-25"
    assert one("Signed on 2019-09-25 in Moscow.").value == "2019-09-25"
    assert one("Signed on 09/25/2019 in Moscow.").value == "2019-09-25"
    assert one("Signed on 25/09/2019 in Moscow.").value == "2019-09-25"
    assert one("Signed on 03/04/2019 in Moscow.").value == "2019-03-04"   # US order by default


def test_impossible_date_is_reported_not_raised():
    t = one("The meeting on 31 September 2019 was postponed.")
    assert t.value is None
    assert "impossible date" in t.error and "31 September" in t.error
    assert one("Minutes of 30.02.2019.").error


def test_no_dates_in_furniture_numbers_and_ordinals():
    text = ("IMG-20190925-WA0060 (1).jpg\n +7495-795-27-10, odkb-pressa@gov.ru\n"
            "the events of the 74th session of the UN General Assembly; 1,500 troops and 2019 soldiers; "
            "$1990 in cash; Resolution 2231 was cited.")
    assert tag_times(text) == []


def test_month_names_that_are_words():
    assert tag_times("You may march to the square in may.") == []


def test_durations_and_sets():
    got = dict(values("It lasted three days and two hours; for a month; 5 1/2 hours; a two-year plan.", "2019-01-01"))
    assert got["three days"] == "P3D"
    assert got["two hours"] == "PT2H"
    assert got["a month"] == "P1M"
    assert got["5 1/2 hours"] == "PT5H30M"
    assert "P2Y" in got.values()
    sets = [t for t in tag_times("They meet every week and report annually; a weekly review.") if t.type == "SET"]
    # TimeML marks the adjective too ("a weekly review", "daily rallies") as a SET
    assert [(t.text, t.value) for t in sets] == [("every week", "P1W"), ("annually", "P1Y"), ("weekly", "P1W")]
    assert [t.value for t in tag_times("the monthly report")] == []  # a kind of document, kept out as before


def test_times_merge_with_dates():
    # with a preposition between them, two expressions (TimeML), the clock on the date's day
    got = [(t.text, t.type, t.value) for t in tag_times("On September 26 at 15:00 the talks began.", "2019-09-30")]
    assert got == [("September 26", "DATE", "2019-09-26"), ("15:00", "TIME", "2019-09-26T15:00")]
    t = one("The vote is at 9 a.m. Tuesday.", "2019-09-26")
    assert t.type == "TIME" and t.value.endswith("T09:00")


def test_quarters_and_seasons():
    anchor = "1989-10-27"
    assert one("Profit rose in the third quarter.", anchor).value == "1989-Q3"
    assert one("Sales fell in the first half of 1990.", anchor).value == "1990-H1"
    assert one("They met last summer.", anchor).value == "1989-SU"
    assert one("It happened in the 1960s.").value == "196"


def test_bad_input_never_crashes():
    for text in ["", " ", "\x00\x01", "31 February", "99/99/9999", "the day before", "12:99",
                 "nineteen ninety-six", "a" * 10000]:
        assert isinstance(tag_times(text, "not-a-date"), list)


def test_time_command_jsonl_shape():
    rows = time_command("From 24 to 27 September 2019 and on 3 October.", "2019-10-05")
    assert rows[0]["begin"] == "2019-09-24" and rows[0]["finish"] == "2019-09-27"
    assert set(rows[1]) == {"start", "end", "text", "type", "value"}


def test_tagger_is_shared():
    assert get_tagger() is get_tagger()


@pytest.mark.skipif(not SEED.exists(), reason="seed corpus not present")
def test_seed_expressions():
    text = SEED.read_text("utf-8")
    got = [(t.text, t.value) for t in tag_times(text) if t.type == "DATE"]
    assert ("24 to 27 September , 2019", "2019-09-24") in got
    assert ("September 25", "2019-09-25") in got
    assert ("the same day", "2019-09-26") in got
    assert ("September 2016", "2016-09") in got
    assert got.count(("September 26", "2019-09-26")) == 2
    assert got.count(("September 27", "2019-09-27")) == 2
    assert not any("74th" in t or "WA0060" in t or "795" in t for t, _ in got)


@pytest.mark.slow
@pytest.mark.skipif(not TBAQ.exists(), reason="TempEval-3 TBAQ-cleaned not present")
def test_tbaq_smoke():
    from communique.evaluate.timeml import evaluate_timeml
    result = evaluate_timeml(str(TBAQ), limit=5)
    assert result["documents"] == 5 and result["gold"] > 0
    assert result["relaxed"]["f1"] > 60
    assert 0 <= result["value_f1"] <= 100


def test_evaluation_skips_missing_directory(tmp_path):
    from communique.evaluate.timeml import evaluate_timeml
    assert "skipped" in evaluate_timeml(str(tmp_path / "absent"))


def test_evaluation_scores_inline_timeml(tmp_path):
    from communique.evaluate.timeml import evaluate_timeml
    doc = ('<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="2019-09-30" functionInDocument="CREATION_TIME">'
           '2019-09-30</TIMEX3></DCT><TEXT>They met on <TIMEX3 tid="t1" type="DATE" value="2019-09-26">'
           'September 26</TIMEX3> &amp; left <TIMEX3 tid="t2" type="DATE" value="2019-09-27">the next day'
           '</TIMEX3>.</TEXT></TimeML>')
    (tmp_path / "a.tml").write_text(doc)
    r = evaluate_timeml(str(tmp_path))
    assert r["strict"]["f1"] == 100.0 and r["value_f1"] == 100.0


def test_speed_comparison_times_both_taggers_on_the_same_texts():
    pytest.importorskip("dateparser")
    from communique.evaluate.timeml import compare_dateparser_speed
    texts = ["The ministers met on 26 September 2019 and will meet again next Tuesday."] * 5
    r = compare_dateparser_speed(texts, ["2019-09-30"] * 5)
    assert r["texts"] == 5 and r["communique_found"] == 10
    assert r["communique_seconds"] > 0 and r["dateparser_seconds"] > 0 and r["ratio"] > 0


def test_part_of_day_before_a_date_makes_one_time():
    got = [(t.text, t.type, t.value) for t in tag_times("On the night of 24 February the forces crossed.", "2022-03-01")]
    assert got == [("the night of 24 February", "TIME", "2022-02-24TNI")]
    t = tag_times("Early in the morning of 12 March 1994 the convoy left.")[0]
    assert (t.text, t.value) == ("Early in the morning of 12 March 1994", "1994-03-12TMO")


def test_month_with_an_ordinal_word_and_march_as_a_procession():
    assert [(t.text, t.value) for t in tag_times("The vote is on March eighth.", "1998-03-05")] == \
        [("March eighth", "1998-03-08")]
    assert tag_times("Thousands joined the annual March for Life in the capital.", "1998-03-05") == []


def test_ages_rates_and_shares_are_not_durations():
    for text in ("Marsh, 41 years old at the time of his arrest, was released.", "a dividend of $1.76 a year",
                 "The island buys about three-quarters of its fuel abroad."):
        assert tag_times(text, "1998-03-05") == [], text
    assert [t.value for t in tag_times("The talks lasted a week.", "1998-03-05")] == ["P1W"]


def test_a_quarter_without_year_is_the_nearest_one():
    got = tag_times("Profits fell in the fourth quarter, the company said.", "1998-01-26")
    assert [(t.text, t.value) for t in got] == [("the fourth quarter", "1997-Q4")]


def test_a_weekday_with_its_part_of_day_is_a_time():
    t = tag_times("Protesters marched through the city on Friday night.", "2000-01-08")[0]
    assert (t.text, t.type, t.value) == ("Friday night", "TIME", "2000-01-07TNI")


def test_the_day_before_an_event_is_not_counted_from_the_last_date():
    text = "He was last seen on Nov. 3, the day before the authorities issued a warrant."
    assert [t.text for t in tag_times(text, "1999-05-07")] == ["Nov. 3"]
    got = [(t.text, t.value) for t in tag_times("They met on Nov. 3. The day before, aides had spoken.", "1999-05-07")]
    assert got[-1] == ("The day before", "1998-11-02")


def test_a_quotation_keeps_its_own_tense_and_a_m_does_not_end_the_sentence():
    text = ("''The delegation will fly out early (6 a.m. EDT Thursday),'' the spokeswoman "
            "told reporters.")
    t = tag_times(text, "2000-04-05")[-1]
    assert (t.text, t.value) == ("6 a.m. EDT Thursday", "2000-04-06T06:00")


def test_trie_alternation_matches_like_longest_first():
    import re
    from communique.time.lexicon import alternation
    words = ["a", "an", "a couple of", "about", "at least", "mon", "monday", "mid-"]
    rx = re.compile(r"(?<!\w)" + alternation(words), re.I)
    found = [m.group(0) for m in rx.finditer("An hour, a couple of days, at least Monday, mid-May, Mon")]
    assert found == ["An", "a couple of", "at least", "Monday", "mid-", "Mon"]


def test_clock_time_takes_the_day_its_sentence_names():
    text = ("The exercise ended on 18 August. On 18 August the first group crossed the border at 05:30 "
            "local time.\n\nThe ministry thanked the border guards, the customs service, the railway "
            "workers and the volunteers of the three regions for their work throughout the exercise, "
            "and said that its report would be published on its website at 14:00.")
    got = [(t.text, t.value) for t in tag_times(text, "2015-08-24")]
    assert ("05:30 local time", "2015-08-18T05:30") in got
    assert ("14:00", "2015-08-24T14:00") in got


def test_vague_stretches_and_the_last_quarter_of_a_year():
    got = {t.text: (t.type, t.value) for t in tag_times(
        "Prices rose in recent weeks and will rise in the coming months, after floods in the last "
        "quarter of 2013. In recent years output fell.", "2014-04-11")}
    assert got["recent weeks"] == ("DURATION", "PXW")
    assert got["the coming months"] == ("DURATION", "PXM")
    assert got["the last quarter of 2013"] == ("DATE", "2013-Q4")
    assert got["recent years"] == ("DATE", "PAST_REF")


def test_weekday_of_a_named_week_and_tense_cues():
    got = {t.text: t.value for t in tag_times(
        "The council will meet on Friday next week. She must surrender her passport by Friday. "
        "The launch had been scheduled for Monday.", "2013-09-25")}
    assert got["Friday next week"] == "2013-10-04"
    assert got["Friday"] == "2013-09-27"
    assert got["Monday"] == "2013-09-23"


def test_bare_may_is_a_month_but_not_a_surname():
    got = [(t.text, t.value) for t in tag_times(
        "The schedule for May is not final. Judge Ellen May said the hearing went well, May said.",
        "2024-04-18")]
    assert got == [("May", "2024-05")]


def test_a_weekday_set_ahead_and_a_clause_of_its_own():
    got = {t.text: t.value for t in tag_times(
        "The prime minister called a meeting of security officials for Monday. The cut is effective "
        "Thursday. The union would announce the strike on Saturday, and warned that it may spread.",
        "2012-06-08")}
    assert got["Monday"] == "2012-06-11"
    assert got["Thursday"] == "2012-06-14"
    assert got["Saturday"] == "2012-06-09"


def test_another_year_and_the_next_year_after_a_half():
    got = {t.text: (t.type, t.value) for t in tag_times(
        "People cannot wait another year. Centres open in the second half of the year, and the "
        "company will hire staff the next year.", "2013-05-09")}
    assert got["another year"] == ("DURATION", "P1Y")
    assert got["the next year"] == ("DATE", "2014")


def test_quarters_by_their_months_the_full_year_and_the_year_before():
    got = {t.text: t.value for t in tag_times(
        "It earned $412 million in the April-June quarter and raised its forecast for the full year. "
        "About 2,000 people were killed in 2011, down from 2,600 the year before. The closure will "
        "save $60 million per year.", "2013-07-31")}
    assert got["the April-June quarter"] == "2013-Q2"
    assert got["the full year"] == "2013"
    assert got["the year before"] == "2010"
    assert "per year" not in got


def test_clock_times_take_the_date_of_their_phrase():
    got = [(t.text, t.value) for t in tag_times(
        "The quake hit at 4:52 a.m. local time (0952 GMT) on Tuesday. Anyone who visited between "
        "6 p.m. and 11 p.m. on Jan. 9 may have been exposed.", "2014-05-22")]
    assert got == [("4:52 a.m. local time", "2014-05-20T04:52"), ("0952 GMT", "2014-05-20T09:52"),
                   ("Tuesday", "2014-05-20"), ("6 p.m.", "2014-01-09T18:00"),
                   ("11 p.m.", "2014-01-09T23:00"), ("Jan. 9", "2014-01-09")]


def test_periods_after_prepositions_and_a_span_after_money():
    got = {t.text: t.value for t in tag_times(
        "She will return to Ottawa at the weekend. The scheme cost more than $40 million over a decade. "
        "The road reopened within hours of the quake. Dealers head into the fall with full stocks, "
        "after the fall in prices.", "2013-08-03")}
    assert got["the weekend"] == "2013-W31-WE"
    assert got["over a decade"] == "P10Y"
    assert got["hours"] == "PTXH"
    assert got["the fall"] == "2013-FA" and len(got) == 4


def test_future_inside_a_history_and_adjectives_in_ed():
    obituary = ("Mr. Lang was born in 1924 in Vienna. He moved to Boulder in 1951, taught there from 1955 "
                "to 1989 and retired in 1990. He won the prize in 1976 and again in 1988. "
                "A memorial service will be held on Aug. 17 in Boulder.")
    assert [t.value for t in tag_times(obituary, "2013-08-10")][-1] == "2013-08-17"
    t = tag_times("The airline will publish a list of guaranteed flights on Monday afternoon.", "2013-11-16")[0]
    assert t.value == "2013-11-18TAF"


def test_a_half_or_quarter_without_year_is_the_nearest_by_its_edges():
    got = {t.text: t.value for t in tag_times(
        'Profit rose in the first half. "We expect that to carry into the fourth quarter," she said.',
        "2013-07-24")}
    assert got["the first half"] == "2013-H1"
    assert got["the fourth quarter"] == "2013-Q4"


def test_references_are_dates_and_vague_stretches_durations():
    got = {t.text: (t.type, t.value) for t in tag_times(
        "Prices are now high; recently they fell, and in recent weeks they rose.", "2013-05-09")}
    assert got["now"] == ("DATE", "PRESENT_REF")
    assert got["recently"] == ("DATE", "PAST_REF")
    assert got["recent weeks"] == ("DURATION", "PXW")
