"""When an event happened: its own date, a date listed beside it, the date the story carries,
or the publication date; and what in a sentence is no date of the act (a dateline, a plan's
period, the content of what was agreed)."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..records import Timex, When
from .detect import Frame


def date_for(frame: Frame, sent: Span, timexes: list[Timex], drafts: list[dict],
             article: dict, published: str | None, planned: bool = False) -> When:
    own = [t for t in timexes if sent.start_char <= t.start < sent.end_char
           and (t.type == "DATE" or t.type == "TIME" and re.match(r"\d{4}-\d\d-\d\dT", t.value or ""))
           and t.value and not t.error
           and t.value[:1].isdigit() and _plausible_year(t.value, published)]
    filed = _dateline_end(sent)
    if filed and any(t.start >= filed for t in own):
        # "KABUL, Afghanistan (Sept. 7) - ... detained ... Monday": the dateline dates the
        # release, the sentence's own date the act
        own = [t for t in own if t.start >= filed]
    if own:
        anchor = frame.trigger.idx
        ancestors = {a.i for a in frame.trigger.ancestors} | {frame.trigger.i}
        if frame.noun is not None:
            ancestors |= {frame.noun.i} | {a.i for a in frame.noun.ancestors}

        def attached(t: Timex) -> bool:
            span = sent.doc.char_span(t.start, t.end, alignment_mode="expand")
            return span is not None and span.root.head.i in ancestors | _prep_heads(span)

        own = [t for t in own if not _content_date(t, frame, sent)]
        if own:
            best = sorted(own, key=lambda t: (not attached(t), abs(t.start - anchor)))[0]
            when = _when_from(best)
            context = _context_date(drafts, article, sent=sent)
            # "welcomed its leadership this year": a vague date that holds the day of the story
            if when.precision in {"year", "month"} and not when.approximate and context \
                    and context.start and context.start.startswith(when.start):
                return context
            return when
    context = _context_date(drafts, article, planned, sent)
    if context is not None:
        return context
    if published:
        return When(published, published, "day", "publication", None)
    return When()


def listed_dates(when: When, sent: Span, timexes: list[Timex]) -> list[When]:
    """Dates listed beside an event's date in its sentence ('on 9 November 2020, 11 January
    and 26 November 2021'), each a day of its own."""
    if when.basis != "text" or when.precision != "day" or not when.text:
        return []
    days = [t for t in timexes if sent.start_char <= t.start < sent.end_char and t.type == "DATE"
            and t.value and len(t.value) == 10 and t.value[:4].isdigit() and not t.error]
    chosen = next((t for t in days if t.text == when.text and t.value == when.start), None)
    if chosen is None:
        return []
    out = [When(d, d, "day", "text", chosen.text) for d in _and_list(chosen)[1:]]
    doc = sent.doc
    span = doc.char_span(chosen.start, chosen.end, alignment_mode="expand")
    if span is None:
        return out
    group = _coordinated(span.root)
    for t in days:
        if t is chosen:
            continue
        other = doc.char_span(t.start, t.end, alignment_mode="expand")
        if other is not None and any(x.i in group for x in other):
            listed = _and_list(t) or [t.value]
            out += [When(d, d, "day", "text", t.text) for d in listed if d != when.start]
    return out


def _coordinated(tok) -> set[int]:
    """A word and the words listed with it (conjuncts and appositions, as the parse links a
    list of dates)."""
    seen, todo = {tok.i}, [tok]
    while todo:
        t = todo.pop()
        for n in list(t.children) + [t.head]:
            linked = (n.head.i == t.i and n.dep_ in {"conj", "appos"}) or \
                (t.dep_ in {"conj", "appos"} and n.i == t.head.i)
            if linked and n.i not in seen:
                seen.add(n.i)
                todo.append(n)
    return seen


def _and_list(t: Timex) -> list[str]:
    """'11 January and 26 November 2021' lists two days; '10 and 11 December' is one stretch."""
    import datetime as dt
    begin, finish = t.range
    if " and " not in t.text or not begin or not finish or len(begin) != 10 or len(finish) != 10:
        return []
    try:
        gap = (dt.date.fromisoformat(finish) - dt.date.fromisoformat(begin)).days
    except ValueError:
        return []
    return [begin, finish] if gap > 1 else []


def _dateline_end(sent: Span) -> int | None:
    """Where a dateline that opens the sentence ends ('KABUL, Afghanistan (Sept. 7) -')."""
    from ..ingest.dates import DATELINE as FULL, DATELINE_NO_YEAR
    for rx in (FULL, DATELINE_NO_YEAR):
        m = rx.match(sent.text)
        if m:
            return sent.start_char + m.end()
    return None


def dated_before(when: When, published: str | None) -> bool:
    return bool(published and when.basis == "text" and when.text and when.end
                and re.search(r"\b\d{4}\b", when.text) and when.end[:10] < published[:10])


def _plausible_year(value: str, published: str | None) -> bool:
    """'Law No. 1780-IX' is no date: official news reports acts of its own times."""
    year = int(value[:4]) if value[:4].isdigit() else 0
    latest = int(published[:4]) + 10 if published and published[:4].isdigit() else 2100
    return 1900 <= year <= latest


def next_year_if_past(when: When, published: str | None) -> When:
    """'will be held in October', written in April: the October to come. A date whose year the
    text leaves out is moved a year on when a plan would otherwise lie in the past."""
    import re
    if not (published and when.start and when.basis == "text" and when.text) \
            or re.search(r"\b\d{4}\b", when.text) or when.start[:10] >= published[:len(when.start[:10])]:
        return when

    def shift(value: str | None) -> str | None:
        return f"{int(value[:4]) + 1}{value[4:]}" if value and value[:4].isdigit() else value

    return When(shift(when.start), shift(when.end), when.precision, when.basis, when.text,
                when.approximate)


def _context_date(drafts: list[dict], article: dict, planned: bool = False,
                  sent: Span | None = None) -> When | None:
    """A sentence without its own date goes on about an act already dated: the last one of
    its paragraph, else the story's lead act (a call dated by publication stays so, even
    when the readout recalls an earlier visit). A plan goes with the last plan's dates."""
    same_article = [d for d in drafts if d["article"] is article]
    lead = next((d for d in same_article if d["when"].start and not in_title(d)), None)
    if not planned and lead is not None and lead["when"].basis == "publication":
        return None     # a same-day report: what it recalls does not date the rest

    def carried(d: dict) -> When | None:
        w = d["when"]
        if not w.start or w.basis not in {"text", "context"}:
            return None
        if planned and d["status"] == "planned":
            ranged = bool(w.end and w.end != w.start)
            return When(w.start, w.end, w.precision, "context", w.text, w.approximate or ranged)
        if not planned and d["status"] == "occurred" and w.precision == "day":
            return When(w.start, w.end, w.precision, "context", w.text, w.approximate)
        return None

    if sent is not None:
        for d in reversed(same_article):
            if _same_paragraph(sent.doc, d["sent"], sent):
                found = carried(d)
                if found is not None:
                    return found
    if planned:
        for d in reversed(same_article):
            found = carried(d)
            if found is not None:
                return found
        return None
    return carried(lead) if lead is not None else None


CONTENT_DEPS = {"xcomp", "ccomp", "dobj", "relcl", "acl", "advcl", "pcomp"}
PERIOD_PREPS = {"for", "until", "till", "through", "beyond", "by"}


def _content_date(t: Timex, frame: Frame, sent: Span) -> bool:
    """A date inside what was agreed or planned ('agreed to draft a plan for 2023-2025') is
    the content's date, not the event's."""
    span = sent.doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None:
        return False
    if span.start > 0 and sent.doc[span.start - 1].lower_ in PERIOD_PREPS:
        return True     # "a plan for 2022-2023", "until 2025": a period covered, not a date
    if span.root.dep_ == "npadvmod" and span.root.head.pos_ in {"NOUN", "PROPN"}:
        return False    # "detained ten suspects Monday": a time adverbial the parse hung on a noun
    tops = {frame.trigger.i} | ({frame.noun.i} if frame.noun is not None else set())
    tok = span.root
    for _ in range(12):
        if tok.i in tops or tok.head is tok:
            return False
        if tok.dep_ in CONTENT_DEPS:
            return any(a.i in tops for a in tok.ancestors)
        tok = tok.head
    return False


def _prep_heads(span: Span) -> set[int]:
    root = span.root
    if root.head.dep_ == "prep":
        return {root.head.head.i}
    return set()


SEASONS = {"SP": ("03", "05"), "SU": ("06", "08"), "FA": ("09", "11"), "WI": ("12", "02"),
           "H1": ("01", "06"), "H2": ("07", "12"), "Q1": ("01", "03"), "Q2": ("04", "06"),
           "Q3": ("07", "09"), "Q4": ("10", "12")}


def _when_from(t: Timex) -> When:
    listed = _and_list(t)
    if listed:
        return When(listed[0], listed[0], "day", "text", t.text)
    start, end = t.range
    if t.type == "TIME":    # "last night", "at 3 p.m. on Monday": the day it falls on
        day = (start or "")[:10]
        return When(day, day, "day", "text", t.text)
    coarse = _coarse_range(start, end)
    if coarse:
        return When(coarse[0], coarse[1], "month", "text", t.text, approximate=True)
    precision = t.precision if t.precision != "none" else _precision(start)
    # "early next year", "later this month": the part of the period meant, only bounded
    return When(start, end or start, precision, "text", t.text, approximate=bool(t.mod))


def _coarse_range(start: str | None, end: str | None) -> tuple[str, str] | None:
    """Seasons, quarters and weeks as the months or days they span (approximate)."""
    import datetime as dt
    if not start or len(start) < 7:
        return None
    year, part = start[:4], start[5:]
    if not year.isdigit():
        return None
    if part in SEASONS:
        a, b = SEASONS[part]
        end_year = str(int(year) + 1) if part == "WI" else year
        return f"{year}-{a}", f"{end_year}-{b}"
    if part.startswith("W") and part[1:].isdigit():
        monday = dt.date.fromisocalendar(int(year), int(part[1:]), 1)
        return monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat()
    return None


def _precision(value: str | None) -> str:
    if not value:
        return "none"
    return {10: "day", 7: "month", 4: "year"}.get(len(value), "none")


def _same_paragraph(doc: Doc, a: Span, b: Span) -> bool:
    if a.start_char > b.start_char:
        return False
    # doc.text joins the whole document anew on every call, and a span's text its tokens:
    # both cost the distance in tokens, for every pair of a long transcript. Kept once per doc.
    text = doc.user_data.get("communique_text")
    if text is None:
        text = doc.user_data["communique_text"] = doc.text
    return "\n" not in text[a.start_char:b.start_char].strip("\n")



def in_title(d: dict) -> bool:
    """Whether a draft's sentence lies in its article's headline (before the body)."""
    art = d["article"]
    body = art.get("body_start") or art["start"]
    return d["sent"].start_char < body
