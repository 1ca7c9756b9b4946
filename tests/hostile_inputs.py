"""Hostile inputs, one maker per case of issue 15: each writes its files into a folder and says
what a reader must give for them. Used by the tests and by the fuzz run."""
from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

STORY = ("On {day} May 2021 the Secretary General met the Ambassador of Armenia in Minsk. "
         "They discussed cooperation number {n}.")


def story(n: int) -> str:
    return STORY.format(day=n % 28 + 1, n=n)


def warc_bytes(n: int, *, gz: bool = True, first: int = 0) -> bytes:
    """A WARC of n HTML responses."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for i in range(first, first + n):
        body = f"<html><body><p>{story(i)}</p></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://news.example/p{i}", "response", payload=io.BytesIO(body),
            http_headers=headers))
    return out.getvalue()


def wrong_length_warc(n: int = 5, bad: int = 1, delta: int = 30) -> bytes:
    """A plain WARC whose record `bad` says a Content-Length `delta` bytes off."""
    text = warc_bytes(n, gz=False).decode()
    at = text.index("Content-Length: ", text.index(f"WARC-Target-URI: https://news.example/p{bad}"))
    end = text.index("\r\n", at)
    length = int(text[at + 16:end])
    return (text[:at + 16] + str(length + delta) + text[end:]).encode()


def jsonl_line(rec: dict) -> str:
    return json.dumps(rec) + "\n"


def make_hostile_dir(folder: str | Path) -> dict[str, str]:
    """A folder of the hostile cases a directory can hold; returns {file: what it is}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    made = {}

    def put(name: str, data: bytes, what: str):
        (folder / name).write_bytes(data)
        made[name] = what

    put("surrogate_id.jsonl", ('{"id": "\\udc80", "text": "' + story(1) + '"}\n'
                               + jsonl_line({"id": "s2", "text": story(2)})).encode(),
        "a lone surrogate in an id, then a good record")
    put("bad_middle.jsonl", (jsonl_line({"id": "m1", "text": story(3)})
                             + '{"id": "m2", "text": "a lone \\ud800 surrogate. ' + story(4)
                             + '"}\n' + "[" * 100_000 + "\n"
                             + jsonl_line({"id": "m4", "text": story(5)})).encode(),
        "a surrogate in a text and 100,000 nested brackets between good records")
    put("corpus.json.gz", gzip.compress(json.dumps([{"id": "j1", "text": story(6)},
                                                    {"id": "j2", "text": story(7)}]).encode()),
        "a gzipped JSON array")
    put(".hidden.txt", story(8).encode(), "a hidden file")
    put("nested.html", ("<html><body>" + "<div>" * 100_000 + f"<p>{story(9)}</p>"
                        + "</div>" * 100_000 + "</body></html>").encode(),
        "100,000 nested divs around a story")
    warc = warc_bytes(4, first=10)
    last = warc.rfind(b"\x1f\x8b\x08")                    # cut in the last record
    put("cut.warc.gz", warc[:last + (len(warc) - last) // 2], "a gzipped WARC cut short")
    put("wrong_length.warc", wrong_length_warc(), "a WARC record with a wrong Content-Length")
    put("bomb.jsonl.gz", gzip.compress(b"a" * (100 << 20)), "100 MB of one line in 100 kB")
    put("bomb.csv.gz", gzip.compress(b"text\n" + b"a" * (100 << 20)), "the same as CSV")
    try:
        os.makedirs(folder / "names", exist_ok=True)
        with open(os.path.join(os.fsencode(folder / "names"), b"\xff\xfe-latin.txt"), "wb") as fh:
            fh.write(story(20).encode())
        made["names/\\udcff\\udcfe-latin.txt"] = "a file name that is not UTF-8"
    except OSError:                                     # a file system that refuses such names
        pass
    (folder / "zero.jsonl").symlink_to("/dev/zero")
    made["zero.jsonl"] = "a symbolic link to /dev/zero"
    os.mkfifo(folder / "pipe.jsonl")
    made["pipe.jsonl"] = "a named pipe"
    return made
