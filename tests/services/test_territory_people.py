from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctgdesk.models import OrganisationKind
from ctgdesk.services import etp, people, territory
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import name_key, parse_date, validate_insee


@pytest.mark.parametrize("code,expected", [("62427", "62427"), ("2a004", "2A004"), ("1053", "01053"), ("", None)])
def test_insee_codes_are_normalised(code, expected):
    assert validate_insee(code) == expected


@pytest.mark.parametrize("code", ["624", "624270", "ABCDE", "62-42", "2C004"])
def test_bad_insee_codes_are_refused(code):
    with pytest.raises(ValidationError, match="code INSEE"):
        validate_insee(code)


def test_duplicate_insee_names_the_other_commune(session):
    territory.create_organisation(session, name="Carvin", kind=OrganisationKind.COMMUNE, insee_code="62215")
    with pytest.raises(ValidationError, match="déjà celui de « Carvin »"):
        territory.create_organisation(session, name="Autre", kind=OrganisationKind.COMMUNE, insee_code="62215")


def test_engagement_is_for_communes_only(session):
    with pytest.raises(ValidationError) as error:
        territory.create_organisation(session, name="Caf", kind=OrganisationKind.CAF, engagement_signed=True)
    assert error.value.field == "engagement_signed"


def test_organisation_with_allocations_cannot_be_deleted(session):
    territory.create_convention(session, name="CTG", territory="T", first_year=2026, last_year=2030)
    org = territory.create_organisation(session, name="Carvin", kind=OrganisationKind.COMMUNE)
    etp.set_allocation(session, org.id, 2026, "0,5")
    with pytest.raises(ValidationError, match="1 allocation d'ETP"):
        territory.delete_organisation(session, org.id)


def test_find_organisation_ignores_case_accents_hyphens_spaces(session):
    org = territory.create_organisation(session, name="Bruay-La-Buissière", kind=OrganisationKind.COMMUNE)
    assert territory.find_organisation(session, "Bruay-la- Buissière") is org
    assert territory.find_organisation(session, "bruay la buissiere") is org
    assert territory.find_organisation(session, "Bruay") is None


@given(st.text(max_size=40))
def test_name_key_is_idempotent(text):
    assert name_key(name_key(text)) == name_key(text)


@given(st.lists(st.sampled_from(["saint", "Étienne", "lès", "Lens", "-", " ", "'", "Bruay", "LA"]), max_size=8))
def test_name_key_ignores_case_accents_hyphens_and_spaces(words):
    text = " ".join(words)
    variants = [text.upper(), text.replace("-", " "), text.replace(" ", ""), text.replace("É", "E").replace("è", "e")]
    assert {name_key(v) for v in variants} == {name_key(text)}


def test_convention_years_are_checked(session):
    with pytest.raises(ValidationError, match="précède"):
        territory.create_convention(session, name="X", territory="T", first_year=2030, last_year=2026)


def test_person_email_is_checked(session):
    with pytest.raises(ValidationError) as error:
        people.create_person(session, last_name="Dupont", email="pas-une-adresse")
    assert error.value.field == "email"


def test_a_person_is_coordinator_once(session):
    person = people.create_person(session, first_name="Marie", last_name="Dupont")
    people.create_coordinator(session, person.id)
    with pytest.raises(ValidationError, match="déjà"):
        people.create_coordinator(session, person.id)
    assert people.find_coordinator(session, "dupont marie").person is person


def test_dates_in_french_format(session):
    from datetime import date

    assert parse_date("12/01/2026") == date(2026, 1, 12)
    with pytest.raises(ValidationError, match="jj/mm/aaaa"):
        parse_date("32/13/2026")
