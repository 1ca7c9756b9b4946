"""Russian temporal expressions: a second language from data files alone (time_ru_*.json)."""
import json
import subprocess
import sys

import pytest

from communique.errors import ResourceError
from communique.time import tag_times

ANCHOR = "2019-09-27"  # a Friday


def values(text, anchor=ANCHOR):
    return [(t.text, t.value) for t in tag_times(text, anchor, language="ru")]


def test_full_and_partial_dates_in_their_case_forms():
    assert values("26 сентября 2019 года в Москве состоялось заседание.") == [("26 сентября 2019 года", "2019-09-26")]
    assert values("Документ подписан 25.09.2019.") == [("25.09.2019", "2019-09-25")]
    assert values("В начале октября 2020 года прошёл саммит.") == [("В начале октября 2020 года", "2020-10")]


def test_deictic_and_relative_expressions():
    assert values("Вчера министры провели переговоры.") == [("Вчера", "2019-09-26")]
    assert values("В прошлом году учения прошли в Таджикистане.") == [("прошлом году", "2018")]
    assert values("На прошлой неделе делегации обменялись проектами.") == [("прошлой неделе", "2019-W38")]
    assert values("Три дня назад был подписан меморандум.") == [("Три дня назад", "2019-09-24")]


def test_weekday_by_tense_and_anaphora():
    assert values("Встреча состоится в понедельник.") == [("понедельник", "2019-09-30")]
    assert values("Во вторник министры обсудили подготовку к саммиту.") == [("вторник", "2019-09-24")]
    got = values("26 сентября прошло заседание. Накануне министры провели консультации.")
    assert got == [("26 сентября", "2019-09-26"), ("Накануне", "2019-09-25")]


def test_ranges_times_refs_and_a_bad_date():
    t = tag_times("С 24 по 27 сентября 2019 года в Минске прошли консультации.", ANCHOR, language="ru")[0]
    assert (t.begin, t.finish) == ("2019-09-24", "2019-09-27")
    assert values("Заседание начнётся в 15:00 по московскому времени.") == \
        [("15:00 по московскому времени", "2019-09-27T15:00")]
    assert [v for _, v in values("Стороны сейчас готовят соглашение и подпишут его в ближайшее время.")] == \
        ["PRESENT_REF", "FUTURE_REF"]
    bad = tag_times("Встреча 31 сентября 2019 года", ANCHOR, language="ru")[0]
    assert bad.value is None and "impossible date" in bad.error


def test_unknown_language_says_which_exist():
    with pytest.raises(ResourceError) as err:
        tag_times("text", language="xx")
    assert "ru" in err.value.hint and "en" in err.value.hint


def test_time_command_takes_the_language(tmp_path):
    path = tmp_path / "ru.txt"
    path.write_text("Вчера в Ереване прошли переговоры.", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "communique.cli", "time", str(path), "--anchor", ANCHOR,
                          "--language", "ru", "--format", "jsonl"], capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows == [{"start": 0, "end": 5, "text": "Вчера", "type": "DATE", "value": "2019-09-26"}]
