"""ETP rules: not negative, a person at most 1,0 ETP a year, years within a convention."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from ctgdesk.models import EtpAllocation, EtpShare, EtpStatus, OrganisationKind
from ctgdesk.services import etp, people, territory
from ctgdesk.services.errors import ValidationError


@pytest.fixture
def world(db):
    with db.transaction() as s:
        territory.create_convention(s, name="CTG 2", territory="Agglo", first_year=2026, last_year=2030)
        territory.create_convention(s, name="CTG 1", territory="Agglo", first_year=2022, last_year=2025)
        auchy = territory.create_organisation(s, name="Auchy-les-Mines", kind=OrganisationKind.COMMUNE, insee_code="62051")
        douvrin = territory.create_organisation(s, name="Douvrin", kind=OrganisationKind.COMMUNE, insee_code="62276")
        marie = people.create_coordinator(s, people.create_person(s, first_name="Marie", last_name="Dupont").id)
        paul = people.create_coordinator(s, people.create_person(s, first_name="Paul", last_name="Martin").id)
        ids = dict(auchy=auchy.id, douvrin=douvrin.id, marie=marie.id, paul=paul.id)
    return ids


def _allocations(db):
    with db.transaction() as s:
        return sorted(
            (a.organisation_id, a.year, a.etp, a.status, tuple(sorted((x.coordinator_id, x.etp) for x in a.shares)))
            for a in s.scalars(select(EtpAllocation))
        )


def test_allocation_with_people_as_conventions_print_it(db, world):
    with db.transaction() as s:
        etp.set_allocation(s, world["auchy"], 2026, "0,40", people_count=2,
                           shares=[etp.ShareInput(world["marie"]), etp.ShareInput(world["paul"])])
    with db.transaction() as s:
        grid = etp.etp_grid(s, [2026])
        cell = grid.rows[0].cells[2026]
        assert (grid.rows[0].name, cell.etp, cell.people_count, cell.people) == (
            "Auchy-les-Mines", Decimal("0.400"), 2, ("Marie Dupont", "Paul Martin"))
        assert cell.text == "0,40"


def test_negative_etp_is_refused_and_nothing_changes(db, world):
    with db.transaction() as s:
        etp.set_allocation(s, world["auchy"], 2026, "0,40")
    before = _allocations(db)
    with pytest.raises(ValidationError) as error:
        with db.transaction() as s:
            etp.set_allocation(s, world["auchy"], 2026, "-0,2")
    assert "négatif" in error.value.message and error.value.field == "etp"
    assert _allocations(db) == before


def test_person_above_one_etp_in_a_year_is_refused_with_name_year_total(db, world):
    with db.transaction() as s:
        etp.set_allocation(s, world["auchy"], 2026, "0,80", shares=[etp.ShareInput(world["marie"], "0,80")])
    before = _allocations(db)
    with pytest.raises(ValidationError) as error:
        with db.transaction() as s:
            etp.set_allocation(s, world["douvrin"], 2026, "0,40", shares=[etp.ShareInput(world["marie"], "0,40")])
    assert error.value.message == "Marie Dupont dépasserait 1,00 ETP en 2026 (total 1,20 ETP)."
    assert _allocations(db) == before


def test_same_person_other_year_is_counted_apart(db, world):
    with db.transaction() as s:
        etp.set_allocation(s, world["auchy"], 2026, "0,80", shares=[etp.ShareInput(world["marie"], "0,80")])
        etp.set_allocation(s, world["douvrin"], 2025, "0,80", shares=[etp.ShareInput(world["marie"], "0,80")])
        assert etp.coordinator_total(s, world["marie"], 2026) == Decimal("0.8")


def test_replacing_an_allocation_does_not_count_its_old_share(db, world):
    with db.transaction() as s:
        etp.set_allocation(s, world["auchy"], 2026, "0,80", shares=[etp.ShareInput(world["marie"], "0,80")])
        etp.set_allocation(s, world["auchy"], 2026, "1", shares=[etp.ShareInput(world["marie"], "1")])
        assert etp.coordinator_total(s, world["marie"], 2026) == Decimal("1")


def test_year_outside_every_convention_is_refused(db, world):
    with pytest.raises(ValidationError) as error:
        with db.transaction() as s:
            etp.set_allocation(s, world["auchy"], 2031, "0,40")
    assert "2031" in error.value.message and "CTG 2" in error.value.message


def test_shares_above_the_allocation_are_refused(db, world):
    with pytest.raises(ValidationError, match="somme des parts"):
        with db.transaction() as s:
            etp.set_allocation(s, world["auchy"], 2026, "0,40",
                               shares=[etp.ShareInput(world["marie"], "0,30"), etp.ShareInput(world["paul"], "0,20")])


def test_en_cours_is_a_status_not_a_number(db, world):
    with db.transaction() as s:
        allocation = etp.set_allocation(s, world["auchy"], 2026, "En cours")
        assert (allocation.etp, allocation.status) == (None, EtpStatus.PENDING)
        etp.set_allocation(s, world["douvrin"], 2026, "0,28")
        grid = etp.etp_grid(s, [2026])
        assert grid.column_total(2026) == Decimal("0.28")
        assert grid.pending_count(2026) == 1


def test_ctg1_to_ctg2_evolution(db, world):
    with db.transaction() as s:
        etp.set_allocation(s, world["auchy"], 2025, "0,40")
        etp.set_allocation(s, world["auchy"], 2026, "0,60")
        etp.set_allocation(s, world["douvrin"], 2025, "0,40")
        etp.set_allocation(s, world["douvrin"], 2026, "0,40")
        rows = {r.name: r.evolution for r in etp.compare_years(s, 2025, 2026)}
    assert rows == {"Auchy-les-Mines": etp.Evolution.UP, "Douvrin": etp.Evolution.STABLE}
    assert etp.Evolution.UP.arrow == "↗" and etp.Evolution.DOWN.arrow == "↘" and etp.Evolution.STABLE.arrow == "→"


def test_coordinator_loads(db, world):
    with db.transaction() as s:
        etp.set_allocation(s, world["auchy"], 2026, "0,40", shares=[etp.ShareInput(world["marie"], "0,40")])
        etp.set_allocation(s, world["douvrin"], 2026, "0,50", shares=[etp.ShareInput(world["marie"], "0,50")])
        loads = etp.coordinator_loads(s, 2026)
    assert [(l.name, l.total, l.structures, l.over_allocated) for l in loads] == [
        ("Marie Dupont", Decimal("0.9"), ("Auchy-les-Mines", "Douvrin"), False)]


@given(st.decimals(min_value=Decimal("-100"), max_value=Decimal("100"), places=3, allow_nan=False))
def test_parse_etp_accepts_exactly_the_non_negative_values(value):
    text = str(value).replace(".", ",")
    if value < 0 or value > etp.MAX_ETP_PER_ALLOCATION:
        with pytest.raises(ValidationError):
            etp.parse_etp(text)
    else:
        assert etp.parse_etp(text) == (value.quantize(Decimal("0.001")), EtpStatus.FIXED)


@pytest.mark.parametrize("text", ["abc", "0,4,0", "1e5x", "--1"])
def test_parse_etp_rejects_garbage_in_french(text):
    with pytest.raises(ValidationError, match="n'est pas un nombre"):
        etp.parse_etp(text)


def test_shares_are_stored_per_person(db, world):
    with db.transaction() as s:
        etp.set_allocation(s, world["auchy"], 2026, "0,40", shares=[etp.ShareInput(world["marie"], "0,25"),
                                                                   etp.ShareInput(world["paul"])])
        shares = {x.coordinator_id: x.etp for x in s.scalars(select(EtpShare))}
    assert shares == {world["marie"]: Decimal("0.250"), world["paul"]: None}


def test_comparison_years_default_to_the_year_shown_and_the_one_before():
    from ctgdesk.services.etp import comparison_years

    years = [2021, 2023, 2024, 2026]
    assert comparison_years(years, 2026, None, None) == (2024, 2026)  # the year before with data
    assert comparison_years(years, 2024, 2021, None) == (2021, 2024)  # the user's earlier year kept
    assert comparison_years(years, 2026, 2024, 2023) == (2024, 2023)  # both chosen: as chosen
    assert comparison_years(years, 2026, 2026, None) == (2024, 2026)  # not a year against itself
    assert comparison_years(years, 2021, None, None) == (None, 2021)  # nothing earlier
    assert comparison_years(years, 2026, 2019, 2030) == (2024, 2026)  # choices no longer in the list


def test_people_count_is_at_least_the_coordinators_named():
    from ctgdesk.services.etp import derived_people_count

    assert derived_people_count(1, 2) == 2  # two ticked is two people
    assert derived_people_count(3, 2) == 3  # the convention counts one more, not in the base
    assert derived_people_count(None, 2) == 2
    assert derived_people_count(None, 0) is None and derived_people_count(0, 0) is None


def test_the_grid_totals_each_year_never_two_years_together(demo_db):
    from decimal import Decimal

    from ctgdesk.services import etp

    with demo_db.transaction() as s:
        grid = etp.etp_grid(s, [2025, 2026])
    carvin = next(r for r in grid.rows if r.name == "Carvin")
    assert carvin.total(2025) == Decimal("0.60") and carvin.total(2026) == Decimal("0.80")
    totals = grid.totals_per_year()
    assert set(totals) == {2025, 2026}
    for year in (2025, 2026):
        assert totals[year] == sum((r.cells[year].etp for r in grid.rows
                                    if year in r.cells and r.cells[year].etp is not None), Decimal(0))
