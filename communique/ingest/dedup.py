"""Near-duplicates and teasers: sampled word shingles (Broder's mod-m sampling).

Each text is cut into overlapping word n-grams (shingles), each hashed to 64 bits; the hashes
divisible by SAMPLE are kept. Kept sets of two texts estimate, without bias, both their
resemblance (Jaccard: the same story syndicated or recrawled with small changes) and the
containment of the shorter in the longer (a teaser whose words all come from a story).
Unlike MinHash signatures, the samples are stored as rows and matched with one SQL join, so
documents stored earlier (in this run or another) are found without an index in memory.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SHINGLE_WORDS = 5
SAMPLE = 2                    # keep hashes with h % SAMPLE == 0 (about one in two)
NEAR = 0.8                    # resemblance at or over which two texts are one
TEASER = 0.9                  # containment of a short text in a long one: a teaser
TEASER_MAX_RATIO = 0.5        # a teaser has at most this share of its story's shingles
MIN_SHINGLES = 6              # fewer sampled shingles: too short to judge, exact match only
MIN_TEASER_SHINGLES = 10      # a teaser is judged on at least this many (about 25 words)

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = SHINGLE_WORDS, sample: int = SAMPLE) -> list[int]:
    """The sampled shingle hashes of a text (sorted, distinct)."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        words = words + [""] * (n - len(words)) if words else []
    out = set()
    for i in range(max(len(words) - n + 1, 0)):
        h = int.from_bytes(hashlib.blake2b(" ".join(words[i:i + n]).encode("utf-8"),
                                           digest_size=8).digest(), "big")
        if h % sample == 0:
            out.add(h)
    return sorted(out)


_NAME = re.compile(r"\b(?:[A-Z\u0400-\u042f][\w'’\-]*|\d[\w.,/\-]*)", re.UNICODE)


def names(text: str) -> set[str]:
    """The capitalised words and numbers of a text: what tells one templated release from
    another ("... of the 155th Separate Guards Marine Brigade" / "... of the 126th ...")."""
    return set(_NAME.findall(text))


def same_story(new_text: str, other_text: str, kind: str) -> bool:
    """Whether a near copy or teaser found by shingles tells the same story: official news
    repeats templates (congratulations, declarations) that differ only in names and numbers,
    and those are different events. A near copy may add or lose two names (a photo credit, a
    site name) and no number; a teaser's names all come from its story but one."""
    mine, theirs = names(new_text), names(other_text)
    digits = lambda ws: {w for w in ws if w[0].isdigit()}            # noqa: E731
    if kind == "near":
        if digits(mine) ^ digits(theirs):
            return False
        return len(mine ^ theirs) <= 2
    small, big = (mine, theirs) if kind == "teaser" else (theirs, mine)
    return len(small - big) <= 1


@dataclass
class Match:
    """A stored (or pending) document that a new text repeats, or that repeats part of it."""
    doc_id: str
    kind: str                 # near | teaser (the new text is the teaser) | story (it is the story)
    score: float


def judge(new: list[int], candidates: list[tuple[str, int, int]],
          check=None) -> tuple[Match | None, list[Match]]:
    """From (doc_id, shared, their size) candidates: the document the new text repeats (near
    copy or teaser of it), and the stored teasers that the new text is the story of.
    `check(doc_id, kind)`, when given, confirms a match (see `same_story`)."""
    size = len(new)
    if size < MIN_SHINGLES:
        return None, []
    best: Match | None = None
    stories: list[Match] = []
    for doc_id, shared, other in candidates:
        if other <= 0 or shared <= 0:
            continue
        resemblance = shared / (size + other - shared)
        if resemblance >= NEAR:
            m = Match(doc_id, "near", round(resemblance, 4))
        elif (size >= MIN_TEASER_SHINGLES and size <= TEASER_MAX_RATIO * other
              and shared / size >= TEASER):
            m = Match(doc_id, "teaser", round(shared / size, 4))
        elif (other >= MIN_TEASER_SHINGLES and other <= TEASER_MAX_RATIO * size
              and shared / other >= TEASER):
            if check is None or check(doc_id, "story"):
                stories.append(Match(doc_id, "story", round(shared / other, 4)))
            continue
        else:
            continue
        if check is not None and not check(doc_id, m.kind):
            continue
        if best is None or m.score > best.score:
            best = m
    return best, stories


class PendingIndex:
    """Shingles of documents accepted but not yet written (compared by brute force)."""

    def __init__(self) -> None:
        self.docs: dict[str, set[int]] = {}

    def add(self, doc_id: str, hashes: list[int]) -> None:
        self.docs[doc_id] = set(hashes)

    def candidates(self, hashes: list[int]) -> list[tuple[str, int, int]]:
        mine = set(hashes)
        out = []
        for doc_id, theirs in self.docs.items():
            shared = len(mine & theirs)
            if shared:
                out.append((doc_id, shared, len(theirs)))
        return out

    def clear(self) -> None:
        self.docs.clear()
