"""Conventions, their signatories, communes and structures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctgdesk.models import (
    Attendance,
    Convention,
    EtpAllocation,
    Organisation,
    OrganisationKind,
    Signatory,
)
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import name_key, validate_insee
from ctgdesk.services.records import apply, get_or_fail, optional_text, required_text

MAX_CONVENTION_YEARS = 10


# --- conventions ------------------------------------------------------------------------

def _check_years(first_year: int, last_year: int) -> None:
    for value, field in ((first_year, "first_year"), (last_year, "last_year")):
        if not isinstance(value, int) or not 1990 <= value <= 2100:
            raise ValidationError(f"L'année « {value} » n'est pas une année valable.", field)
    if last_year < first_year:
        raise ValidationError(
            f"La dernière année ({last_year}) précède la première ({first_year}).", "last_year"
        )
    if last_year - first_year + 1 > MAX_CONVENTION_YEARS:
        raise ValidationError(
            f"Une convention de {last_year - first_year + 1} ans ? {MAX_CONVENTION_YEARS} ans au plus.",
            "last_year",
        )


def create_convention(
    session: Session, *, name: str, territory: str, first_year: int, last_year: int,
    signed_on: date | None = None, notes: str = "",
) -> Convention:
    _check_years(first_year, last_year)
    convention = Convention(
        name=required_text(name, "Le nom de la convention", "name"),
        territory=required_text(territory, "Le territoire", "territory"),
        first_year=first_year, last_year=last_year, signed_on=signed_on, notes=notes or "",
    )
    session.add(convention)
    session.flush()
    return convention


def update_convention(session: Session, convention_id: int, **fields) -> Convention:
    convention = get_or_fail(session, Convention, convention_id, "La convention")
    _check_years(fields.get("first_year", convention.first_year), fields.get("last_year", convention.last_year))
    if "name" in fields:
        fields["name"] = required_text(fields["name"], "Le nom de la convention", "name")
    apply(convention, fields, {"name", "territory", "first_year", "last_year", "signed_on", "notes"})
    session.flush()
    return convention


def conventions(session: Session) -> list[Convention]:
    return list(session.scalars(select(Convention).order_by(Convention.first_year)))


def convention_for_year(session: Session, year: int) -> Convention | None:
    return session.scalar(
        select(Convention).where(Convention.first_year <= year, Convention.last_year >= year)
        .order_by(Convention.first_year.desc()).limit(1)
    )


def add_signatory(
    session: Session, convention_id: int, organisation_id: int, *, representative: str = "",
    logo: bytes | None = None, logo_filename: str | None = None,
) -> Signatory:
    convention = get_or_fail(session, Convention, convention_id, "La convention")
    get_or_fail(session, Organisation, organisation_id, "L'organisation")
    signatory = Signatory(
        organisation_id=organisation_id, representative=representative or "",
        position=len(convention.signatories), logo=logo, logo_filename=logo_filename,
    )
    convention.signatories.append(signatory)
    session.flush()
    return signatory


def set_signatory_logo(session: Session, signatory_id: int, logo: bytes | None, filename: str | None) -> None:
    signatory = get_or_fail(session, Signatory, signatory_id, "Le signataire")
    if logo is not None and not (logo.startswith(b"\x89PNG") or logo.startswith(b"\xff\xd8")):
        raise ValidationError("Le logo doit être une image PNG ou JPEG.", "logo")
    signatory.logo, signatory.logo_filename = logo, filename
    session.flush()


# --- organisations ----------------------------------------------------------------------

ORGANISATION_FIELDS = {
    "name", "kind", "insee_code", "population", "parent_id", "deliberation_date",
    "engagement_signed", "engagement_date", "notes",
}


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    kind: OrganisationKind
    insee_code: str | None
    population: int | None
    deliberation_date: date | None
    engagement_signed: bool
    engagement_date: date | None
    parent_name: str | None

    @property
    def engagement_label(self) -> str:
        if self.kind is not OrganisationKind.COMMUNE:
            return ""
        if self.engagement_signed:
            return "Fiche d'engagement signée"
        if self.deliberation_date:
            return "Délibération prise"
        return "Non engagée"


def _clean_organisation(session: Session, fields: dict, current: Organisation | None) -> dict:
    if "name" in fields:
        fields["name"] = required_text(fields["name"], "Le nom", "name")
    if "kind" in fields:
        try:
            fields["kind"] = OrganisationKind(fields["kind"])
        except ValueError:
            raise ValidationError(f"Type d'organisation inconnu : « {fields['kind']} ».", "kind") from None
    if "insee_code" in fields:
        fields["insee_code"] = validate_insee(fields["insee_code"])
        code = fields["insee_code"]
        if code:
            other = session.scalar(select(Organisation).where(Organisation.insee_code == code))
            if other is not None and other is not current:
                raise ValidationError(f"Le code INSEE {code} est déjà celui de « {other.name} ».", "insee_code")
    if fields.get("population") is not None and fields["population"] < 0:
        raise ValidationError("La population ne peut pas être négative.", "population")
    if "notes" in fields:
        fields["notes"] = optional_text(fields["notes"], "La note", "notes", max_length=10_000)
    kind = fields.get("kind", current.kind if current else None)
    if kind is not OrganisationKind.COMMUNE and fields.get("insee_code"):
        raise ValidationError("Seule une commune a un code INSEE de commune.", "insee_code")
    signed = fields.get("engagement_signed", current.engagement_signed if current else False)
    if signed and kind is not OrganisationKind.COMMUNE:
        raise ValidationError("La fiche d'engagement concerne les communes.", "engagement_signed")
    return fields


def create_organisation(session: Session, *, name: str, kind: OrganisationKind | str, **fields) -> Organisation:
    fields = _clean_organisation(session, {"name": name, "kind": kind, **fields}, None)
    unknown = set(fields) - ORGANISATION_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    organisation = Organisation(**{"engagement_signed": False, "notes": "", **fields})
    session.add(organisation)
    session.flush()
    return organisation


def update_organisation(session: Session, organisation_id: int, **fields) -> Organisation:
    organisation = get_or_fail(session, Organisation, organisation_id, "L'organisation")
    fields = _clean_organisation(session, dict(fields), organisation)
    apply(organisation, fields, ORGANISATION_FIELDS)
    session.flush()
    return organisation


def delete_organisation(session: Session, organisation_id: int) -> None:
    organisation = get_or_fail(session, Organisation, organisation_id, "L'organisation")
    uses = {
        ("allocation d'ETP", "allocations d'ETP"): session.scalar(
            select(func.count()).select_from(EtpAllocation).where(EtpAllocation.organisation_id == organisation_id)
        ),
        ("présence en réunion", "présences en réunion"): session.scalar(
            select(func.count()).select_from(Attendance).where(Attendance.organisation_id == organisation_id)
        ),
        ("convention signée", "conventions signées"): session.scalar(
            select(func.count()).select_from(Signatory).where(Signatory.organisation_id == organisation_id)
        ),
    }
    used = [f"{count} {one if count == 1 else many}" for (one, many), count in uses.items() if count]
    if used:
        raise ValidationError(
            f"« {organisation.name} » ne peut pas être supprimée : elle a {', '.join(used)}."
        )
    session.delete(organisation)
    session.flush()


def list_organisations(session: Session, kinds: set[OrganisationKind] | None = None) -> list[OrganisationRow]:
    parent = Organisation.__table__.alias("parent")
    query = (
        select(Organisation, parent.c.name)
        .outerjoin(parent, parent.c.id == Organisation.parent_id)
        .order_by(Organisation.name)
    )
    if kinds:
        query = query.where(Organisation.kind.in_(kinds))
    return [
        OrganisationRow(
            id=o.id, name=o.name, kind=o.kind, insee_code=o.insee_code, population=o.population,
            deliberation_date=o.deliberation_date, engagement_signed=o.engagement_signed,
            engagement_date=o.engagement_date, parent_name=parent_name,
        )
        for o, parent_name in session.execute(query)
    ]


def find_organisation(session: Session, name: str) -> Organisation | None:
    """Match by name ignoring case, accents, hyphens and spaces."""
    key = name_key(name)
    for organisation in session.scalars(select(Organisation)):
        if name_key(organisation.name) == key:
            return organisation
    return None
