"""The trigger lexicon and the ontology, read from the data files once per process."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Lexicon:
    verbs: dict
    nouns: dict
    phrases: list
    light_verbs: frozenset
    noun_subject_verbs: frozenset
    word_lists: dict
    types: dict
    modes: dict
    status: dict

    def words(self, name: str) -> frozenset:
        return self.word_lists.get(name, frozenset())


def _read(name: str) -> dict:
    with resources.files("communique.data").joinpath(name).open(encoding="utf-8") as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=2)
def load_lexicon() -> Lexicon:
    triggers = _read("triggers.json")
    ontology = _read("ontology.json")
    lists = {key: frozenset(value) for key, value in triggers.items()
             if isinstance(value, list) and key not in {"phrases"}}
    lists["object_frames_map"] = {k: v for k, v in triggers.get("object_frames", {}).items()
                                  if not k.startswith("_")}
    lists["object_types_map"] = {k: v for k, v in triggers.get("object_types", {}).items()
                                 if not k.startswith("_")}
    lists["object_type_verbs"] = frozenset(triggers.get("object_types", {}).get("_verbs", []))
    status = {key: (tuple(v) if isinstance(v, list) else v)
              for key, v in ontology["status"].items()}
    return Lexicon(
        verbs=triggers["verbs"], nouns=triggers["nouns"], phrases=triggers["phrases"],
        light_verbs=frozenset(triggers["light_verbs"]),
        noun_subject_verbs=frozenset(triggers["event_verbs_for_noun_subjects"]),
        word_lists=lists, types=ontology["types"],
        modes={k: frozenset(v) for k, v in ontology["modes"].items()}, status=status)
