"""Conventions, their signatories, communes and structures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctgdesk.formatting import number
from ctgdesk.models import (
    Attendance,
    Convention,
    Enjeu,
    EtpAllocation,
    FicheAction,
    Objectif,
    Organisation,
    OrganisationKind,
    Signatory,
)
from ctgdesk.models.base import table
from ctgdesk.models.territory import convention_perimeter
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import name_key, validate_insee
from ctgdesk.services.records import apply, get_or_fail, optional_text, required_text

MAX_CONVENTION_YEARS = 10


# --- conventions ------------------------------------------------------------------------

def _check_years(first_year: int, last_year: int) -> None:
    for value, field_name in ((first_year, "first_year"), (last_year, "last_year")):
        if not isinstance(value, int) or not 1990 <= value <= 2100:
            raise ValidationError(f"L'année « {value} » n'est pas une année valable.", field_name)
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


def conventions_covering(session: Session, year: int) -> list[tuple[int, str]]:
    """(id, name) of the conventions whose years include `year`, the one that started last
    first: that one is the year's convention. (Table columns: the dashboard asks at start-up.)"""
    convention = table(Convention).c
    return [(convention_id, name) for convention_id, name in session.execute(
        select(convention.id, convention.name)
        .where(convention.first_year <= year, convention.last_year >= year)
        .order_by(convention.first_year.desc(), convention.id.desc())
    )]


def convention_for_year(session: Session, year: int) -> Convention | None:
    covering = conventions_covering(session, year)
    return session.get(Convention, covering[0][0]) if covering else None


# --- logos -----------------------------------------------------------------------------

MAX_LOGO_BYTES = 2 * 1024 * 1024
"""A logo is stored in the database and in every COPIL report: 2 Mo is plenty for one."""
MAX_LOGO_SIDE = 5000
"""Pixels on either side; a larger image is slow to embed and heavy in every PDF."""
LOGO_FILE_FILTER = "Images PNG ou JPEG (*.png *.jpg *.jpeg *.PNG *.JPG *.JPEG)"


def _megabytes(size: int) -> str:
    """3,4 Mo (mebibytes, as Windows counts them)."""
    return f"{number(round(Decimal(size) / (1024 * 1024), 1))} Mo"


def _logo_name(filename: str | None) -> str:
    return f"Le logo « {filename} »" if filename else "Le logo"


def check_logo_size(filename: str | None, size: int) -> None:
    """Refuse a file over MAX_LOGO_BYTES (the UI asks before reading a huge file)."""
    if size > MAX_LOGO_BYTES:
        raise ValidationError(
            f"{_logo_name(filename)} pèse {_megabytes(size)} : {_megabytes(MAX_LOGO_BYTES)} au plus. "
            "Réduisez l'image (ou enregistrez-la en JPEG) puis choisissez-la de nouveau.",
            "logo",
        )


def check_logo(data: bytes, filename: str | None = None) -> tuple[int, int]:
    """A logo the COPIL report can show: PNG or JPEG, 2 Mo at most, and read by reportlab
    (it is put into a throwaway PDF). Returns its width and height in pixels."""
    # reportlab and Pillow load here, when a logo is chosen: not on every start (the dashboard
    # reads this module; bench/run measured 55–80 ms).
    from ctgdesk.exchange.pdf_images import ImageTooLarge, UnreadableImage, check_pdf_image

    check_logo_size(filename, len(data))
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise ValidationError(f"{_logo_name(filename)} n'est pas une image PNG ou JPEG.", "logo")
    try:
        return check_pdf_image(data, max_side=MAX_LOGO_SIDE)
    except ImageTooLarge as error:
        raise ValidationError(
            f"{_logo_name(filename)} mesure {number(error.width)} × {number(error.height)} pixels : "
            f"{number(MAX_LOGO_SIDE)} pixels de côté au plus. Réduisez l'image puis choisissez-la de nouveau.",
            "logo",
        ) from None
    except UnreadableImage:
        raise ValidationError(
            f"{_logo_name(filename)} ne peut pas être lu pour le rapport PDF (image abîmée ?). "
            "Ouvrez-le dans un logiciel d'images, enregistrez-le de nouveau en PNG ou JPEG, puis choisissez-le.",
            "logo",
        ) from None


# --- signatories ------------------------------------------------------------------------

def _check_not_signing_twice(convention: Convention, organisation: Organisation, signatory: Signatory | None) -> None:
    for other in convention.signatories:
        if other is not signatory and other.organisation_id == organisation.id:
            raise ValidationError(f"« {organisation.name} » signe déjà cette convention.", "signatories")


def _renumber(session: Session, convention: Convention, ordered: list[Signatory]) -> None:
    for position, signatory in enumerate(ordered):
        signatory.position = position
    session.flush()
    session.expire(convention, ["signatories"])  # read again in the new order


def _ordered(convention: Convention) -> list[Signatory]:
    return sorted(convention.signatories, key=lambda s: (s.position, s.id or 0))


def add_signatory(
    session: Session, convention_id: int, organisation_id: int, *, representative: str = "",
    logo: bytes | None = None, logo_filename: str | None = None,
) -> Signatory:
    """Add a signatory at the end of the list (its logo checked like set_signatory_logo's)."""
    convention = get_or_fail(session, Convention, convention_id, "La convention")
    organisation = get_or_fail(session, Organisation, organisation_id, "L'organisation")
    _check_not_signing_twice(convention, organisation, None)
    representative = optional_text(representative, "Le nom du représentant", "representative")
    if logo is not None:
        check_logo(logo, logo_filename)
    signatory = Signatory(
        organisation_id=organisation_id, representative=representative,
        position=max((s.position for s in convention.signatories), default=-1) + 1,
        logo=logo, logo_filename=logo_filename if logo is not None else None,
    )
    convention.signatories.append(signatory)
    session.flush()
    return signatory


def update_signatory(session: Session, signatory_id: int, **fields) -> Signatory:
    """Change who signs (organisation_id) or who represents them (representative)."""
    signatory = get_or_fail(session, Signatory, signatory_id, "Le signataire")
    if "organisation_id" in fields:
        organisation = get_or_fail(session, Organisation, fields["organisation_id"], "L'organisation")
        _check_not_signing_twice(signatory.convention, organisation, signatory)
    if "representative" in fields:
        fields["representative"] = optional_text(fields["representative"], "Le nom du représentant", "representative")
    apply(signatory, fields, {"organisation_id", "representative"})
    session.flush()
    return signatory


def remove_signatory(session: Session, signatory_id: int) -> None:
    """Take a signatory (and its logo) off its convention; the others close up."""
    signatory = get_or_fail(session, Signatory, signatory_id, "Le signataire")
    convention = signatory.convention
    remaining = [s for s in _ordered(convention) if s is not signatory]
    convention.signatories.remove(signatory)
    session.flush()
    _renumber(session, convention, remaining)


def move_signatory(session: Session, signatory_id: int, position: int) -> None:
    """Put a signatory at `position` (0 = first; beyond the ends: first or last)."""
    signatory = get_or_fail(session, Signatory, signatory_id, "Le signataire")
    convention = signatory.convention
    ordered = [s for s in _ordered(convention) if s is not signatory]
    ordered.insert(max(0, min(position, len(ordered))), signatory)
    _renumber(session, convention, ordered)


def set_signatory_logo(session: Session, signatory_id: int, logo: bytes | None, filename: str | None) -> None:
    """Store (or, with None, remove) a signatory's logo, once checked."""
    signatory = get_or_fail(session, Signatory, signatory_id, "Le signataire")
    if logo is not None:
        check_logo(logo, filename)
    signatory.logo, signatory.logo_filename = logo, (filename if logo is not None else None)
    session.flush()


# --- perimeter and deletion --------------------------------------------------------------

def set_perimeter(session: Session, convention_id: int, organisation_ids: Iterable[int]) -> None:
    """The communes and structures the convention covers (exactly these)."""
    convention = get_or_fail(session, Convention, convention_id, "La convention")
    wanted = list(dict.fromkeys(organisation_ids))
    convention.perimeter = [get_or_fail(session, Organisation, oid, "L'organisation") for oid in wanted]
    session.flush()


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def delete_convention(session: Session, convention_id: int) -> None:
    """Delete a convention with its signatories, logos and perimeter — not one that already
    carries a plan d'action (its enjeux and fiches would go with it)."""
    convention = get_or_fail(session, Convention, convention_id, "La convention")
    enjeux = session.scalar(select(func.count()).select_from(Enjeu).where(Enjeu.convention_id == convention_id))
    fiches = session.scalar(
        select(func.count()).select_from(FicheAction).join(Objectif).join(Enjeu)
        .where(Enjeu.convention_id == convention_id)
    )
    if enjeux or fiches:
        parts = [_plural(enjeux, "enjeu", "enjeux")]
        if fiches:
            parts.append(_plural(fiches, "fiche action", "fiches actions"))
        raise ValidationError(
            f"La convention « {convention.name} » ne peut pas être supprimée : elle a {' et '.join(parts)} "
            "dans son plan d'action. Supprimez-les d'abord (page Plan d'action)."
        )
    session.delete(convention)
    session.flush()
    session.expire_all()  # instances that pointed at it now point at nothing (ON DELETE SET NULL)


# --- the whole convention, as its form edits it --------------------------------------------

@dataclass
class SignatoryInput:
    organisation_id: int | None
    representative: str = ""
    logo: bytes | None = None
    logo_filename: str | None = None
    uid: str | None = None  # an existing signatory's (kept); None: a new one


@dataclass
class ConventionInput:
    name: str
    territory: str
    first_year: int
    last_year: int
    signed_on: date | None = None
    notes: str = ""
    signatories: list[SignatoryInput] = field(default_factory=list)
    perimeter_ids: list[int] = field(default_factory=list)
    uid: str | None = None


CONVENTION_FIELDS = ("name", "territory", "first_year", "last_year", "signed_on", "notes")


def convention_input(session: Session, convention_id: int) -> ConventionInput:
    """The whole convention as the form edits it (also what undo restores): logos included."""
    c = get_or_fail(session, Convention, convention_id, "La convention")
    return ConventionInput(
        **{name: getattr(c, name) for name in CONVENTION_FIELDS},
        signatories=[SignatoryInput(s.organisation_id, s.representative, s.logo, s.logo_filename, s.uid)
                     for s in _ordered(c)],
        perimeter_ids=sorted(o.id for o in c.perimeter),
        uid=c.uid,
    )


def _uid_is_free(session: Session, model: type, uid: str | None) -> bool:
    return bool(uid) and session.scalar(select(model.id).where(model.uid == uid)) is None


def save_convention(session: Session, data: ConventionInput, convention_id: int | None = None) -> Convention:
    """Create (convention_id None) or update a convention with its signatories, in the given
    order, and its perimeter. A signatory is matched by uid: kept and updated, or removed when
    absent from `data`, or added when new. Every rule of the functions above applies."""
    fields = {name: getattr(data, name) for name in CONVENTION_FIELDS}
    fields["notes"] = optional_text(fields["notes"], "La note", "notes", max_length=10_000)
    if convention_id is None:
        convention = create_convention(session, **fields)
        if _uid_is_free(session, Convention, data.uid):
            convention.uid = data.uid
    else:
        convention = update_convention(session, convention_id, **fields)
    seen: dict[int, int] = {}
    for rank, line in enumerate(data.signatories, start=1):
        if line.organisation_id is None:
            raise ValidationError(f"Le signataire n°{rank} n'a pas d'organisation choisie.", "signatories")
        organisation = get_or_fail(session, Organisation, line.organisation_id, "L'organisation")
        if organisation.id in seen:
            raise ValidationError(
                f"« {organisation.name} » figure deux fois parmi les signataires "
                f"(n°{seen[organisation.id]} et n°{rank}).",
                "signatories",
            )
        seen[organisation.id] = rank
    kept = {line.uid for line in data.signatories if line.uid}
    for signatory in list(convention.signatories):
        if signatory.uid not in kept:
            convention.signatories.remove(signatory)
    session.flush()
    existing = {s.uid: s for s in convention.signatories}
    # Kept signatories first (organisations may be swapped between lines: the list as a
    # whole was checked above), then the new ones.
    for line in data.signatories:
        signatory = existing.get(line.uid) if line.uid else None
        if signatory is not None:
            signatory.organisation_id = line.organisation_id
            update_signatory(session, signatory.id, representative=line.representative)
            if signatory.logo != line.logo:
                set_signatory_logo(session, signatory.id, line.logo, line.logo_filename)
            elif line.logo is not None:
                signatory.logo_filename = line.logo_filename
    session.flush()
    session.expire(convention, ["signatories"])
    ordered = []
    for line in data.signatories:
        signatory = existing.get(line.uid) if line.uid else None
        if signatory is None:
            signatory = add_signatory(session, convention.id, line.organisation_id,
                                      representative=line.representative, logo=line.logo,
                                      logo_filename=line.logo_filename)
            if _uid_is_free(session, Signatory, line.uid):
                signatory.uid = line.uid
        ordered.append(signatory)
    _renumber(session, convention, ordered)
    set_perimeter(session, convention.id, data.perimeter_ids)
    return convention


@dataclass(frozen=True)
class ConventionRow:
    id: int
    name: str
    territory: str
    first_year: int
    last_year: int
    signed_on: date | None
    signatories: str
    perimeter: int
    logos: int
    signatory_count: int

    @property
    def years(self) -> str:
        return f"{self.first_year}–{self.last_year}"


def list_conventions(session: Session) -> list[ConventionRow]:
    """The conventions for the Territoire page, oldest first.

    Plain columns, three queries whatever the number of conventions and signatories; a
    signatory's logo (up to 2 Mo each) is not read, only whether there is one."""
    signatories: dict[int, list[tuple[int, int, str, bool]]] = defaultdict(list)
    for convention_id, position, signatory_id, name, logo_size in session.execute(
        select(Signatory.convention_id, Signatory.position, Signatory.id, Organisation.name,
               func.length(Signatory.logo))
        .join(Organisation, Signatory.organisation_id == Organisation.id)
    ).all():
        signatories[convention_id].append((position, signatory_id, name, bool(logo_size)))
    for listed in signatories.values():
        listed.sort(key=lambda s: (s[0], s[1]))  # _ordered's order
    perimeter = dict(session.execute(
        select(convention_perimeter.c.convention_id, func.count()).group_by(convention_perimeter.c.convention_id)
    ).all())
    rows = []
    for c_id, name, territory, first_year, last_year, signed_on in session.execute(
        select(Convention.id, Convention.name, Convention.territory, Convention.first_year, Convention.last_year,
               Convention.signed_on).order_by(Convention.first_year)
    ).all():
        signing = signatories.get(c_id, [])
        rows.append(ConventionRow(
            c_id, name, territory, first_year, last_year, signed_on, ", ".join(s[2] for s in signing),
            perimeter.get(c_id, 0), sum(1 for s in signing if s[3]), len(signing),
        ))
    return rows


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
    """Communes and structures (of these kinds; every kind: None) by name. Plain columns."""
    parent = Organisation.__table__.alias("parent")
    query = (
        select(Organisation.id, Organisation.name, Organisation.kind, Organisation.insee_code,
               Organisation.population, Organisation.deliberation_date, Organisation.engagement_signed,
               Organisation.engagement_date, parent.c.name)
        .outerjoin(parent, parent.c.id == Organisation.parent_id)
        .order_by(Organisation.name)
    )
    if kinds:
        query = query.where(Organisation.kind.in_(kinds))
    return [OrganisationRow(*row) for row in session.execute(query).all()]


def organisation_index(session: Session) -> dict[str, tuple[int, str]]:
    """Every organisation's name key (parsing.name_key) → (id, name), the first recorded
    winning, in one query: for imports that look up thousands of names."""
    index: dict[str, tuple[int, str]] = {}
    for organisation_id, name in session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.id)):
        index.setdefault(name_key(name), (organisation_id, name))
    return index


def find_organisation(session: Session, name: str) -> Organisation | None:
    """Match by name ignoring case, accents, hyphens and spaces."""
    found = organisation_index(session).get(name_key(name))
    return session.get(Organisation, found[0]) if found is not None else None
