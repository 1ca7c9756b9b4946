"""ingest: sources to Documents — readers, cleaning of page furniture, page segmentation.

    read_inputs(paths, *, published=None, stdin=None, ...) -> Iterator[Document | Skipped]
    read_text(text, *, source="-", published=None, title=None, url=None) -> Document
    clean_text(text) -> (clean text, dropped furniture lines)
    segment(text, *, single=False) -> list[Article]
    read_url(url, fetcher) / read_feed_bytes(data, source=...) / read_warc(path) -> Iterator
    FetchSettings(timeout, retries, backoff, per_host_interval, user_agent, allow_private, ...)
"""
from .clean import clean_text, load_furniture
from .dates import detect_published, normalize_published, parse_date
from .readers import MAX_BYTES, Skipped, decode_bytes, make_document, read_inputs, read_text
from .segment import segment
from .feeds import read_feed_bytes, read_warc
from .fetch import Fetcher, FetchError, FetchSettings
from .readers import FAILURE_REASONS, read_url

__all__ = ["FAILURE_REASONS", "Fetcher", "FetchError", "FetchSettings", "read_feed_bytes",
           "read_url", "read_warc", "MAX_BYTES", "Skipped", "clean_text", "decode_bytes", "detect_published",
           "load_furniture", "make_document", "normalize_published", "parse_date",
           "read_inputs", "read_text", "segment"]
