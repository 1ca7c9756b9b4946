"""No pattern of the data files takes time that grows faster than the line it reads: each one
runs over adversarial lines (one short unit repeated tens of thousands of times) within a
time bound. A quadratic pattern (like `[\\w.]+@...` on "a.a.a.a...") takes seconds here."""
from __future__ import annotations

import json
import re
import time
from importlib import resources

import pytest

UNITS = ["a", "a.", "a.a@", "1", "1 ", "11.", "1-", "+1 ", "(1", "(12) 1", " ", ". ", "-", "a ",
         "ab ", "a-", "/", ":", "a:", "«1 ", "1/", "http://a", "www.", "page 1 of 1 ", "a'",
         "© ", "photo ", "a.jpg ", "\t", "> ", "a > ", "@", "a@a.", "+", "1 1 ", "the ",
         "published ", "views 1", "tags: ", "share on ", "next ", "foo_bar."]
LENGTH = 20_000
BOUND = 0.5            # seconds for one pattern over one line (linear ones take milliseconds)


def _patterns(node, path="") -> list[tuple[str, str]]:
    """Every regex string of the furniture description, with where it is."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("_"):
                continue
            if isinstance(value, str) and (key in ("regex", "phone", "email", "url", "labels",
                                                   "role", "separators")):
                out.append((f"{path}/{key}", value))
            else:
                out += _patterns(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _patterns(value, f"{path}/{i}")
    return out


FURNITURE = json.loads(resources.files("communique.data").joinpath("furniture.json")
                       .read_text(encoding="utf-8"))
PATTERNS = _patterns(FURNITURE)


def test_the_patterns_are_found():
    names = [n for n, _ in PATTERNS]
    assert "/contact/email" in names and "/contact/phone" in names
    assert sum(n.startswith("/patterns/") for n in names) == len(FURNITURE["patterns"])


@pytest.mark.parametrize("name,regex", PATTERNS, ids=[n for n, _ in PATTERNS])
def test_furniture_pattern_is_linear_on_adversarial_lines(name, regex):
    rx = re.compile(regex, re.IGNORECASE)
    slow = []
    for unit in UNITS:
        line = (unit * (LENGTH // len(unit) + 1))[:LENGTH]
        for candidate in (line, "x" + line + "@"):
            started = time.perf_counter()
            for _ in rx.finditer(candidate):
                pass
            took = time.perf_counter() - started
            if took > BOUND:
                slow.append((unit, round(took, 2)))
                break
    assert not slow, f"{name} is slow on lines of these units: {slow}"
