"""People across documents (actors/people.py): one entry per person, with posts a reader can trust."""
from communique.actors.gazetteer import default_gazetteer
from communique.actors.people import merge_people, translit_key


def post(title, org=None, n=1, first="2022-01-10", last=None):
    docs = [f"d{first}{title}{org}{i}" for i in range(n)]
    return {"title": title, "org": org, "first_seen": first, "last_seen": last or first,
            "documents": n, "doc_ids": docs}


def person(pid, name, mentions, *posts):
    return {"id": pid, "name": name, "aliases": [], "mentions": mentions, "posts": list(posts)}


def test_a_salutation_is_not_part_of_the_name():
    assert translit_key("Dear Tony") == translit_key("Tony")
    assert translit_key("Lady Jill Biden") == translit_key("Jill Biden")


def test_a_post_seen_once_beside_a_well_attested_one_is_doubtful():
    rows = [person("p", "Volodymyr Zelenskyy", 900, post("President", "Ukraine", 40),
                   post("Ambassador", "India"))]
    z = merge_people(rows, default_gazetteer())[0]
    assert [(p["title"], p["org"]) for p in z["posts"]] == [("President", "Ukraine")]
    assert [(p["title"], p["org"]) for p in z["doubtful_posts"]] == [("Ambassador", "India")]


def test_a_repeated_title_is_said_once():
    rows = [person("p", "Lloyd Austin", 5, post("Secretary – Secretary", None, 2))]
    assert merge_people(rows)[0]["posts"][0]["title"] == "Secretary"


def test_a_surname_goes_to_the_namesake_who_holds_its_post():
    rows = [person("a", "Joseph Biden", 50, post("President", "United States", 30)),
            person("b", "Jill Biden", 20, post("President", None, 1)),       # a slip
            person("c", "Biden", 300, post("President", None, 200))]
    merged = {p["name"]: sorted(p["ids"]) for p in merge_people(rows, default_gazetteer())}
    assert merged == {"Joseph Biden": ["a", "c"], "Jill Biden": ["b"]}


def test_transliterations_of_one_name_join():
    assert translit_key("Mykhailo Podoliak") == translit_key("Mykhailo Podolyak")
    assert translit_key("Volodymyr Zelenskyy") == translit_key("Volodymyr Zelensky")


def test_the_name_shown_is_a_full_name_not_a_particle_and_surname():
    rows = [person("a", "Al Sisi", 30, post("President", "Egypt", 12)),
            {"id": "b", "name": "Abdel Fattah el-Sisi", "aliases": [], "mentions": 3, "posts": []}]
    merged = merge_people(rows, default_gazetteer())
    assert len(merged) == 1 and merged[0]["name"] == "Abdel Fattah el-Sisi"


def test_one_post_in_other_words_and_a_remit_stuck_to_a_name():
    rows = [person("k", "Dmytro Kuleba", 60, post("Foreign Minister", "Ukraine", 58),
                   post("Minister for Foreign Affairs", "Ukraine", 5)),
            {"id": "r", "name": "Economic Development Maxim Reshetnikov", "aliases": ["Maxim Reshetnikov"],
             "mentions": 6, "posts": [post("Minister", None, 6)]},
            {"id": "e", "name": "Tayyip Erdogan", "aliases": ["Recep Tayyip Erdogan"], "mentions": 9, "posts": []}]
    merged = {p["name"]: p for p in merge_people(rows, default_gazetteer())}
    assert [(p["title"], p["documents"]) for p in merged["Dmytro Kuleba"]["posts"]] == [("Foreign Minister", 63)]
    assert "Maxim Reshetnikov" in merged          # the remit's words dropped
    assert "Recep Tayyip Erdogan" in merged       # a given name kept


def test_speaker_labels_and_a_state_before_a_name_join_the_person():
    assert translit_key("Emmanuel Macron Macron EmmanuelPresident") == translit_key("Emmanuel Macron")
    assert translit_key("Olaf Scholz(retranslated") == translit_key("Olaf Scholz")
    assert translit_key("President of Kazakhstan Kassym-Jomart Tokayev") == translit_key("Kassym-Zhomart Tokayev")


def test_headline_words_after_a_name_are_not_part_of_it():
    assert translit_key("Antony J. Blinken Remarks") == translit_key("Antony Blinken")
    assert translit_key("Sherman’s Call") == translit_key("Sherman")
