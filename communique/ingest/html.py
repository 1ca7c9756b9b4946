"""HTML pages: main text, title and publication date, with trafilatura; lxml when it fails."""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from ..limits import OverBudget, time_budget

_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "dd", "dt", "dl",
               "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote", "pre", "br",
               "hr", "figure", "figcaption", "address", "td", "th"}
_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form",
              "button", "select", "iframe", "svg", "template", "menu"]
_META_DATES = ("article:published_time", "og:published_time", "datepublished", "date",
               "dc.date", "dc.date.issued", "dcterms.created", "pubdate", "publishdate",
               "publication_date", "sailthru.date", "parsely-pub-date")


TRAFILATURA_SECONDS = 10.0       # then the plain lxml reading, which is linear

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Page:
    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    extractor: str = "trafilatura"


def extract_html(html: str, *, url: str | None = None) -> Page | None:
    """The main text of a page, its paragraphs separated by blank lines (None when empty)."""
    html = _XML_BAD.sub(" ", html)                  # NUL, controls, lone surrogates: not XML
    try:                                            # some pages take trafilatura minutes
        with time_budget(TRAFILATURA_SECONDS):
            page = _trafilatura(html, url)
    except OverBudget:
        page = None
    if page is None or not page.text.strip():
        try:
            page = _lxml(html, url)
        except Exception:                           # lxml on hostile input: no text
            page = None
    if (page is None or not page.text.strip()) and nesting_depth(html) > MAX_DEPTH:
        page = _plain(html, url)                    # too deep for the parsers: tags stripped
    if page is None or not page.text.strip():
        return None
    if page.published is None:
        page.published = _meta_date(html)
    return page


def _trafilatura(html: str, url: str | None) -> Page | None:
    try:
        import trafilatura
    except ImportError:                                  # pragma: no cover - a declared dependency
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            doc = trafilatura.bare_extraction(
                html, url=url, with_metadata=True, include_comments=False, include_tables=True,
                include_images=False, favor_precision=True,
                date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception:                                    # trafilatura on broken input: fall back
        return None
    if doc is None:
        return None
    text = getattr(doc, "text", None) or ""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    from .dates import normalize_published
    return Page(text="\n\n".join(paragraphs), title=(getattr(doc, "title", None) or None),
                published=normalize_published(getattr(doc, "date", None)),
                url=getattr(doc, "url", None) or url)


def _lxml(html: str, url: str | None) -> Page | None:
    try:
        from lxml import etree, html as lhtml
        tree = lhtml.document_fromstring(html)
    except Exception:
        return None
    title = None
    for path in ("//h1", "//title"):
        found = tree.xpath(path)
        if found:
            title = " ".join(found[0].text_content().split()) or None
            if title:
                break
    for el in tree.xpath("|".join(f"//{t}" for t in _DROP_TAGS)):
        el.drop_tree()
    etree.strip_elements(tree, etree.Comment, with_tail=False)
    body = tree.find("body")
    root = body if body is not None else tree
    parts: list[str] = []

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    text = "".join(parts)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    text = "\n\n".join(p for p in paragraphs if p)
    return Page(text=text, title=title, url=url, extractor="lxml")


MAX_DEPTH = 200                 # deeper pages defeat the parsers (libxml2 stops at 256)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]{0,30})\b[^<>]*?(/?)>")
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source",
         "track", "wbr", "param"}
_HIDDEN = ("script", "style", "noscript", "template", "svg", "head")


def nesting_depth(html: str) -> int:
    """How deep the page's elements nest (an estimate from its tags, in one pass)."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        name = m.group(2).lower()
        if m.group(1):
            depth = max(0, depth - 1)
        elif not m.group(3) and name not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _plain(html: str, url: str | None) -> Page | None:
    """The text of a page with its tags stripped, without a parse tree (for pages nested too
    deep to parse): hidden elements dropped, block elements as paragraph breaks."""
    import html as _html
    lower = html.lower()
    out, at = [], 0
    found = {t: lower.find(f"<{t}") for t in _HIDDEN}   # the next of each, kept: linear
    while True:                                 # drop <script>...</script> and the like
        for t, i in found.items():
            if 0 <= i < at:
                found[t] = lower.find(f"<{t}", at)
        starts = [(i, t) for t, i in found.items() if i >= 0]
        if not starts:
            out.append(html[at:])
            break
        i, tag = min(starts)
        out.append(html[at:i])
        end = lower.find(f"</{tag}", i)
        if end < 0:
            break
        close = lower.find(">", end)
        at = len(html) if close < 0 else close + 1
    kept = "".join(out)

    def tag(m: re.Match) -> str:
        return "\n\n" if m.group(2).lower() in _BLOCK_TAGS else " "
    text = _html.unescape(_TAG.sub(tag, kept))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    text = "\n\n".join(p for p in paragraphs if p)
    return Page(text=text, url=url, extractor="tags") if text else None


def _meta_date(html: str) -> str | None:
    from .dates import normalize_published
    for m in re.finditer(r"<meta\b[^>]*>", html[:200_000], re.IGNORECASE):
        tag = m.group(0)
        name = re.search(r"\b(?:property|name|itemprop)\s*=\s*[\"']([^\"']+)", tag, re.IGNORECASE)
        content = re.search(r"\bcontent\s*=\s*[\"']([^\"']+)", tag, re.IGNORECASE)
        if name and content and name.group(1).lower() in _META_DATES:
            found = normalize_published(content.group(1))
            if found:
                return found
    m = re.search(r"<time\b[^>]*\bdatetime\s*=\s*[\"']([^\"']+)", html[:200_000], re.IGNORECASE)
    return normalize_published(m.group(1)) if m else None


def looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in head[:2000] \
        or bool(re.match(r"<(?:head|body|meta|title)\b", head))


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes (<meta charset=...>)."""
    m = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w\-:.]+)", data[:4096], re.IGNORECASE)
    return m.group(1).decode("ascii", "ignore").lower() if m else None
