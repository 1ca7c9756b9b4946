"""Who is who in one document: the function behind `communique entities FILE`.

    from communique.actors.entities import entities_of
    for row in entities_of("UN Secretary-General Antonio Guterres met ...", extractor):
        print(row)   # {"start", "end", "text", "type", "name", "entity_id", "title", "org", ...}

One row per mention of a person, organisation, state or place (types PERSON, ORG, GPE, LOC), in
text order, offsets into the document's clean text (``Document.text``). People named by post,
surname or pronoun carry the person's canonical name and id; a post that names no one in the
document ("the Foreign Secretary") is listed with ``name`` and ``entity_id`` null. Places carry
their country, coordinates and GeoNames id where the gazetteer or GeoNames knows them.
"""
from __future__ import annotations

from ..records import Document, Mention
from .gazetteer import default_gazetteer

TYPES = ("PERSON", "ORG", "GPE", "LOC")
FIELDS = ("start", "end", "text", "type", "name", "entity_id", "title", "org")


def _row(m: Mention, gaz, *, resolved: bool = True) -> dict:
    row = {"start": m.start, "end": m.end, "text": m.text, "type": m.type,
           "name": m.name if resolved else None, "entity_id": m.entity_id if resolved else None,
           "title": m.title, "org": m.org, "via": m.via}
    if m.type in {"GPE", "LOC"}:
        place = gaz.place(m.name) or gaz.place(m.text)
        if place:
            row["place"] = {"country": place.get("country"), "lat": place.get("lat"),
                            "lon": place.get("lon"), "geonameid": place.get("geonameid")}
    if m.type == "ORG":
        org = gaz.org(m.name) or gaz.org(m.text)
        if org and org.get("id"):
            row["org_id"] = org["id"]
    return row


def entities_of(source: str | Document, extractor=None, *, published: str | None = None,
                unresolved_posts: bool = True, furniture: bool = False) -> list[dict]:
    """The actor and place mentions of a text or Document, one dict each, in text order."""
    if isinstance(source, str):
        from ..ingest.readers import read_text
        document = read_text(source, published=published)
    else:
        document = source
    if extractor is None:
        from ..extract import Extractor
        extractor = Extractor()
    gaz = default_gazetteer()
    doc = extractor.nlp(extractor._doc(document))
    rows = [_row(m, gaz) for m in doc._.mentions or [] if m.type in TYPES]
    if unresolved_posts:
        rows += [_row(m, gaz, resolved=False)
                 for m in doc.user_data.get("communique_unresolved_posts", [])]
    if furniture:   # people of dropped contact lines: offsets into Document.raw_text
        rows += [_row(m, gaz) for m in extractor._furniture_people(document)]
    rows.sort(key=lambda r: (r["start"], -r["end"]))
    return rows


def format_entity(row: dict) -> str:
    """One line of the table format."""
    who = row["name"] or "?"
    post = ", ".join(x for x in (row.get("title"), row.get("org")) if x)
    extra = f"  [{post}]" if post and row["type"] == "PERSON" else ""
    if row.get("place"):
        p = row["place"]
        extra = f"  [{p['country']} {p['lat']},{p['lon']}" + \
            (f" geonames:{p['geonameid']}]" if p.get("geonameid") else "]")
    return f"{row['start']:>6} {row['end']:>6}  {row['type']:<6} {row['text']!r:<40} -> {who}{extra}"
