"""The quality gate: extraction on the project's own fixtures (and the seed, when shared/ is
there) must not drop below the floors in quality_floors.json."""
import json
from pathlib import Path

import pytest

from communique.evaluate.score import evaluate_dirs

from .conftest import SHARED

HERE = Path(__file__).parent
FLOORS = json.loads((HERE / "quality_floors.json").read_text())


def _flat(summary: dict) -> dict:
    return {
        "event_precision": summary["events"]["precision"],
        "event_recall": summary["events"]["recall"],
        "event_f1": summary["events"]["f1"],
        "date_exact": summary["matched"]["date_exact"],
        "status": summary["matched"]["status"],
        "participant_f1": summary["matched"]["participants"]["f1"],
        "strict_f1": summary["strict"]["f1"],
        "people_recall": summary["people"]["recall"],
    }


@pytest.fixture(scope="module")
def fixture_report(extractor):
    return evaluate_dirs([HERE / "gold"], extractor=extractor)


def test_fixture_scores_stay_above_floors(fixture_report):
    got = _flat(fixture_report["summary"])
    below = {k: (got[k], floor) for k, floor in FLOORS["fixtures"].items() if got[k] < floor}
    assert not below, f"extraction got worse on the fixtures (got, floor): {below}"


def test_seed_scores_stay_above_floors(extractor, seed_gold_path):
    report = evaluate_dirs([seed_gold_path], extractor=extractor)
    got = _flat(report["summary"])
    below = {k: (got[k], floor) for k, floor in FLOORS["seed"].items() if got[k] < floor}
    assert not below, f"extraction got worse on the seed (got, floor): {below}"
    assert report["summary"]["furniture_leaks"] == 0


def test_time_fixture_scores_stay_above_floors():
    from communique.evaluate.timeml import evaluate_timeml
    report = evaluate_timeml(str(HERE / "fixtures" / "timeml"))
    assert report["documents"] == 58 and report["gold"] > 1200
    got = {"value_f1": report["value_f1"], "strict_f1": report["strict"]["f1"],
           "relaxed_f1": report["relaxed"]["f1"]}
    below = {k: (got[k], floor) for k, floor in FLOORS["time_fixtures"].items() if got[k] < floor}
    assert not below, f"temporal tagging got worse on the TimeML fixtures (got, floor): {below}"


CORPUS_DEV = SHARED / "gold" / "corpus-dev"


def test_corpus_dev_scores_stay_above_floors(extractor):
    if not CORPUS_DEV.exists():
        pytest.skip("../shared/gold/corpus-dev is not beside the repository")
    report = evaluate_dirs([CORPUS_DEV], extractor=extractor)
    got = _flat(report["summary"])
    below = {k: (got[k], floor) for k, floor in FLOORS["corpus_dev"].items() if got[k] < floor}
    assert not below, f"extraction got worse on corpus-dev (got, floor): {below}"


def test_breadth_on_news_sentences_stays_above_floors(extractor):
    from communique.evaluate.breadth import evaluate_cameo, evaluate_gsr
    data = SHARED / "data"
    if not (data / "plover-gsr").exists() or not (data / "conflibert-cameo").exists():
        pytest.skip("../shared/data is not beside the repository")
    gsr = evaluate_gsr(str(data), extractor=extractor).figures
    cameo = evaluate_cameo(str(data), extractor=extractor).figures
    got = {"gsr_type": gsr["type accuracy"], "gsr_type_actor": gsr["type + actor accuracy"],
           "cameo_macro_f1": cameo["macro F1"]}
    below = {k: (got[k], floor) for k, floor in FLOORS["breadth"].items() if got[k] < floor}
    assert not below, f"breadth got worse (got, floor): {below}"
