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
