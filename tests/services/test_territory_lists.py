"""The Territoire page's lists read with plain columns give what the ORM objects say: signatories
in their order, logos counted (never loaded), perimeters counted, parents named."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ctgdesk.models import Convention, Organisation, OrganisationKind
from ctgdesk.services import territory
from ctgdesk.services.territory import ConventionRow, OrganisationRow
from tests.bilan.territory import png_bytes


def orm_conventions(session) -> list[ConventionRow]:
    session.expire_all()
    rows = []
    for c in session.scalars(select(Convention).order_by(Convention.first_year)):
        ordered = sorted(c.signatories, key=lambda s: (s.position, s.id))
        rows.append(ConventionRow(c.id, c.name, c.territory, c.first_year, c.last_year, c.signed_on,
                                  ", ".join(s.organisation.name for s in ordered), len(c.perimeter),
                                  sum(1 for s in c.signatories if s.logo), len(c.signatories)))
    return rows


def orm_organisations(session, kinds=None) -> list[OrganisationRow]:
    return [
        OrganisationRow(o.id, o.name, o.kind, o.insee_code, o.population, o.deliberation_date, o.engagement_signed,
                        o.engagement_date, session.get(Organisation, o.parent_id).name if o.parent_id else None)
        for o in session.scalars(select(Organisation).order_by(Organisation.name))
        if not kinds or o.kind in kinds
    ]


def test_conventions_and_organisations_match_the_orm(session):
    def org(name, kind, **fields):
        return territory.create_organisation(session, name=name, kind=kind, **fields).id

    cc = org("CC du Ternois", OrganisationKind.EPCI)
    caf = org("Caf du Pas-de-Calais", OrganisationKind.CAF)
    communes = [org(name, OrganisationKind.COMMUNE, parent_id=cc, population=population, insee_code=insee,
                    deliberation_date=date(2025, 2, 1) if population > 2000 else None)
                for name, population, insee in (("Frévent", 3500, "62361"), ("Hesdin", 2100, "62447"),
                                                ("Auxi-le-Château", 1800, "62060"))]
    old = territory.create_convention(session, name="CTG 1", territory="Ternois", first_year=2020, last_year=2024)
    new = territory.create_convention(session, name="CTG 2", territory="Ternois", first_year=2025, last_year=2029,
                                      signed_on=date(2025, 3, 4))
    territory.create_convention(session, name="CTG vide", territory="Ternois", first_year=2030, last_year=2030)
    first = territory.add_signatory(session, new.id, caf, logo=png_bytes(), logo_filename="caf.png")
    territory.add_signatory(session, new.id, cc, logo=png_bytes(20, 10), logo_filename="cc.png")
    territory.add_signatory(session, new.id, communes[0])
    territory.move_signatory(session, first.id, 2)
    territory.set_signatory_logo(session, first.id, None, None)
    territory.add_signatory(session, old.id, cc)
    territory.set_perimeter(session, new.id, communes)
    territory.set_perimeter(session, old.id, communes[:1])

    rows = territory.list_conventions(session)
    assert [(r.name, r.signatories, r.perimeter, r.logos, r.signatory_count) for r in rows] == [
        ("CTG 1", "CC du Ternois", 1, 0, 1),
        ("CTG 2", "CC du Ternois, Frévent, Caf du Pas-de-Calais", 3, 1, 3),
        ("CTG vide", "", 0, 0, 0),
    ]
    assert rows == orm_conventions(session)
    assert territory.list_organisations(session) == orm_organisations(session)
    only_communes = territory.list_organisations(session, {OrganisationKind.COMMUNE})
    assert [(r.name, r.parent_name) for r in only_communes] == [
        ("Auxi-le-Château", "CC du Ternois"), ("Frévent", "CC du Ternois"), ("Hesdin", "CC du Ternois")]
    assert only_communes == orm_organisations(session, {OrganisationKind.COMMUNE})
