"""The grammar of temporal expressions: regular expressions assembled from the lexicon, compiled once.

`Grammar.candidates(text)` runs every rule over the text and returns the non-overlapping matches
(longest first), each with its rule name and match object; resolver.py turns them into values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, key

CONN = r"(?:-|–|—|to|until|till|through|thru|and)"
CONN_NO_AND = r"(?:-|–|—|to|until|till|through|thru)"
# a number glued to words, codes, file names, phone numbers or amounts is never a date
LEFT_GUARD = r"(?<![\w$£€#+/.\-:])"
RIGHT_GUARD = r"(?![\w/\-:]|[.,]\d)"


_WORD = re.compile(r"\w+")


@dataclass
class Candidate:
    start: int
    end: int
    rule: str
    m: re.Match

    @property
    def g(self) -> dict:
        return self.m.groupdict()

    def span(self, group: str) -> tuple[int, int]:
        return self.m.span(group)


class Grammar:
    """All rules of one language, compiled once."""

    def __init__(self, lex: Lexicon):
        self.lex = lex
        self.rules: list[tuple[str, re.Pattern]] = []
        self._build()

    # ------------------------------------------------------------------ rules
    def _build(self) -> None:
        R = self.lex.rx
        MON = lambda s="": rf"(?P<mon{s}>{R['month']})"  # noqa: E731
        DAY = lambda s="": rf"(?P<d{s}>(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?)(?![\d:,.]\d|\d)"  # noqa: E731
        era = R["bc"] + "|" + R["ad"]
        YEAR = lambda s="": (rf"(?P<y{s}>(?:(?:1\d|20)\d\d|\d{{1,4}}(?=\s*(?:{era})))"  # noqa: E731
                             rf"(?:\s*(?P<era{s}>{era}))?)(?![\d%]|,\d|\.\d|\s*(?:%|percent|per\s+cent))")
        YSEP = r"(?:\s*,\s*|\s+)(?:of\s+)?"
        WD = rf"(?P<wd>{R['weekday']})"
        POSOF = rf"(?:(?P<posof>{R['pos_of']})\s+)?"
        POS = rf"(?:(?P<pos>{R['pos']})[\s-]*)?"
        REL = R["rel"]
        RELYEAR = r"(?:that|the\s+same|the\s+following|the\s+previous|the\s+next|next|last|this)\s+year"
        NUM = R["num"]
        UNIT = R["unit"]
        APPROX = rf"(?:(?P<approx>{R['approx']})\s+)?"

        rules = {
            # ranges: 24 to 27 September, 2019 / September 24-27, 2019 / 3 May to 5 June 2019
            "range_full_dm": rf"{LEFT_GUARD}{DAY('1')}\s+(?:of\s+)?{MON('1')}(?:{YSEP}{YEAR('1')})?\s*{CONN}\s*"
                             rf"{DAY('2')}\s+(?:of\s+)?{MON('2')}(?:{YSEP}{YEAR('2')})?",
            "range_full_md": rf"\b{MON('1')}\s*{DAY('1')}(?:\s*,\s*{YEAR('1')})?\s*{CONN}\s*{MON('2')}\s*{DAY('2')}"
                             rf"(?:\s*,?\s*{YEAR('2')})?",
            "range_dm": rf"{LEFT_GUARD}(?:the\s+)?{DAY('1')}\s*{CONN}\s*(?:the\s+)?{DAY('2')}\s+(?:of\s+)?{MON('2')}"
                        rf"(?:{YSEP}{YEAR('2')})?",
            "range_md": rf"\b{MON('2')}\s*{DAY('1')}\s*{CONN}\s*{DAY('2')}(?!\s*(?:{R['month']}))(?:\s*,?\s*{YEAR('2')})?",
            "range_month": rf"\b{MON('1')}(?:\s+{YEAR('1')})?\s*{CONN}\s*{MON('2')}(?:\s*,?\s*{YEAR('2')})?",
            "range_year": rf"{LEFT_GUARD}(?P<y1>(?:1\d|20)\d\d)\s*{CONN_NO_AND}\s*(?P<y2>(?:1\d|20)\d\d|\d\d){RIGHT_GUARD}",
            # full and partial dates
            "date_mdy": rf"(?:{WD},?\s+)?\b{MON()}\s*(?:{DAY()}|(?:the\s+)?(?P<dw>{R['ordinal_word']})\b)"
                        rf"(?:(?:\s*,\s*|\s+){YEAR()})?",
            "date_dmy": rf"(?:{WD},?\s+)?{LEFT_GUARD}(?:(?:the\s+)?{DAY()}(?:\s+of)?\s+|the\s+(?P<dw>{R['ordinal_word']})"
                        rf"\s+(?:day\s+)?of\s+){MON()}(?:{YSEP}(?:{YEAR()}|(?P<ofrel>{RELYEAR})))?",
            "date_my": rf"{POSOF}{POS}\b{MON()}(?:\s+of|\s*,)?\s+{YEAR()}",
            "month": rf"{POSOF}(?:(?P<rel>{REL})\s+)?{POS}\b{MON()}(?:\s+(?:of\s+)?(?P<ofrel>{RELYEAR}))?(?!\s*\d)",
            "year": rf"{POSOF}(?:(?P<pos>{R['pos']}|pre|post)[\s-]*|(?P<fiscal>{R['fiscal']})(?:[\s-]+year)?\s+|the\s+year\s+|{LEFT_GUARD}){YEAR()}",
            "spoken_year": rf"(?:the\s+year\s+)?\b(?P<sy>nineteen|two\s+thousand(?:\s+and)?)[\s-]+(?P<sn>{R['num']})\b"
                           rf"|(?P<tt>the\s+year\s+two\s+thousand)\b",
            "decade": rf"{POSOF}(?:the\s+)?{POS}(?:(?P<dc>(?:1\d|20)\d)0'?s\b|'(?P<ds>\d)0'?s\b|(?P<dw>{R['decade_word']}))",
            "century": rf"{POSOF}(?:the\s+)?{POS}(?P<c>\d{{1,2}}(?:st|nd|rd|th)|{R['ordinal_word']})[\s-]+century"
                       rf"(?:\s+(?P<era>{era}))?",
            "iso_date": rf"{LEFT_GUARD}(?P<y>(?:1\d|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)"
                        rf"(?:[T ](?P<hh>[0-2]\d):(?P<mi>[0-5]\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?{RIGHT_GUARD}",
            "dot_date": rf"{LEFT_GUARD}(?P<a>[0-3]?\d)\.(?P<b>[01]?\d)\.(?P<y>(?:1\d|20)\d\d){RIGHT_GUARD}",
            "slash_date": rf"{LEFT_GUARD}(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>(?:1\d|20)\d\d|\d\d){RIGHT_GUARD}",
            # calendar parts
            "quarter": rf"(?:(?P<det>the|its|this|that|a|last|next|the\s+latest|the\s+current)\s+)?"
                       rf"(?:(?P<y0>(?:1\d|20)\d\d)\s+|(?P<yrel>this|last|next)\s+year's\s+)?(?:{R['fiscal']}[\s-]+)?"
                       rf"(?P<qo>{R['quarter_ord']})[\s-]+(?:{R['fiscal']}[\s-]+)?quarters?\b"
                       rf"(?:\s+of\s+(?:{R['fiscal']}\s+)?(?:{YEAR()}|(?P<ofrel>{RELYEAR}|the\s+year))|\s*,?\s+(?:fiscal\s+)?{YEAR('q')})?",
            "half": rf"(?:the\s+)?(?P<ho>{R['half_ord']})\s+half(?:\s+of\s+(?:{R['fiscal']}\s+)?(?:{YEAR()}|(?P<ofrel>{RELYEAR}|the\s+year)))?",
            "season": rf"{POSOF}(?:(?P<rel>{REL}|the)\s+)?{POS}(?P<season>{R['season']})"
                      rf"(?:\s+of\s+(?:{YEAR()}|(?P<ofrel>{RELYEAR}))|\s*,?\s+{YEAR('q')})?",
            "holiday": rf"(?:(?P<rel>last|next|this)\s+)?(?P<hol>{R['holiday']})(?:\s*,?\s+{YEAR()})?",
            # deictic and anaphoric
            "deictic_day": rf"(?:(?P<pos>early|late|earlier|later)\s+)?(?P<deic>{R['deictic_day']})"
                           rf"(?:\s+(?P<part>{R['part']}))?",
            "day_part": rf"(?:(?P<pos>early|late)\s+)?(?P<dpm>{R['day_part_mod']})\s+(?P<part>{R['part']})",
            "weekday": rf"(?:(?P<rel>{REL}|early|late|earlier|later)\s+)?(?P<wd>{R['weekday_full']})(?:\s+(?P<part>{R['part']}))?",
            "weekday_set": rf"(?P<wdp>{R['weekday_plural']})",
            "rel_unit": rf"(?:(?P<within>{R['within']})\s+)?(?P<rel>{REL})\s+(?:fiscal\s+)?(?P<unit>day|week|weekend|month|year|decade|century|quarter|fortnight|season)\b",
            # "over the weekend", "for the year", "the year ended March 31": the period the context means
            "the_period": r"the\s+(?P<unit>year|weekend)\b(?P<ended>\s+(?:ended|ending|to)\b)?(?!-|\s+(?:before|after|earlier|ago|of\b))",
            "within_the": rf"(?P<within>earlier|later|early|late)\s+in\s+the\s+(?P<unit>day|week|month|year)\b",
            "day_anaphora": rf"(?P<ana>{R['day_anaphora']})",
            "shifted": rf"{APPROX}(?:(?P<num>{NUM})[\s-]+)?(?:(?:more|full|long)\s+)?(?P<unit>{UNIT})\s+(?P<shift>{R['shift']})",
            "duration": rf"(?:(?P<det>the|this|that|these|those|a|an)\s+)?(?:(?P<dmod>past|last|next|first|final|coming|previous|"
                        rf"following|latest|recent|initial|remaining|entire|whole|full|same|other|ensuing|preceding|"
                        rf"subsequent|intervening|better\s+part\s+of\s+the)\s+)?{APPROX}(?P<num>{NUM})[\s-]+"
                        rf"(?:(?P<adj>more|full|long|straight|consecutive|additional|further|bloody|short|"
                        rf"trading|business|working|calendar)[\s-]+)?(?P<unit>{UNIT})(?P<andhalf>\s+and\s+a\s+half)?(?P<sfx>-long|-old)?",
            "half_unit": rf"{APPROX}(?P<half>half\s+an?|a\s+half)[\s-]+(?P<unit>hour|day|year|century|decade)",
            "bare_units": rf"(?:(?P<dmod>the\s+past|the\s+last|the\s+next|the\s+coming|the\s+following|recent|coming)\s+|\b)"
                          rf"(?P<unit>years|months|weeks|days|decades|centuries|hours|minutes)(?P<sfx>-long|-old)?",
            "year_end": rf"(?P<ye>{R['year_end']})(?:\s+of\s+{YEAR()})?",
            "year_ago": rf"(?P<yago>{R['year_ago']})",
            "latest_period": rf"(?P<lp>{R['latest_period']})",
            # clock times
            "time_ampm": rf"{APPROX}{LEFT_GUARD}(?P<h>1[0-2]|0?\d)(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ampm>[ap]\.\s?m\.?|[ap]m\b|o'clock)"
                         rf"(?:\s+(?P<tz>{R['tz']}))?",
            "time_24": rf"{LEFT_GUARD}(?P<h>[01]?\d|2[0-3])[:h](?P<mi>[0-5]\d)(?![\d:])(?:\s*(?:hrs|hours|h)\b)?(?:\s+(?P<tz>{R['tz']}))?",
            "time_word": rf"(?P<tw>noon|midnight|midday)",
            # sets
            "set_every": rf"(?P<q>{R['set_q']})\s+(?:(?P<num>{NUM})\s+)?(?:(?P<wd>{R['weekday']})|(?P<mon>{R['month']})|"
                         rf"(?P<season>{R['season']})|(?P<unit>{UNIT}))",
            "set_word": rf"(?P<sw>{R['sets']})",
            # fixed references (now, recently, the future)
            "ref": rf"(?P<ref>{R['refs']})",
        }
        order = list(rules)
        for name in order:
            # nothing starts inside a word: failing fast there is most of the speed
            self.rules.append((name, re.compile(r"(?<!\w)(?:" + rules[name] + ")", re.I)))
        self.priority = {name: i for i, name in enumerate(order)}
        self._build_triggers()

    def _build_triggers(self) -> None:
        """Each rule runs only near a word it cannot match without (a month name, a unit, a digit):
        one pass of a word tokenizer finds those places, so most of the text is never scanned."""
        lex = self.lex
        words = lambda phrases: {w for p in phrases for w in re.findall(r"[a-z]+", p.lower())}  # noqa: E731
        stop = {"the", "a", "an", "in", "at", "of", "as", "this", "that", "to", "on", "s", "one"}
        units = words(lex.units) | words(lex.unit_plurals) | {u + "s" for u in words(lex.units)}
        months = words(lex.months)
        digit_rules = {"range_year", "year", "decade", "iso_date", "dot_date", "slash_date", "time_24",
                       "time_ampm"}
        table = {
            "month": months, "range_full_dm": months, "range_full_md": months, "range_dm": months,
            "range_md": months, "range_month": months, "date_mdy": months, "date_dmy": months,
            "date_my": months, "year": words(lex.bc_markers) | words(lex.ad_markers) | {"fiscal"},
            "spoken_year": {"nineteen", "thousand"}, "decade": words(lex.decade_words),
            "century": {"century"}, "quarter": {"quarter", "quarters"}, "half": {"half"},
            "season": words(lex.seasons), "holiday": words(lex.holidays) - stop,
            "deictic_day": words(lex.deictic_days) - stop, "day_part": words(lex.parts_of_day),
            "weekday": words(lex.weekdays), "weekday_set": words(lex.weekday_plurals),
            "rel_unit": units, "within_the": units, "the_period": {"year", "weekend"}, "day_anaphora": words(lex.day_anaphora) - stop,
            "shifted": units, "duration": units, "half_unit": units, "bare_units": units,
            "year_end": words(lex.year_end_phrases) - stop, "year_ago": {"year", "ago", "earlier"},
            "latest_period": words(lex.latest_periods) - stop, "time_ampm": {"m", "am", "pm", "clock"},
            "time_word": {"noon", "midnight", "midday"},
            "set_every": words(lex.set_quantifiers) - stop, "set_word": words(lex.sets),
            "ref": words(lex.refs) - stop,
        }
        self.triggers: dict[str, set[str]] = {}
        for rule, toks in table.items():
            for t in toks:
                self.triggers.setdefault(t, set()).add(rule)
        self.digit_rules = digit_rules
        self.untriggered = {name for name, _ in self.rules} - set(table) - digit_rules

    # ------------------------------------------------------------- matching
    def windows(self, text: str, margin: int = 40, right: int = 24) -> dict[str, list[tuple[int, int]]]:
        """Per rule, the merged stretches of text around its trigger words (`margin` characters
        before a trigger, `right` after: no expression runs far past its last trigger word)."""
        spans: dict[str, list[tuple[int, int]]] = {}
        n = len(text)
        triggers, digit_rules = self.triggers, self.digit_rules
        for m in _WORD.finditer(text):
            tok = m.group(0)
            rules = triggers.get(tok.lower())
            if tok[0].isdigit() or tok[-1].isdigit():
                rules = digit_rules if rules is None else rules | digit_rules
            if not rules:
                continue
            s, e = max(0, m.start() - margin), min(n, m.end() + right)
            for r in rules:
                lst = spans.setdefault(r, [])
                if lst and s <= lst[-1][1]:
                    lst[-1] = (lst[-1][0], e)
                else:
                    lst.append((s, e))
        for r in self.untriggered:
            spans[r] = [(0, n)]
        return spans

    def candidates(self, text: str) -> list[Candidate]:
        found: list[Candidate] = []
        spans = self.windows(text)
        for name, rx in self.rules:
            for ws, we in spans.get(name, ()):
                while ws > 0 and not text[ws - 1].isspace():
                    ws -= 1
                for m in rx.finditer(text, ws, we):
                    s, e = m.span()
                    if e <= s:
                        continue
                    c = Candidate(s, e, name, m)
                    if self._acceptable(c, text):
                        found.append(c)
        found.sort(key=lambda c: (-(c.end - c.start), self.priority[c.rule], c.start))
        taken: list[Candidate] = []
        occupied = bytearray(len(text) + 1)
        for c in found:
            if any(occupied[c.start:c.end]):
                continue
            occupied[c.start:c.end] = b"\x01" * (c.end - c.start)
            taken.append(c)
        taken.sort(key=lambda c: c.start)
        return taken

    def _acceptable(self, c: Candidate, text: str) -> bool:
        """Filters a regex alone cannot express: capitalisation, context words, number sanity."""
        lex, g = self.lex, c.g
        for name in ("era", "era1", "era2", "eraq"):
            if g.get(name) and not g[name].isupper() and not g[name][0].isupper():
                return False
        for name in ("mon", "mon1", "mon2", "wd"):
            tok = g.get(name)
            if tok and not lex.capital_ok(tok):
                return False
        if g.get("mon") and key(g["mon"]) == "may" and re.match(r"\s+(?:be|have|not|also|well)\b", text[c.end:]):
            return False
        rule = c.rule
        before = text[max(0, c.start - 25):c.start].lower()
        after = text[c.end:c.end + 25].lower()
        if rule == "month":
            mon = g["mon"]
            if len(key(mon)) <= 3 and not mon.endswith(".") and not g.get("rel"):
                return False  # bare "Mar", "Jun": too ambiguous alone
        if rule == "year":
            if not g.get("fiscal") and not g.get("pos") and not g.get("posof"):
                if re.match(r"\s*(?:-|–)?\s*(?:people|persons|troops|soldiers|men|women|members|units|tons|"
                            r"tonnes|km|miles|meters|metres|feet|dollars|euros|rubles|cases|deaths|"
                            r"killed|dead|votes|seats|pages|m\b|kg)", after):
                    return False
                if re.search(r"(?:no\.|number|resolution|page|pp\.|flight|route|room|\$|#|article|rule)\s*$", before):
                    return False
                if re.match(r"[-–]\d+[-–]\w", text[c.end:c.end + 8]):
                    return False  # a code or reference number: 2011-07-S-039
        if rule in ("season",):
            if not (g.get("rel") or g.get("pos") or g.get("y") or g.get("ofrel") or g.get("posof")):
                if not re.search(r"\b(?:in|during|by|until|through|since|before|after|last|that|this)\s*$", before):
                    return False
                if key(g["season"]) == "fall":
                    return False
            if key(g["season"]) == "fall" and (g.get("rel") or "").lower() == "the" and not g.get("y") \
                    and not g.get("ofrel"):
                return False
            if (g.get("rel") or "").lower() == "the" and re.match(r"\s+of\b", after) and not g.get("y"):
                return False
        if rule == "the_period" and not re.search(r"\b(?:over|during|for|through|throughout|of|in)\s$", before):
            return False
        if rule == "ref":
            word = key(g["ref"])
            for exc in lex.ref_exceptions.get(word, []):
                window = text[max(0, c.start - 12):c.end + 12].lower()
                if exc in window:
                    return False
            if word == "future" and re.match(r"\s+[a-z]", after) and not re.search(r"\bthe\s*$", before):
                return False
            if word in ("earlier", "once") and not re.match(r"\s*[,.;]", after):
                return False
            if word == "now" and g["ref"][0] == "N" and re.search(r"(?:^|\x00)[\s\"'`“]*$", text[max(0, c.start - 4):c.start]):
                return False  # "Now, ..." opening a paragraph: a discourse marker, not a time
        if rule in ("time_ampm",) and key(g.get("ampm") or "") in ("am", "pm") and not g.get("mi") \
                and not text[c.start:c.end].split()[0][0].isdigit():
            return False
        if rule == "time_24":
            if not re.search(r"\b(?:at|from|until|till|to|by|before|after|around|about|since|between|and|,)\s*$", before) \
                    and not g.get("tz") and not re.match(r"\s*(?:hrs|hours|h|local|gmt|utc)", after):
                return False
        if rule in ("duration", "bare_units", "shifted"):
            if rule == "duration" and key(g.get("unit") or "") in ("second", "seconds") and not g.get("det"):
                if re.match(r"\s*(?:quarter|half)", after):
                    return False
            if rule == "bare_units" and not g.get("dmod"):
                if not re.search(r"\b(?:for|over|within|in|after|lasting|took|take|takes|spent|spend)\s*$", before):
                    return False
                if re.match(r"\s+(?:of|old|ago|later|earlier|before|after)\b", after):
                    return False
        if rule == "set_word" and key(g["sw"]) in lex.set_adjectives_need_next and re.match(r"\s+[a-z]", after) \
                and not re.match(r"\s+(?:basis|and|or|by|for|in|at|on|to|from|since|until)\b", after):
            return False
        if rule == "duration" and g.get("sfx") and g["sfx"].lower().endswith("old"):
            return False
        if rule == "duration" and not _duration_reads_as_time(g, before, after):
            return False
        if rule == "shifted" and not g.get("num") and not g["unit"].lower().endswith("s"):
            return False
        if rule in ("set_every",) and key(g["q"]) in ("a", "per") and not g.get("unit"):
            return False
        if rule == "set_every" and key(g["q"]) == "a" and not re.search(
                r"\b(?:once|twice|times|several|\d+)\s*$", before):
            return False
        if rule == "range_dm" or rule == "range_md":
            conn = c.m.group(0)
            if re.search(r"\band\b", conn, re.I) and not re.search(r"\b(?:between|on)\s*$", before):
                return False
        if rule == "range_month" and re.search(r"\band\b", c.m.group(0), re.I) \
                and not re.search(r"\bbetween\s*$", before):
            return False
        if rule == "range_year":
            y1, y2 = int(g["y1"]), g["y2"]
            y2v = int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)
            if y2v <= y1 or y2v - y1 > 60:
                return False
        if rule in ("date_mdy", "month", "date_my") and g.get("mon") and key(g["mon"]) in ("march", "may") \
                and rule == "month" and re.search(r"\b(?:will|would|to|could|might|can|should)\s*$", before):
            return False
        if rule == "month" and key(g["mon"]) == "march" and g["mon"][0] == "M" \
                and re.match(r"\s+(?:for|of\s+the)\b", after):
            return False  # "the March for Life", "the March of the Combatant Mothers": a procession
        return True


_RATE_BEFORE = re.compile(r"(?:\d[\d,.]*%?|million|billion|thousand|hundred|percent|\d[\d,.]*\s+[a-z]+s)\s*$")


def _duration_reads_as_time(g: dict, before: str, after: str) -> bool:
    """Amounts that only look like durations: an age ("37 years old"), a rate ("$1.76 a year",
    "four flights a week") and a share ("about three-quarters of its food")."""
    if re.match(r"\s+old\b", after):
        return False
    article = key(g.get("det") or "") or key(g.get("num") or "")   # "a year": "a" is the number
    if article in ("a", "an") and _RATE_BEFORE.search(before):
        return False
    unit = key(g.get("unit") or "")
    if unit.startswith("quarter") and re.match(r"\s+of\b", after) and not re.search(r"\b(?:first|last|next|past)\b", before[-12:]):
        return False
    return True

