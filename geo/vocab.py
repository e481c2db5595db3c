"""The vocabularies of the records, defined once: the keys stored in the database, read
by the engine, drawn by the map and offered by the forms.

Keys are plain English words; their labels (English message ids, translated by the
application) live next to the record schema (``app/records/schema.py``), which checks
at import that it labels exactly these keys. Each person category has a list of its own
in the village counts (:data:`LIST_OF`: ``addict`` → ``addicts``).
"""

from __future__ import annotations

from typing import TypeVar

V = TypeVar("V")

# People on the lists: the category a person is managed under.
PERSON_CATEGORIES = ("user", "addict", "post_rehab", "released")
# The column of the village counts for each category (its plural: a list of people).
LIST_OF = {"addict": "addicts", "user": "users", "post_rehab": "post_rehab",
           "released": "released"}
# The categories the treatment/whereabouts status is about: a user under management or a
# person released from prison may have none.
STATUS_CATEGORIES = ("addict", "post_rehab")
PERSON_STATUSES = ("rehab_home", "rehab_facility", "rehab_compulsory", "methadone",
                   "no_treatment", "prison", "moved_away", "deceased")

VENUE_KINDS = ("karaoke", "guesthouse", "hotel", "bar", "internet_cafe", "massage", "other")
INCIDENT_KINDS = ("violation", "arrest", "cultivation", "production", "use_site", "fugitive")
PERSON_INCIDENTS = ("violation", "arrest", "fugitive")  # each is about people
OUTREACH_KINDS = ("broadcast", "post", "school_session", "individual_visit",
                  "respected_person", "meeting")
SCHOOL_LEVELS = ("primary", "lower_secondary", "upper_secondary", "other")
BOX_STATUSES = ("working", "broken", "removed")

# The record schema's choice lists that are vocabularies of this module.
CHOICE_LISTS: dict[str, tuple[str, ...]] = {
    "category": PERSON_CATEGORIES, "status": PERSON_STATUSES, "venue_kind": VENUE_KINDS,
    "incident_kind": INCIDENT_KINDS, "outreach_kind": OUTREACH_KINDS,
    "school_level": SCHOOL_LEVELS, "box_status": BOX_STATUSES,
}


def keyed_by(vocabulary: tuple[str, ...], values: dict[str, V]) -> dict[str, V]:
    """``values`` (a label, a letter, a number… per key) in the order of ``vocabulary``;
    an error unless it has exactly its keys (a key added on one side only must not pass
    silently). The one sanctioned way to write a vocabulary's keys outside this module.

    >>> keyed_by(("a", "b"), {"b": "B", "a": "A"})
    {'a': 'A', 'b': 'B'}
    >>> keyed_by(("a", "b"), {"a": "A"})
    Traceback (most recent call last):
    ValueError: keys ['a'] do not match the vocabulary ['a', 'b']
    """
    if set(values) != set(vocabulary) or len(values) != len(vocabulary):
        raise ValueError(f"keys {sorted(values)} do not match the vocabulary "
                         f"{sorted(vocabulary)}")
    return {key: values[key] for key in vocabulary}
