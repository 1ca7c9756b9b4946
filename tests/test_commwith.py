"""Verbs of communication that make CONSULT events (the CommWith relation of re3d)."""
from communique.records import Document


def _consults(extractor, text):
    doc = extractor.nlp(extractor._doc(Document(text=text, source="test")))
    return [sorted(p.name for p in ev.participants) for ev in doc._.events or [] if ev.type == "CONSULT"]


def test_speaking_to_a_named_actor_is_a_consultation(extractor):
    events = _consults(extractor, "Foreign Minister Lena Varga spoke to Prime Minister Omar Haddad "
                                  "on Monday about the border.")
    assert ["Lena Varga", "Omar Haddad"] in events


def test_speaking_to_reporters_is_none(extractor):
    assert _consults(extractor, "Foreign Minister Lena Varga spoke to reporters on Monday.") == []


def test_consulting_with_a_body_is_a_consultation(extractor):
    events = _consults(extractor, "The United Kingdom is consulting with the Government of Iraq "
                                  "on the attack.")
    assert events and len(events[0]) == 2


def test_a_collective_subject_still_speaks_with_each_other(extractor):
    text = ("Minister Mukhtar Tileuberdi did not travel to Bishkek. Minister Ruslan Kazakbaev "
            "stayed in Osh. The two ministers spoke by telephone on 21 February.")
    doc = extractor.nlp(extractor._doc(Document(text=text, source="test")))
    assert any(ev.type == "CONSULT" and ev.trigger == "spoke" for ev in doc._.events or [])
