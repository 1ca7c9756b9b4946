"""Bidirectional control characters (embeddings, overrides, isolates, marks): a name holding
them can show a reader something other than what it says ("rekooB yrroC" shown as "Corry
Booker"), so names leave the API and the exports without them. Shared by api/ and export/."""
from __future__ import annotations

import re

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")


def strip_bidi(value):
    """`value` without bidirectional control characters (None and non-strings as they are)."""
    return BIDI_RE.sub("", value) if isinstance(value, str) else value
