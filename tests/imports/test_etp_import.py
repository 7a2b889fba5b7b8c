"""The ETP table of a convention's annex, imported in one step."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ctgdesk.models import Coordinator, EtpAllocation, EtpShare, EtpStatus, Organisation, OrganisationKind
from ctgdesk.services import etp as etp_service
from ctgdesk.services import territory
from ctgdesk.services.imports import Outcome, run_import
from tests.imports.helpers import dump, write_csv, write_xlsx

HEADER = ["Commune / structure", "ETP", "Nombre de personnes", "Nom prénom",
          "ETP", "Nombre de personnes", "Nom prénom"]

# (name, CTG 1 ETP, CTG 1 people, CTG 1 names, CTG 2 ETP, CTG 2 people, CTG 2 names), typed as in an annex.
ANNEX_ROWS = [
    ["Bruay-la- Buissière", "1,00", 2, "DUPONT Marie, MARTIN Paul", "1,20", 2, "DUPONT Marie, MARTIN Paul"],
    ["Divion", "0,40", 1, "LEROY Sophie", "0,50", 1, "LEROY Sophie"],
    ["Houdain", "0,25", 1, "LEROY Sophie", "0,25", 1, "LEROY Sophie"],
    ["Calonne-Ricouart", "0.3", 1, "PETIT Julien", "0,35", 1, "PETIT Julien"],
    ["Marles-les-Mines", "0,20", 1, "PETIT Julien", "0,20", 1, "PETIT Julien"],
    ["Auchel", "0,50", 1, "GARCIA Nadia", "0,60", 1, "GARCIA Nadia"],
    ["Lillers", 1, 1, "ROUX Thomas", 1, 1, "ROUX Thomas"],
    ["Burbure", "0,10", 1, "ROUX Thomas", "0,15", 1, "GARCIA Nadia"],
    ["Haillicourt", "0,30", 1, "MOREAU Claire", "0,30", 1, "MOREAU Claire"],
    ["Ruitz", None, None, None, "0,20", 1, "MOREAU Claire"],
    ["Barlin", "0,45", 1, "FOURNIER Luc", "0,45", 1, "FOURNIER Luc"],
    ["Hersin-Coupigny", "0,35", 1, "FOURNIER Luc", "En cours", None, None],
    ["CCAS de Bruay-La-Buissière", "0,50", 1, "BLANC Amina", "0,50", 1, "BLANC Amina"],
    ["Centre social Les Mines", "0,30", 1, "BLANC Amina", "0,40", 1, "BLANC Amina"],
    ["SIVOM de la Communauté du Bruaysis", "0,80", 1, "GIRARD Hugo", "0,80", 1, "GIRARD Hugo"],
    ["Association Familles Rurales", "0,15", 1, "GIRARD Hugo", "0,20", 1, "GIRARD Hugo"],
    ["Ourton", "0,05", None, None, "0,05", 1, "DUPONT Marie"],
    ["Beugin", "0,05", None, None, "0,05", 1, "DUPONT Marie"],
    ["Communauté d'agglomération Béthune-Bruay", "2", 3, "CHEF Anne, BONNET Eric, LAMBERT Zoé",
     "2,25", 3, "CHEF Anne, BONNET Eric, LAMBERT Zoé"],
]
TOTAL_2025 = Decimal("8.70")
TOTAL_2026 = Decimal("9.45")


def annex_rows(total_2026: str = "9,45") -> list[list]:
    return [
        ["ANNEXE 4 — Moyens de coordination de la CTG"],
        [],
        [None, "CTG 1 (2021-2025)", None, None, "CTG 2 (2026-2030)"],
        HEADER,
        *[list(r) for r in ANNEX_ROWS],
        ["TOTAL", "8,7", 19, None, total_2026, 21, None],
    ]


def test_annex_with_19_structures_imports_in_one_step(db, tmp_path):
    assert sum(Decimal(str(r[1]).replace(",", ".")) for r in ANNEX_ROWS if r[1]) == TOTAL_2025
    with db.transaction() as session:
        territory.create_organisation(session, name="Bruay-La-Buissière", kind="commune", insee_code="62178")
    path = write_xlsx(tmp_path / "annexe4.xlsx", annex_rows(), sheet="Annexe 4")

    report = run_import(db, "etp", path, year=2026, previous_year=2025)

    assert report.errors == [], report.text()
    assert report.committed
    with db.session() as session:
        grid = etp_service.etp_grid(session, [2025, 2026])
        assert grid.column_total(2026) == TOTAL_2026
        assert grid.column_total(2025) == TOTAL_2025
        assert grid.pending_count(2026) == 1
        assert session.scalar(select(func.count()).select_from(Organisation)) == 19
        bruay = session.scalar(select(Organisation).where(Organisation.insee_code == "62178"))
        assert bruay.name == "Bruay-La-Buissière"  # matched, not duplicated
        kinds = {o.name: o.kind for o in session.scalars(select(Organisation))}
        assert kinds["CCAS de Bruay-La-Buissière"] is OrganisationKind.AUTRE
        assert kinds["Centre social Les Mines"] is OrganisationKind.CENTRE_SOCIAL
        assert kinds["SIVOM de la Communauté du Bruaysis"] is OrganisationKind.SIVOM
        assert kinds["Association Familles Rurales"] is OrganisationKind.ASSOCIATION
        assert kinds["Communauté d'agglomération Béthune-Bruay"] is OrganisationKind.EPCI
        assert kinds["Divion"] is OrganisationKind.COMMUNE
        assert session.scalar(select(func.count()).select_from(Coordinator)) == 13
        # Shares per person unknown → etp None.
        assert session.scalar(select(func.count()).select_from(EtpShare).where(EtpShare.etp.is_not(None))) == 0
        row = {r.name: r for r in grid.rows}
        assert row["Bruay-La-Buissière"].cells[2026].people == ("Marie DUPONT", "Paul MARTIN")
        assert row["Bruay-La-Buissière"].cells[2026].etp == Decimal("1.200")
        hersin = row["Hersin-Coupigny"].cells[2026]
        assert hersin.status is EtpStatus.PENDING and hersin.etp is None
        assert 2025 not in row["Ruitz"].cells  # nothing for CTG 1: no allocation
        assert row["Calonne-Ricouart"].cells[2025].etp == Decimal("0.300")
    assert [e.what for e in report.refused].count("Ligne de total") == 1
    assert report.count(Outcome.CREATED, "Chargé·e de coopération") == 13
    assert any(e.what == "Commune" and e.name == "Bruay-La-Buissière" for e in report.matched)


def test_total_mismatch_names_the_row_and_imports_nothing(db, tmp_path):
    path = write_xlsx(tmp_path / "annexe4.xlsx", annex_rows(total_2026="9,50"), sheet="Annexe 4")
    before = dump(db)
    report = run_import(db, "etp", path, year=2026, previous_year=2025)
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error.location.row == 5 + len(ANNEX_ROWS)
    assert error.location.column == 5 and error.location.sheet == "Annexe 4"
    assert "9,50" in error.detail and "9,45" in error.detail
    assert "ligne 24" in str(error.location) and "colonne E" in str(error.location)
    assert dump(db) == before
    assert not report.committed


def test_one_bad_row_imports_nothing_and_says_which_row_and_why(db, tmp_path):
    rows = annex_rows()
    rows[4 + 6][4] = "beaucoup"  # Lillers, CTG 2
    path = write_xlsx(tmp_path / "annexe4.xlsx", rows, sheet="Annexe 4")
    before = dump(db)
    report = run_import(db, "etp", path, year=2026, previous_year=2025)
    assert [(e.location.row, e.location.column) for e in report.errors] == [(11, 5)]
    assert "« beaucoup » n'est pas un nombre" in report.errors[0].detail
    assert "Rien n'a été importé" in report.text()
    assert dump(db) == before


def test_preview_reports_everything_and_writes_nothing(db, tmp_path):
    path = write_xlsx(tmp_path / "annexe4.xlsx", annex_rows())
    before = dump(db)
    report = run_import(db, "etp", path, dry_run=True, year=2026, previous_year=2025)
    assert report.ok and not report.committed
    assert report.count(Outcome.CREATED, "Commune") == 14
    assert ("Commune", "Bruay-la-Buissière") in [(e.what, e.name) for e in report.created]  # loose hyphen joined
    assert report.count(Outcome.CREATED, "ETP 2026") == 19
    assert dump(db) == before
    assert "Aperçu" in report.headline()


def test_single_period_csv_windows_1252_with_commas(db, tmp_path):
    rows = [
        ["Commune / Structure", "ETP", "Nb de personnes", "Nom Prénom"],
        ["Hénin-Beaumont", "0,6", "1", "Élodie FRANÇOIS"],
        ["Évin-Malmaison", "0,4", "1", "Élodie FRANÇOIS"],
        ["Total", "1", "2", ""],
    ]
    path = write_csv(tmp_path / "etp.csv", rows, delimiter=",", encoding="cp1252")
    report = run_import(db, "etp", path, year=2026)
    assert report.ok, report.text()
    with db.session() as session:
        grid = etp_service.etp_grid(session, [2026])
        assert grid.column_total(2026) == Decimal("1.000")
        assert {r.name for r in grid.rows} == {"Hénin-Beaumont", "Évin-Malmaison"}
        assert grid.rows[0].cells[2026].people == ("Élodie FRANÇOIS",)


def test_existing_coordinator_is_matched_by_name_in_any_order(db, tmp_path):
    from ctgdesk.services import people

    with db.transaction() as session:
        person = people.create_person(session, last_name="Dupont", first_name="Marie")
        people.create_coordinator(session, person.id)
    path = write_csv(tmp_path / "etp.csv", [["Commune", "ETP", "Nom prénom"], ["Divion", "0,5", "marie dupont"]])
    report = run_import(db, "etp", path, year=2026)
    assert report.ok, report.text()
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Coordinator)) == 1
    assert any(e.what == "Chargé·e de coopération" for e in report.matched)


def test_year_outside_conventions_is_refused(db, tmp_path):
    with db.transaction() as session:
        territory.create_convention(session, name="CTG Artois", territory="Artois", first_year=2021, last_year=2025)
    path = write_csv(tmp_path / "etp.csv", [["Commune", "ETP"], ["Divion", "0,5"]])
    report = run_import(db, "etp", path, year=2027)
    assert len(report.errors) == 1
    assert "hors des conventions" in report.errors[0].detail
    assert report.errors[0].location.file == "etp.csv"


def test_two_periods_without_previous_year_is_a_clear_error(db, tmp_path):
    path = write_xlsx(tmp_path / "annexe.xlsx", annex_rows())
    report = run_import(db, "etp", path, year=2026)
    assert len(report.errors) == 1
    assert "deux périodes" in report.errors[0].detail and "colonnes B et E" in report.errors[0].detail


@pytest.mark.parametrize(
    ("cell", "column", "why"),
    [
        ("-0,5", 2, "négatif"),
        ("0,5", 3, "nombre entier"),  # people count "deux"
    ],
)
def test_bad_cells_are_located(db, tmp_path, cell, column, why):
    row = ["Divion", cell, "deux" if column == 3 else 1, "LEROY Sophie"]
    path = write_xlsx(tmp_path / "etp.xlsx", [["Commune / structure", "ETP", "Nombre de personnes", "Nom prénom"], row])
    report = run_import(db, "etp", path, year=2026)
    assert [(e.location.row, e.location.column) for e in report.errors] == [(2, column)]
    assert why in report.errors[0].detail


def test_same_structure_twice_is_an_error(db, tmp_path):
    path = write_csv(tmp_path / "etp.csv", [["Commune", "ETP"], ["Divion", "0,5"], ["DIVION", "0,2"]])
    report = run_import(db, "etp", path, year=2026)
    assert len(report.errors) == 1 and report.errors[0].location.row == 3
    assert "figure déjà ligne 2" in report.errors[0].detail


def test_same_person_twice_in_a_cell_goes_through_set_allocation_rule(db, tmp_path):
    path = write_csv(tmp_path / "etp.csv", [["Commune", "ETP", "Nom prénom"], ["Divion", "0,5", "LEROY Sophie, Sophie Leroy"]])
    report = run_import(db, "etp", path, year=2026)
    assert len(report.errors) == 1
    assert report.errors[0].location.column == 3
    assert "deux fois" in report.errors[0].detail


def test_reimporting_the_same_table_updates_instead_of_duplicating(db, tmp_path):
    path = write_xlsx(tmp_path / "annexe4.xlsx", annex_rows())
    assert run_import(db, "etp", path, year=2026, previous_year=2025).ok
    again = run_import(db, "etp", path, year=2026, previous_year=2025)
    assert again.ok and again.created == []
    assert again.count(Outcome.UPDATED, "ETP 2026") == 19
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(EtpAllocation)) == 18 + 19
        assert session.scalar(select(func.count()).select_from(Organisation)) == 19


def test_rows_after_the_total_and_empty_rows_are_not_imported(db, tmp_path):
    path = write_csv(tmp_path / "etp.csv", [
        ["Commune", "ETP", "Nom prénom"],
        ["Divion", "0,5", "LEROY Sophie"],
        ["Houdain", "", ""],
        ["TOTAL", "0,5", ""],
        ["* ETP financés à 50 % par la Caf", "", ""],
        ["Source : annexe 4", "1", ""],
    ])
    report = run_import(db, "etp", path, year=2026)
    assert report.ok, report.text()
    with db.session() as session:
        assert [o.name for o in session.scalars(select(Organisation))] == ["Divion"]
    assert [(e.location.row, e.detail) for e in report.refused] == [
        (3, "aucun ETP, nombre ni nom : non importée"),
        (4, "vérifiée, non importée"),
        (5, "sous la ligne TOTAL (note ?) : non importée"),
        (6, "sous la ligne TOTAL (note ?) : non importée"),
    ]


def test_a_wholly_wrong_file_lists_a_bounded_number_of_errors(db, tmp_path, monkeypatch):
    from ctgdesk.services.imports import report as report_module

    monkeypatch.setattr(report_module, "MAX_ERRORS", 3)
    path = write_csv(tmp_path / "etp.csv", [["Commune", "ETP"], *[[f"Commune {i}", "x"] for i in range(10)]])
    report = run_import(db, "etp", path, year=2026)
    assert len(report.errors) == 3 and report.more_errors == 7 and not report.ok
    assert "10 erreur(s) (les 7 dernières ne sont pas détaillées)" in report.headline()
