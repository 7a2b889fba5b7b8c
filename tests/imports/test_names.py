"""Matching names the way coordinators type them: no case, accents, hyphens or spaces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ctgdesk.exchange.readers import header_key
from ctgdesk.models import OrganisationKind
from ctgdesk.services.imports.matching import clean_name, guess_kind, split_names, split_person_name
from ctgdesk.services.parsing import name_key

FRENCH_LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæ"
UNACCENTED = {"à": "a", "â": "a", "ä": "a", "ç": "c", "é": "e", "è": "e", "ê": "e", "ë": "e", "î": "i",
              "ï": "i", "ô": "o", "ö": "o", "ù": "u", "û": "u", "ü": "u", "ÿ": "y"}
names = st.text(alphabet=FRENCH_LETTERS + FRENCH_LETTERS.upper() + " -'", min_size=1, max_size=40)


@given(names)
def test_name_key_is_idempotent(name):
    assert name_key(name_key(name)) == name_key(name)


@given(names)
def test_name_key_ignores_case(name):
    assert name_key(name.upper()) == name_key(name.lower()) == name_key(name)


@given(names)
def test_name_key_ignores_accents(name):
    def unaccent(c: str) -> str:
        base = UNACCENTED.get(c.lower())
        return c if base is None else base.upper() if c.isupper() else base

    plain = "".join(unaccent(c) for c in name)
    assert all(c not in plain.lower() for c in UNACCENTED)
    assert name_key(plain) == name_key(name)


@given(names, st.lists(st.tuples(st.integers(min_value=0, max_value=40), st.sampled_from([" ", "-", "  ", " - ", "'"]))))
def test_name_key_ignores_spaces_and_hyphens(name, insertions):
    changed = name
    for position, separator in insertions:
        position = min(position, len(changed))
        changed = changed[:position] + separator + changed[position:]
    assert name_key(changed) == name_key(name)


@given(names)
def test_header_key_agrees_with_name_key(name):
    assert header_key(name) == name_key(name)


def test_the_spellings_conventions_use():
    assert name_key("Bruay-la- Buissière") == name_key("Bruay-La-Buissière") == name_key("BRUAY LA BUISSIERE")
    assert name_key("Hénin-Beaumont") != name_key("Hénin")


def test_guess_kind_from_the_first_words():
    assert guess_kind("CCAS de Liévin") is OrganisationKind.AUTRE
    assert guess_kind("Centre social et culturel Agora") is OrganisationKind.CENTRE_SOCIAL
    assert guess_kind("SIVOM du Bruaysis") is OrganisationKind.SIVOM
    assert guess_kind("Association Les Familles") is OrganisationKind.ASSOCIATION
    assert guess_kind("CC du Haut Pays du Montreuillois") is OrganisationKind.EPCI
    assert guess_kind("Communauté d'agglomération de Lens-Liévin") is OrganisationKind.EPCI
    assert guess_kind("Caserne") is OrganisationKind.COMMUNE  # a prefix of a word is not enough
    assert guess_kind("Carvin") is OrganisationKind.COMMUNE


def test_splitting_names():
    assert split_names("DUPONT Marie, MARTIN Paul ;Léa Roux\nJean  Petit et Anne Chef") == [
        "DUPONT Marie", "MARTIN Paul", "Léa Roux", "Jean Petit", "Anne Chef"]
    assert split_names("") == []
    assert split_person_name("DUPONT Marie") == ("Marie", "DUPONT")
    assert split_person_name("Marie-Claire DE LA TOUR") == ("Marie-Claire", "DE LA TOUR")
    assert split_person_name("Dupont Marie", last_name_first=True) == ("Marie", "Dupont")
    assert split_person_name("Marie Dupont") == ("Marie", "Dupont")
    assert split_person_name("Dupont") == ("", "Dupont")


def test_clean_name_joins_loose_hyphens_only():
    assert clean_name(" Bruay-la- Buissière ") == "Bruay-la-Buissière"
    assert clean_name("Hénin -Beaumont") == "Hénin-Beaumont"
    assert clean_name("Centre social - Les Mines") == "Centre social - Les Mines"


@given(names)
def test_clean_name_keeps_the_name_key(name):
    assert name_key(clean_name(name)) == name_key(name)
