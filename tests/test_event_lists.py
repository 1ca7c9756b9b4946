"""One act per counterpart, per listed date; groups as actors; the item's place: records an
analyst can count."""
from communique.ingest import read_text


def _events(extractor, text, published="2022-05-06"):
    return extractor.extract(read_text(text, published=published)).events


def test_calls_with_two_leaders_are_two_events(extractor):
    events = _events(extractor, "President Sauli Niinisto held telephone conversations with "
                     "Chancellor of Germany Olaf Scholz and Prime Minister of Italy Mario Draghi "
                     "on 5 May.\n")
    calls = [e for e in events if e.type == "CONSULT"]
    assert sorted(p.name for e in calls for p in e.recipients
                  if p.type == "PERSON") == ["Mario Draghi", "Olaf Scholz"]
    assert all(len([p for p in e.recipients if p.type == "PERSON"]) == 1 for e in calls)
    assert len({e.id for e in calls}) == 2
    assert {e.mode for e in calls} == {"phone"}


def test_talks_with_two_delegations_stay_one_event(extractor):
    events = _events(extractor, "The Minister of Foreign Affairs of Finland held talks with "
                     "Foreign Minister of Austria Karl Hofer and Foreign Minister of Hungary "
                     "Peter Kovacs in Vienna on 4 May.\n")
    talks = [e for e in events if e.type == "CONSULT"]
    assert len(talks) == 1
    assert {"Karl Hofer", "Peter Kovacs"} <= {p.name for p in talks[0].participants}


def test_messages_to_a_list_of_states_are_one_event_each(extractor):
    events = _events(extractor, "On Independence Day, the President of Finland sent messages of "
                     "greetings to the leaders and people of Armenia, Moldova and Mongolia.\n")
    greetings = [e for e in events if e.type == "SUPPORT"]
    assert sorted(p.name for e in greetings for p in e.recipients) == ["Armenia", "Moldova", "Mongolia"]


def test_one_event_for_each_listed_date(extractor):
    events = _events(extractor, "The ministers stressed the importance of implementing the "
                     "agreements reached by the leaders of Armenia and Georgia on 9 November "
                     "2020, 11 January and 26 November 2021.\n", published="2022-03-01")
    agreed = sorted((e.when.start, e.status) for e in events if e.type == "AGREE")
    assert agreed == [("2020-11-09", "occurred"), ("2021-01-11", "occurred"),
                      ("2021-11-26", "occurred")]


def test_a_group_named_by_what_it_is_acts(extractor):
    events = _events(extractor, "In Kandahar province, a combined Afghan and coalition security "
                     "force detained two suspected insurgents on Monday.\n", published="2011-08-27")
    arrest = [e for e in events if e.type == "COERCE"]
    assert len(arrest) == 1
    assert [p.name for p in arrest[0].actors] == ["Combined Afghan and coalition security force"]
    assert [p.name for p in arrest[0].recipients] == ["Suspected insurgents"]


def test_the_item_place_under_the_headline_is_where_its_act_happened(extractor):
    text = ("Meeting on the grain harvest\n\n"
            "The Kremlin, Moscow, 2022-02-25T17:45:00Z\n\n"
            "Vladimir Putin held a meeting with Agriculture Minister Dmitry Patrushev on the "
            "grain harvest.\n")
    meeting = [e for e in _events(extractor, text, published="2022-02-25") if e.type == "CONSULT"]
    assert meeting and meeting[0].where is not None
    assert meeting[0].where.name == "Moscow Kremlin"
    unknown = text.replace("The Kremlin, Moscow", "NA")
    meeting = [e for e in _events(extractor, unknown, published="2022-02-25") if e.type == "CONSULT"]
    assert meeting and meeting[0].where is None
