"""The learned trigger model: its data, its training command and what it adds to the rules."""
import json
import os
import subprocess
import sys

import pytest

from communique.errors import CommuniqueError
from communique.ingest import read_text
from communique.learn.annotations import TYPES, load_corpus_labels, load_written
from communique.learn.model import COMPONENT, SPANS_KEY

from .conftest import ROOT, SHARED

TRAINING = ROOT / "training"


def test_written_sentences_cover_every_type_and_hold_their_triggers():
    sentences = load_written(str(TRAINING / "written"))
    assert len(sentences) > 1500
    counts = {t: 0 for t in TYPES}
    for s in sentences:
        for e in s.events:
            counts[e.type] += 1
            assert e.trigger is not None, s.text    # the trigger is the sentence's own words
    assert all(n >= 40 for n in counts.values()), counts
    assert sum(1 for s in sentences if not s.events) >= 300      # negatives


@pytest.mark.parametrize("name", ["corpus_labels.jsonl", "corpus_labels_2.jsonl"])
def test_corpus_labels_keep_no_corpus_text(name):
    keys = set()
    with open(TRAINING / name, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            keys |= set(rec)
            assert "sentence" not in rec and "text" not in rec
    assert {"corpus", "key", "field", "start", "end", "events"} <= keys


def test_a_meeting_word_keeps_its_type_when_the_model_is_unsure_how_it_was_held():
    import numpy
    import spacy
    from thinc.api import Ragged

    from communique.learn.model import predicted_triggers, set_type_scores
    doc = spacy.blank("en")("They held talks")
    labels = ("AGREE", "CONSULT", "CONSULT|phone", "CONSULT|visit")
    indices = Ragged(numpy.array([[0, 1], [1, 2], [2, 3]], dtype="int32"),
                     numpy.array([3], dtype="int32"))
    # columns: the labels, then the negative label; no single label of "talks" beats "none"
    scores = numpy.array([[0, 0, 0, 0, 1.0], [0.1, 0, 0, 0, 0.9], [0.05, 0.2, 0.3, 0.1, 0.35]],
                         dtype="float32")
    set_type_scores([doc], (indices, scores), labels)
    got = predicted_triggers(doc, 0.5)
    assert list(got) == [2]
    etype, score, mode = got[2]
    assert (etype, mode) == ("CONSULT", "phone") and score == pytest.approx(0.6)


def test_corpus_labels_read_their_sentences_from_the_shared_data():
    if not (SHARED / "data").exists():
        pytest.skip("../shared/data is not beside the repository")
    sentences = load_corpus_labels(str(TRAINING / "corpus_labels.jsonl"), str(SHARED / "data"),
                                   str(SHARED / "gold"))
    assert len(sentences) > 4000
    with_trigger = [(s, e) for s in sentences for e in s.events if e.trigger]
    assert with_trigger
    # every trigger offset lands on words of its sentence
    assert all(s.text[e.trigger[0]:e.trigger[1]].strip() for s, e in with_trigger)


def test_a_reserved_item_is_refused(tmp_path):
    if not (SHARED / "gold" / "reserved-keys.txt").exists():
        pytest.skip("../shared/gold is not beside the repository")
    line = next(l for l in open(SHARED / "gold" / "reserved-keys.txt") if not l.startswith("#"))
    corpus, key = line.rstrip("\n").split("\t")
    bad = tmp_path / "labels.jsonl"
    bad.write_text(json.dumps({"corpus": corpus, "key": key, "field": "text", "start": 0,
                               "end": 5, "events": []}) + "\n")
    with pytest.raises(CommuniqueError, match="reserved"):
        load_corpus_labels(str(bad), str(SHARED / "data"), str(SHARED / "gold"))


def test_train_command_builds_a_model_the_pipeline_loads(tmp_path):
    data = tmp_path / "training"
    (data / "written").mkdir(parents=True)
    lines = []
    for n, (text, etype, trigger) in enumerate([
        ("The ministry lifted the curfew in the capital on Monday.", "RETREAT", "lifted"),
        ("Police arrested twelve protesters outside the parliament.", "COERCE", "arrested"),
        ("The two presidents held talks in Geneva.", "CONSULT", "talks"),
        ("The government imposed sanctions on three banks.", "SANCTION", "imposed"),
    ] * 6):
        lines.append(json.dumps({"id": f"t{n}", "sentence": text, "events": [
            {"type": etype, "trigger": trigger}]}))
    lines.append(json.dumps({"id": "neg", "sentence": "The weather was mild.", "events": []}))
    (data / "written" / "tiny.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "model"
    run = subprocess.run([sys.executable, "-m", "communique.cli", "train", "--data", str(data),
                          "--out", str(out), "--epochs", "2", "--shared-data", str(tmp_path),
                          "--gold", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "all types" in run.stdout and "held back" in run.stdout
    assert (out / "config.cfg").exists()
    env = dict(os.environ, COMMUNIQUE_TRIGGER_MODEL=str(out))
    code = ("from communique.nlp.pipeline import build_pipeline; "
            "nlp = build_pipeline(); print('communique_triggers' in nlp.pipe_names)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, timeout=300)
    assert shown.stdout.strip() == "True", shown.stderr


def test_the_model_runs_in_the_pipeline_and_marks_triggers(extractor):
    assert COMPONENT in extractor.nlp.pipe_names
    meta = extractor.nlp.get_pipe_meta(COMPONENT)
    assert "doc.spans" in meta.assigns
    doc = extractor.nlp(extractor._doc(read_text(
        "The government of Norway lifted the curfew in the capital on Monday.",
        published="2022-05-10")))
    assert SPANS_KEY in doc.spans


@pytest.mark.parametrize("text,etype", [
    ("Vladimir Putin sent a message of condolences to President of Turkey Recep Tayyip Erdogan "
     "over the earthquake.", "SUPPORT"),
    ("The Secretary thanked Foreign Minister Annalena Baerbock for Germany's leadership.",
     "SUPPORT"),
    ("The President of Ukraine called on the leaders of the European Union to speed up the "
     "new package of sanctions.", "REQUEST"),
])
def test_phrasings_of_official_news_become_events(extractor, text, etype):
    events = extractor.extract(read_text(text, published="2023-02-07")).events
    assert etype in {e.type for e in events}, [(e.type, e.trigger) for e in events]


def test_the_whole_reader_on_held_back_sentences_at_several_thresholds(tmp_path, extractor):
    from communique.evaluate.heldback import evaluate_held_back
    data = tmp_path / "training"
    (data / "written").mkdir(parents=True)
    lines = [
        {"id": "a", "sentence": "Police arrested twelve protesters outside the parliament of "
                                "Ruritania on Monday.", "events": [{"type": "COERCE", "trigger": "arrested"}]},
        {"id": "b", "sentence": "The President of Ruritania met the Prime Minister of Borduria "
                                "in Strelsau.", "events": [{"type": "CONSULT", "trigger": "met"}]},
        {"id": "c", "sentence": "The weather in Strelsau was mild for the season.", "events": []},
    ]
    (data / "written" / "tiny.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    before = extractor.trigger_thresholds
    rows = evaluate_held_back(str(data), str(tmp_path), None, [(0.8, 0.5), (0.99, 0.99)],
                              extractor=extractor, share=1.0)
    assert [(r.rule_threshold, r.other_threshold) for r in rows] == [(0.8, 0.5), (0.99, 0.99)]
    first = rows[0].by_origin["written"]
    assert first["tp"] == 2 and first["fn"] == 0 and first["fp"] == 0, first
    assert extractor.trigger_thresholds == before
