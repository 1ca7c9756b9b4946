"""Page segmentation: split a clean page into its news items (Articles).

A news page may hold teasers of other items, then a titled story; a listing holds several
titled items. The rules, on lines and blank-line separated blocks of the clean text:

- a *title* is a short line (2-20 words, no final sentence punctuation, not a dateline)
  standing alone in its block and followed by a block of prose, or the first line of a block
  whose next line is prose;
- the first title of the page opens the main article when nothing but short header lines
  precede it; when prose precedes it, that prose is teasers: each blank-separated block (with
  the header lines above it) is one teaser, and a block of several prose lines is split where
  consecutive lines share no content words (lexical cohesion, as in TextTiling), unless the
  next line opens with a word that continues (He, It, They, Also, ...);
- a later title opens a new article when it has at least 4 words, the line above it is prose
  (so a short subheading stays inside its story), and prose follows;
- with `single=True` (one item per record, as in corpus files) only the leading title counts.

Articles cover every non-blank character; an Article's title span is [start, body_start).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Article
from .clean import is_sentence, words
from .dates import DATELINE

_STOP = frozenset("""
a about above after again against all also am an and any are as at be been before being below
between both but by can could did do does during each few for from further had has have having he
her here hers him his how i if in into is it its itself just me more most my no nor not of off on
once only or other our out over own same she should so some such than that the their them then
there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your its per via upon within without among amid well
held took made said says told one two three new first last year years day days
""".split())
# a line opening like this continues the line above it
_CONTINUES = re.compile(
    r"^(?:he|she|it|its|they|their|them|this|these|those|there|also|in addition|moreover|"
    r"furthermore|however|besides|at the same time|additionally|then|later|afterwards|as well|"
    r"both|the (?:parties|sides|two|leaders|ministers|meeting|talks|event|exercise|exercises|"
    r"conversation|session|delegation|visit|heads)|during|following|in particular|"
    r"among|according|earlier|further|this|such|meanwhile|and|but|or|so)\b", re.IGNORECASE)
_TITLE_BAD_END = re.compile(r"[.,;:!?…\-–—]$")
# a speaker label (QUESTION:, MR PRICE:), a time (5:00 p.m.), two sentences (Yeah. So)
_NOT_TITLE = re.compile(r"^[A-Z][A-Z .'’\-]{1,60}:|^[QA]\b[:.]?\s|^\d{1,2}[:.]\d\d\b|\b[a-z]{2,}[.!?]\s+[A-Z]")
_TITLE_START = re.compile(r"^[\"'“‘«(\[]?[A-Z0-9\u0400-\u04ff\u00c0-\u024f]")
MIN_SPLIT_TITLE_WORDS = 4
MAX_TEASER_LINES = 8
MAX_TEASER_CHARS = 3000
MAX_TITLE_WORDS = 20
MAX_TITLE_CHARS = 220


@dataclass
class _Line:
    start: int
    end: int
    text: str
    block: int


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos, block, blank = 0, 0, True
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            if blank and out:
                block += 1
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(pos + lead, pos + lead + len(stripped), stripped, block))
            blank = False
        else:
            blank = True
        pos += len(raw) + 1
    return out


def is_title(line: str) -> bool:
    """A headline-like line: short, no final sentence punctuation, not a dateline."""
    ws = words(line)
    if not 2 <= len(ws) <= MAX_TITLE_WORDS or len(line) > MAX_TITLE_CHARS:
        return False
    if _TITLE_BAD_END.search(line) or not _TITLE_START.match(line) or _NOT_TITLE.search(line):
        return False
    if sum(1 for w in ws if w[0].isalpha()) < 2 or DATELINE.match(line):
        return False
    return True


def _content(line: str) -> set[str]:
    out = set()
    for w in words(line.lower()):
        if len(w) < 3 or w in _STOP or not w[0].isalpha():
            continue
        for suffix in ("ies", "es", "s", "ing", "ed"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 4:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return out


def _cohesion_breaks(lines: list[_Line]) -> list[int]:
    """Indexes i (into `lines`) where a new item starts at lines[i], inside one block."""
    sets = [_content(ln.text) for ln in lines]
    common = set.intersection(*sets) if sets else set()  # words of every line say nothing
    breaks = []
    for i in range(1, len(lines)):
        prev, cur = lines[i - 1].text, lines[i].text
        if not (is_sentence(prev) and is_sentence(cur)) or _CONTINUES.match(cur):
            continue
        a, b = sets[i - 1] - common, sets[i] - common
        if len(a & b) <= 1 and min(len(a), len(b)) >= 4:
            breaks.append(i)
    return breaks


def segment(text: str, *, single: bool = False, title: str | None = None) -> list[Article]:
    """Split a clean page into Articles with offsets into `text` (see the module notes).

    single: the text is one news item (a corpus record): only a leading title is looked for.
    title: the known headline (metadata); when the text opens with it, it is the title.
    """
    lines = _lines(text)
    if not lines:
        return []
    n = len(lines)
    prose = [is_sentence(ln.text) for ln in lines]
    block_end = {}
    for i, ln in enumerate(lines):
        block_end[ln.block] = i

    def title_at(i: int) -> bool:
        ln = lines[i]
        if not is_title(ln.text) or prose[i]:
            return False
        first_in_block = i == 0 or lines[i - 1].block != ln.block
        if not first_in_block:
            return False
        if block_end[ln.block] == i:                     # alone in its block: prose follows
            return i + 1 < n and _prose_block(i + 1)
        return prose[i + 1]                              # title then prose without a blank

    def _prose_block(j: int) -> bool:
        return any(prose[k] for k in range(j, block_end[lines[j].block] + 1))

    # the first title: the page's first line, or the first title after teasers
    first = None
    known = " ".join(title.split()).lower() if title else None
    if known and lines[0].text.lower() == known and n > 1:
        first, prose[0] = 0, False
    elif is_title(lines[0].text) and not prose[0] and any(prose[1:]):
        first = 0
    teaser_end = 0
    if first is None and not single:
        for i in range(n):
            if (title_at(i) and any(prose[:i]) and not lines[i].text.isupper()
                    and len(words(lines[i].text)) >= MIN_SPLIT_TITLE_WORDS):
                # teasers are a few lines; long prose above a title makes it a subheading
                if i <= MAX_TEASER_LINES and lines[i].start <= MAX_TEASER_CHARS:
                    first, teaser_end = i, i
                break
    starts: list[tuple[int, bool]] = []                 # (line index, has title)
    if teaser_end:
        starts.extend((i, False) for i in _teaser_starts(lines[:teaser_end], prose))
    if first is not None:
        starts.append((first, True))
        title_lines = {len(starts) - 1: first}
    else:
        starts.append((0, False))
        title_lines = {}
    if not single and first is not None:
        for i in range(first + 1, n):
            if (len(words(lines[i].text)) >= MIN_SPLIT_TITLE_WORDS and prose[i - 1]
                    and not lines[i].text.isupper() and title_at(i)):
                starts.append((i, True))
                title_lines[len(starts) - 1] = i
    articles = []
    for k, (i, _) in enumerate(starts):
        last = (starts[k + 1][0] if k + 1 < len(starts) else n) - 1
        start, end = lines[i].start, lines[last].end
        title = body_start = None
        if k in title_lines:
            t = lines[title_lines[k]]
            title = t.text
            nxt = title_lines[k] + 1
            body_start = lines[nxt].start if nxt <= last else t.end
        articles.append(Article(index=k, start=start, end=end, title=title,
                                body_start=body_start if body_start is not None else start))
    return articles


def _teaser_starts(lines: list[_Line], prose: list[bool]) -> list[int]:
    """Line indexes where teasers begin, in the prose before the first title."""
    starts: list[int] = []
    pending = None                                      # header lines waiting for their prose
    i = 0
    while i < len(lines):
        block = lines[i].block
        j = i
        while j + 1 < len(lines) and lines[j + 1].block == block:
            j += 1
        if not any(prose[i:j + 1]):
            if pending is None:
                pending = i
            i = j + 1
            continue
        begin = pending if pending is not None else i
        pending = None
        starts.append(begin)
        starts.extend(i + b for b in _cohesion_breaks(lines[i:j + 1]))
        i = j + 1
    if not starts:
        starts.append(0)
    elif starts[0] != 0:
        starts[0] = 0                                   # leading header lines join the first
    return starts
