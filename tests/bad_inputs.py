"""A generator of bad inputs: `make_bad_inputs(folder, n=200)` writes n files (and a few links)
of every kind of trouble an ingest meets, and returns their names.

    python tests/bad_inputs.py /tmp/bad 200

Kinds: empty, blank, random bytes, binary formats under text names, NUL bytes, huge, undecodable,
truncated HTML, HTML of only scripts and furniture, windows-1251, KOI8-R, mixed encodings,
UTF-16 with and without BOM, zero-width characters, control characters, a line of a megabyte,
impossible dates, feeds with bad dates, broken feeds, empty feeds, broken and truncated JSONL,
CSV with wrong rows, truncated gzip, garbage WARC, truncated WARC, URL lists of refused
addresses, unknown file types, a directory symbolic link loop, broken symbolic links, a pipe.
"""
from __future__ import annotations

import gzip
import io
import os
import random
import sys
from pathlib import Path

HUGE = 300_000               # bytes; the bad-input test reads with max_bytes below this
RU = ("Москва, 3 марта 2022 года. Министр иностранных дел России Сергей Лавров провёл "
      "переговоры с министром иностранных дел Армении. Стороны обсудили региональную "
      "безопасность и договорились продолжить консультации.")
EN = ("On 3 March 2022 the Minister of Foreign Affairs of Armenia held talks with his "
      "counterpart from Georgia in Yerevan. The parties discussed regional security.")


def _story(rnd: random.Random, i: int) -> str:
    city = rnd.choice(["Minsk", "Yerevan", "Astana", "Baku", "Tbilisi", "Dushanbe"])
    return (f"The Secretary General met the Ambassador of country {i} in {city} on "
            f"{rnd.randint(1, 28)} May 2021. They discussed cooperation number {i}.")


def _warc(body: bytes, ctype: str) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    out = io.BytesIO()
    w = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record("https://bad.example/p", "response",
                                        payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


def _kinds(rnd: random.Random):
    """(suffix, bytes-maker) pairs, one per kind of bad input."""
    def rb(n):
        return bytes(rnd.getrandbits(8) for _ in range(n))

    return [
        ("empty", ".txt", lambda i: b""),
        ("blank", ".txt", lambda i: b" \n\t\r\n   \n" * rnd.randint(1, 50)),
        ("random", ".txt", lambda i: rb(rnd.randint(1, 4000))),
        ("random", ".html", lambda i: rb(rnd.randint(1, 4000))),
        ("png_as_html", ".html", lambda i: b"\x89PNG\r\n\x1a\n" + rb(500)),
        ("pdf_as_txt", ".txt", lambda i: b"%PDF-1.7\n" + rb(800)),
        ("zip_as_txt", ".txt", lambda i: b"PK\x03\x04" + rb(300)),
        ("nul", ".txt", lambda i: _story(rnd, i).encode() + b"\x00\x00" + rb(50)),
        ("huge", ".txt", lambda i: (EN + " ").encode() * (HUGE // len(EN) + 10)),
        ("undecodable", ".txt", lambda i: bytes(rnd.choice(range(0x80, 0x100))
                                                for _ in range(600))),
        ("truncated_html", ".html", lambda i: (
            f"<html><head><title>Meeting {i}</title></head><body><article><h1>Meeting {i}"
            f"</h1><p>{_story(rnd, i)}</p><p>{EN}</p><div class=").encode()[
                : rnd.randint(60, 400)]),
        ("scripts_only", ".html", lambda i: (
            "<html><head><script>var x = '<p>not text</p>';</script><style>p{}</style></head>"
            "<body><script>document.write('hello world ' + 1)</script><nav>Home | News</nav>"
            "</body></html>").encode()),
        ("script_and_story", ".html", lambda i: (
            f"<html><body><script>alert('{i}')</script><p>{_story(rnd, i)}</p>"
            "<script>track()</script></body></html>").encode()),
        ("cp1251", ".txt", lambda i: (f"Заголовок {i}\n\n" + RU).encode("cp1251")),
        ("cp1251_html", ".html", lambda i: (
            f"<html><head><meta charset='windows-1251'><title>Новости {i}</title></head>"
            f"<body><p>{RU}</p></body></html>").encode("cp1251")),
        ("cp1251_declared_utf8", ".html", lambda i: (
            f"<html><head><meta charset='utf-8'></head><body><p>{RU}</p></body></html>")
            .encode("cp1251")),
        ("koi8r", ".txt", lambda i: RU.encode("koi8-r")),
        ("mixed_encodings", ".txt", lambda i: EN.encode() + b"\n\n" + RU.encode("cp1251")
            + b"\n\n" + RU.encode("utf-8")),
        ("utf16_bom", ".txt", lambda i: EN.encode("utf-16")),
        ("utf16_no_bom", ".txt", lambda i: EN.encode("utf-16-le")),
        ("zero_width", ".txt", lambda i: "\u200b\u200c\ufeff".join(
            _story(rnd, i).split(" ")).encode()),
        ("only_zero_width", ".txt", lambda i: ("\u200b\u2060\ufeff\u00ad" * 50).encode()),
        ("controls", ".txt", lambda i: "".join(chr(rnd.randint(1, 31)) for _ in range(500))
            .encode()),
        ("one_long_line", ".txt", lambda i: (EN + " ").encode() * 400),
        ("impossible_date", ".txt", lambda i: (
            f"MOSCOW, 31 September 2019 — {_story(rnd, i)}").encode()),
        ("bad_date_feed", ".rss", lambda i: (
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
            f"<item><title>Item {i}</title><pubDate>31 Sept 2019 25:99</pubDate>"
            f"<description>{_story(rnd, i)}</description></item>"
            f"<item><title>Undated</title><pubDate>yesterday-ish</pubDate></item>"
            f"</channel></rss>").encode()),
        ("broken_feed", ".xml", lambda i: b"<?xml version='1.0'?><rss><channel><item><title>x"
            + rb(40)),
        ("empty_feed", ".atom", lambda i: b"<?xml version='1.0'?><feed "
            b"xmlns='http://www.w3.org/2005/Atom'><title>nothing</title></feed>"),
        ("bad_jsonl", ".jsonl", lambda i: (
            '{"text": "' + _story(rnd, i) + '"}\n{broken\n[1, 2]\n{"text": 5}\n{"title": "x"}\n'
            '{"text": ""}\n').encode() + rb(30) + b"\n"),
        ("truncated_gz", ".jsonl.gz", lambda i: gzip.compress(
            ('{"text": "' + _story(rnd, i) + '"}\n').encode() * 20)[:-30]),
        ("bad_csv", ".csv", lambda i: (
            "headline,body\n\"ok\",\"" + _story(rnd, i) + "\"\n\"too\",\"many\",\"fields\"\n"
            "\"unclosed,\"quote\n").encode()),
        ("csv_no_text", ".csv", lambda i: b"a,b\n1,2\n"),
        ("garbage_warc", ".warc.gz", lambda i: rb(300)),
        ("truncated_warc", ".warc.gz", lambda i: _warc(
            f"<html><body><p>{_story(rnd, i)}</p></body></html>".encode(), "text/html")[:-20]),
        ("warc_binary", ".warc.gz", lambda i: _warc(rb(200), "application/octet-stream")),
        ("refused_urls", ".txt", lambda i: b"http://127.0.0.1/a\nhttp://10.0.0.1/b\n"
            b"http://169.254.169.254/latest/meta-data/\n"),
        ("unknown_type", ".docx", lambda i: b"PK\x03\x04" + rb(100)),
        ("no_suffix", "", lambda i: rb(200)),
        ("furniture_only", ".txt", lambda i: b"Home > News\nShare\nPrint\nBack to top\n"),
        ("good", ".txt", lambda i: _story(rnd, i).encode()),
    ]


def make_bad_inputs(folder: str | Path, n: int = 200, seed: int = 0) -> list[str]:
    """Write n bad inputs into `folder` (plus a symlink loop, broken links and a pipe, counted
    in n); return their paths relative to `folder`."""
    rnd = random.Random(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = _kinds(rnd)
    names = []
    # the special ones: a directory loop, broken links, a pipe
    sub = folder / "sub"
    sub.mkdir(exist_ok=True)
    (sub / "loop").symlink_to("..", target_is_directory=True)
    names.append("sub/loop")
    (folder / "broken_link.txt").symlink_to(folder / "no-such-target.txt")
    names.append("broken_link.txt")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.txt")
        names.append("pipe.txt")
    i = 0
    while len(names) < n:
        kind, suffix, make = kinds[i % len(kinds)]
        if kind == "huge" and i >= len(kinds):
            kind, suffix, make = kinds[0]                # one huge file is enough
        name = f"{'sub/' if i % 7 == 3 else ''}{i:03d}_{kind}{suffix}"
        (folder / name).write_bytes(make(i))
        names.append(name)
        i += 1
    return names


if __name__ == "__main__":                               # pragma: no cover
    out = sys.argv[1] if len(sys.argv) > 1 else "bad_inputs"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    print(len(make_bad_inputs(out, count)), "inputs in", out)
