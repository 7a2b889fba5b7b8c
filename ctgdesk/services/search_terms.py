"""How a text is searched: one rule for every search field and the search of the whole base.

A text and a query are compared without case, accents, hyphens or apostrophes
("Hénin-Carvin" = "henin carvin", "d'élus" = "d elus"), every word of the query somewhere in
the text. The CTG world's abbreviations count both ways (resources/search/abbreviations.toml):
the searchable form of « Comité de pilotage CTG » also holds "copil", that of « GT jeunesse »
also holds "groupe thematique" — so "copil", "COPIL" and "comité de pilotage" find the same
meetings.

No Qt and no SQLAlchemy here: the tables' search texts are made with it at start-up.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from ctgdesk.resources import resource_path
from ctgdesk.services.parsing import fold

_SEPARATORS = re.compile(r"[-‐‑‒–—'’ʼ`´_/.,;:()«»\"]+")


def normalise(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, single spaces."""
    return fold(_SEPARATORS.sub(" ", text))  # fold makes the spaces single


@lru_cache(maxsize=1)
def abbreviations() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(abbreviation, spellings in full), normalised, from the resource file."""
    with resource_path("search", "abbreviations.toml").open("rb") as handle:
        table = tomllib.load(handle)["abbreviations"]
    return tuple((normalise(short), tuple(normalise(full) for full in fulls)) for short, fulls in table.items())


@lru_cache(maxsize=1)
def _lookup() -> tuple[dict[str, str], dict[str, str], re.Pattern]:
    """short → its full spellings joined; full spelling → its short; one pattern finding every
    full spelling as whole words (one pass over a text instead of one test per spelling)."""
    expansions = {short: " ".join(fulls) for short, fulls in abbreviations()}
    shorts = {full: short for short, fulls in abbreviations() for full in fulls}
    alternatives = "|".join(re.escape(full) for full in sorted(shorts, key=len, reverse=True))
    return expansions, shorts, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def search_text(text: str) -> str:
    """The searchable form of a text: normalised, followed by the other form of every
    abbreviation it holds (the full spelling of "COPIL", the abbreviation of "comité technique")."""
    base = normalise(text)
    if not base:
        return base
    expansions, shorts, fulls = _lookup()
    extra = [expansions[word] for word in set(base.split()) & expansions.keys()]
    extra += [shorts[found] for found in set(fulls.findall(base))]
    return f"{base} {' '.join(extra)}" if extra else base


def query_words(query: str) -> list[str]:
    """The words of what was typed, normalised the way texts are."""
    return normalise(query).split()


def matches(searchable: str, words: list[str]) -> bool:
    """Every word of the query somewhere in a text made by search_text()."""
    return all(word in searchable for word in words)


def text_matches(text: str, query: str) -> bool:
    """The rule in one call (for a few texts; tables keep search_text() per row)."""
    return matches(search_text(text), query_words(query))
