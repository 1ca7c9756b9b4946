"""re3d smoke test: a few documents, skipped when the data are not beside the repository."""
import pytest

from communique.evaluate.re3d import DEFAULT_PATH, evaluate_re3d, format_re3d


def test_absent_data_skips_cleanly(tmp_path):
    assert "skipped" in evaluate_re3d(tmp_path)


def test_re3d_smoke(extractor):
    if not DEFAULT_PATH.is_dir():
        pytest.skip("shared/data/re3d is not beside the repository")
    result = evaluate_re3d(DEFAULT_PATH, extractor, limit=6)
    assert result["documents"] == 6
    for system in ("communique", "spacy"):
        row = result[system]["names"]["overlap"]
        assert set(row) >= {"Person", "Organisation", "Location", "micro"}
    assert "CommWith" in format_re3d(result)


# --- the scoring conventions (on short texts, no re3d data needed) --------------------------

from communique.evaluate import re3d as R  # noqa: E402


def test_names_scope_ignores_a_capital_that_only_opens_a_sentence():
    text = "Witnesses saw it. One man left. The regime fell. Syria is torn. We met Sadiq."
    proper = frozenset({"Syria", "Sadiq"})
    def name(word):
        s = text.index(word)
        return R._is_name(text, s, s + len(word), proper)
    assert not name("Witnesses") and not name("One man")
    assert name("Syria") and name("Sadiq")
    s = text.index("The regime")
    t = R._trim(text, s, s + len("The regime"))
    assert not R._is_name(text, *t, proper)


def test_a_town_and_its_state_are_one_location():
    text = "He died in Cibolo, Texas, on Monday. They visited Iraq, Syria and Jordan."
    spans = [(text.index("Cibolo"), text.index("Cibolo") + 6, "Location"),
             (text.index("Texas"), text.index("Texas") + 5, "Location"),
             (text.index("Iraq"), text.index("Iraq") + 4, "Location"),
             (text.index("Syria"), text.index("Syria") + 5, "Location")]
    joined = R._joined_places(text, spans)
    assert (text.index("Cibolo"), text.index("Texas") + 5, "Location") in joined
    assert len(joined) == 3          # a list of states stays a list


def test_prediction_on_a_left_out_gold_span_counts_neither_way():
    gold = [{"start": 0, "end": 5, "type": "Organisation", "alts": [(0, 5)]}]
    left_out = [{"start": 17, "end": 23, "type": "Organisation", "alts": [(17, 23)]}]
    pred = [(0, 5, "Organisation"), (10, 23, "Organisation")]
    counts = R._match(gold, pred, "overlap", left_out)["Organisation"]
    assert counts["tp"] == 1 and counts["fp"] == 0 and counts["fn"] == 0


def test_a_body_and_its_owner_in_the_possessive_are_one_organisation():
    text = "He sat on ISIL's War Committee and met Iraq's famed National Orchestra, not ISIL."
    isil, war = text.index("ISIL"), text.index("War Committee")
    iraq, orch = text.index("Iraq"), text.index("National Orchestra")
    last = text.rindex("ISIL")
    spans = [(isil, isil + 4, "Organisation"), (war, war + 13, "Organisation"),
             (iraq, iraq + 4, "Organisation"), (orch, orch + 18, "Organisation"),
             (last, last + 4, "Organisation")]
    joined = R._joined_owners(text, spans)
    assert (isil, war + 13, "Organisation") in joined
    assert (iraq, orch + 18, "Organisation") in joined
    assert (last, last + 4, "Organisation") in joined


def test_a_state_heading_a_list_of_places_or_modifying_a_border_is_a_location(extractor):
    from communique.nlp.pipeline import load_base
    nlp = load_base()
    text = ("Aircraft conducted strikes against ISIL targets. Syria .       Near Zarqoun, one "
            "strike engaged an ISIL tactical unit.")
    doc = nlp(text)
    s = text.index("Syria")
    assert R._gpe_type(doc, s, s + 5) == "Location"
    text = "Fighters crossed the Syria-Iraq border. The United States condemns the attack."
    doc = nlp(text)
    s = text.index("Syria")
    assert R._gpe_type(doc, s, s + 5) == "Location"
    s = text.index("United States")
    assert R._gpe_type(doc, s, s + 13) == "Organisation"
