"""Conventions edited whole: signatories (order, representative, logos), perimeter, deletion."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from ctgdesk.models import Convention, InstanceKind, OrganisationKind, Signatory
from ctgdesk.services import meetings, plan, snapshots, territory
from ctgdesk.services.errors import NotFound, ValidationError
from ctgdesk.services.territory import ConventionInput, SignatoryInput
from tests.bilan.territory import png_bytes

NNBSP = "\u202f"  # babel's thousands separator in French


def jpeg_bytes(width: int = 60, height: int = 30) -> bytes:
    from PIL import Image  # reportlab's own dependency; only to make a real JPEG here

    buffer = BytesIO()
    Image.new("RGB", (width, height), (20, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def orgs(session):
    made = {}
    for name, kind in [("Caf du Pas-de-Calais", OrganisationKind.CAF), ("CC du Ternois", OrganisationKind.EPCI),
                       ("Frévent", OrganisationKind.COMMUNE), ("Hesdin", OrganisationKind.COMMUNE),
                       ("Département du Pas-de-Calais", OrganisationKind.DEPARTEMENT)]:
        made[name] = territory.create_organisation(session, name=name, kind=kind).id
    return made


@pytest.fixture
def convention(session):
    return territory.create_convention(session, name="CTG du Ternois 2025-2029", territory="Ternois",
                                       first_year=2025, last_year=2029)


def order(session, convention_id: int) -> list[tuple[str, int]]:
    session.expire_all()
    c = session.get(Convention, convention_id)
    return [(s.organisation.name, s.position) for s in c.signatories]


# --- logos ----------------------------------------------------------------------------

def test_png_and_jpeg_logos_are_read_by_reportlab():
    assert territory.check_logo(png_bytes(40, 20), "caf.png") == (40, 20)
    assert territory.check_logo(jpeg_bytes(60, 30), "epci.jpg") == (60, 30)


def test_an_accepted_logo_really_goes_into_a_pdf(tmp_path):
    """What check_logo accepted, reportlab draws: the PDF holds it as an image XObject."""
    logo = png_bytes(80, 40, (200, 30, 30))
    territory.check_logo(logo, "logo.png")
    from reportlab.lib.utils import ImageReader

    path = tmp_path / "logo.pdf"
    canvas = Canvas(str(path))
    canvas.drawImage(ImageReader(BytesIO(logo)), 50, 700, width=80, height=40)
    canvas.save()
    page = PdfReader(path).pages[0]
    images = [obj.get_object() for obj in page["/Resources"]["/XObject"].values()]
    assert [(i["/Subtype"], i["/Width"], i["/Height"]) for i in images] == [("/Image", 80, 40)]


def test_a_logo_that_is_not_png_nor_jpeg_is_refused_by_name():
    with pytest.raises(ValidationError) as error:
        territory.check_logo(b"GIF89a" + b"\x00" * 40, "logo.gif")
    assert error.value.message == "Le logo « logo.gif » n'est pas une image PNG ou JPEG."
    assert error.value.field == "logo"


def test_a_logo_over_2_mo_is_refused_naming_the_file_and_its_size():
    big = png_bytes() + b"\x00" * (3_565_158 - len(png_bytes()))  # 3,4 Mo
    with pytest.raises(ValidationError) as error:
        territory.check_logo(big, "logo-caf-hd.png")
    assert error.value.message == (
        "Le logo « logo-caf-hd.png » pèse 3,4 Mo : 2 Mo au plus. "
        "Réduisez l'image (ou enregistrez-la en JPEG) puis choisissez-la de nouveau.")
    territory.check_logo_size("juste.png", territory.MAX_LOGO_BYTES)  # exactly 2 Mo: accepted
    with pytest.raises(ValidationError, match="« trop.png » pèse 2 Mo"):
        territory.check_logo_size("trop.png", territory.MAX_LOGO_BYTES + 1)


def test_a_broken_png_is_refused_because_reportlab_cannot_read_it():
    with pytest.raises(ValidationError) as error:
        territory.check_logo(png_bytes(40, 20)[:60], "abime.png")  # header and half the pixels
    assert error.value.message.startswith("Le logo « abime.png » ne peut pas être lu pour le rapport PDF")


def test_a_huge_image_is_refused_before_being_decoded():
    with pytest.raises(ValidationError) as error:
        territory.check_logo(png_bytes(6000, 1), "bandeau.png")
    assert error.value.message.startswith(
        f"Le logo « bandeau.png » mesure 6{NNBSP}000 × 1 pixels : 5{NNBSP}000 pixels de côté au plus.")


def test_logo_set_and_removed(session, convention, orgs):
    signatory = territory.add_signatory(session, convention.id, orgs["Caf du Pas-de-Calais"])
    territory.set_signatory_logo(session, signatory.id, png_bytes(), "caf.png")
    assert (signatory.logo, signatory.logo_filename) == (png_bytes(), "caf.png")
    with pytest.raises(ValidationError, match="« faux.png » n'est pas une image PNG ou JPEG"):
        territory.set_signatory_logo(session, signatory.id, b"<svg/>", "faux.png")
    assert signatory.logo == png_bytes()  # the refused one did not replace it
    territory.set_signatory_logo(session, signatory.id, None, "ignored.png")
    assert (signatory.logo, signatory.logo_filename) == (None, None)


# --- signatories ------------------------------------------------------------------------

def test_signatories_added_moved_updated_and_removed(session, convention, orgs):
    caf = territory.add_signatory(session, convention.id, orgs["Caf du Pas-de-Calais"], representative="La directrice")
    epci = territory.add_signatory(session, convention.id, orgs["CC du Ternois"])
    frevent = territory.add_signatory(session, convention.id, orgs["Frévent"], logo=jpeg_bytes(),
                                      logo_filename="frevent.jpg")
    assert order(session, convention.id) == [("Caf du Pas-de-Calais", 0), ("CC du Ternois", 1), ("Frévent", 2)]

    territory.move_signatory(session, frevent.id, 0)
    assert order(session, convention.id) == [("Frévent", 0), ("Caf du Pas-de-Calais", 1), ("CC du Ternois", 2)]
    territory.move_signatory(session, frevent.id, 99)  # beyond the end: last
    assert order(session, convention.id) == [("Caf du Pas-de-Calais", 0), ("CC du Ternois", 1), ("Frévent", 2)]
    territory.move_signatory(session, epci.id, -3)  # before the start: first
    assert order(session, convention.id)[0] == ("CC du Ternois", 0)

    territory.update_signatory(session, epci.id, representative="  Le président  ")
    assert session.get(Signatory, epci.id).representative == "Le président"
    with pytest.raises(ValidationError) as error:
        territory.update_signatory(session, epci.id, organisation_id=orgs["Frévent"])
    assert (error.value.message, error.value.field) == ("« Frévent » signe déjà cette convention.", "signatories")

    territory.remove_signatory(session, caf.id)
    assert order(session, convention.id) == [("CC du Ternois", 0), ("Frévent", 1)]
    assert session.get(Signatory, caf.id) is None
    with pytest.raises(NotFound, match="Le signataire n°"):
        territory.remove_signatory(session, caf.id)


def test_the_same_organisation_cannot_sign_twice(session, convention, orgs):
    territory.add_signatory(session, convention.id, orgs["Frévent"])
    with pytest.raises(ValidationError, match="« Frévent » signe déjà cette convention."):
        territory.add_signatory(session, convention.id, orgs["Frévent"])


def test_perimeter_is_exactly_the_ticked_organisations(session, convention, orgs):
    territory.set_perimeter(session, convention.id, [orgs["Frévent"], orgs["CC du Ternois"], orgs["Frévent"]])
    assert sorted(o.name for o in convention.perimeter) == ["CC du Ternois", "Frévent"]
    territory.set_perimeter(session, convention.id, [orgs["Hesdin"]])
    assert [o.name for o in convention.perimeter] == ["Hesdin"]
    with pytest.raises(NotFound, match="L'organisation n°999 n'existe pas"):
        territory.set_perimeter(session, convention.id, [orgs["Frévent"], 999])


# --- the whole form ---------------------------------------------------------------------

def form(orgs, **changes) -> ConventionInput:
    data = ConventionInput(
        name="CTG du Ternois 2025-2029", territory="Ternois", first_year=2025, last_year=2029,
        signed_on=date(2025, 6, 30), notes="Signée en conseil communautaire.",
        signatories=[
            SignatoryInput(orgs["Caf du Pas-de-Calais"], "La directrice", png_bytes(), "caf.png"),
            SignatoryInput(orgs["CC du Ternois"], "Le président"),
        ],
        perimeter_ids=[orgs["CC du Ternois"], orgs["Frévent"], orgs["Hesdin"]],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def test_save_convention_creates_everything_then_edits_it_keeping_uids(session, orgs):
    convention = territory.save_convention(session, form(orgs))
    saved = territory.convention_input(session, convention.id)
    assert (saved.name, saved.first_year, saved.last_year, saved.signed_on) == (
        "CTG du Ternois 2025-2029", 2025, 2029, date(2025, 6, 30))
    assert [(s.organisation_id, s.representative, s.logo, s.logo_filename) for s in saved.signatories] == [
        (orgs["Caf du Pas-de-Calais"], "La directrice", png_bytes(), "caf.png"),
        (orgs["CC du Ternois"], "Le président", None, None)]
    assert saved.perimeter_ids == sorted([orgs["CC du Ternois"], orgs["Frévent"], orgs["Hesdin"]])
    caf_uid, epci_uid = (s.uid for s in saved.signatories)

    # Edit: EPCI first with a logo, Caf kept, Frévent added, the Département removed (never there).
    saved.signatories = [
        SignatoryInput(orgs["CC du Ternois"], "La présidente", jpeg_bytes(), "cc.jpg", uid=epci_uid),
        saved.signatories[0],
        SignatoryInput(orgs["Frévent"], "Le maire"),
    ]
    saved.last_year = 2028
    saved.perimeter_ids = [orgs["Frévent"]]
    territory.save_convention(session, saved, convention.id)
    again = territory.convention_input(session, convention.id)
    assert [(s.organisation_id, s.representative, s.logo_filename) for s in again.signatories] == [
        (orgs["CC du Ternois"], "La présidente", "cc.jpg"),
        (orgs["Caf du Pas-de-Calais"], "La directrice", "caf.png"),
        (orgs["Frévent"], "Le maire", None)]
    assert again.signatories[0].logo == jpeg_bytes()
    assert [s.uid for s in again.signatories[:2]] == [epci_uid, caf_uid]  # the same rows, kept
    assert again.last_year == 2028 and again.perimeter_ids == [orgs["Frévent"]]

    # Remove the Caf; swap the organisations of the two others (checked as a whole, not line by line).
    again.signatories = [
        SignatoryInput(orgs["Frévent"], "", uid=again.signatories[0].uid),
        SignatoryInput(orgs["CC du Ternois"], "", uid=again.signatories[2].uid),
    ]
    territory.save_convention(session, again, convention.id)
    assert order(session, convention.id) == [("Frévent", 0), ("CC du Ternois", 1)]
    assert session.scalar(select(func.count()).select_from(Signatory)) == 2


@pytest.mark.parametrize("change,message,field", [
    ({"last_year": 2024}, "La dernière année (2024) précède la première (2025).", "last_year"),
    ({"name": "  "}, "Le nom de la convention est obligatoire.", "name"),
    ({"signatories": "twice"}, "« Frévent » figure deux fois parmi les signataires (n°1 et n°2).", "signatories"),
    ({"signatories": "no organisation"}, "Le signataire n°1 n'a pas d'organisation choisie.", "signatories"),
    ({"signatories": "bad logo"}, "Le logo « logo.bmp » n'est pas une image PNG ou JPEG.", "logo"),
])
def test_nothing_is_saved_when_the_form_is_refused(db, change, message, field):
    with db.transaction() as s:
        frevent = territory.create_organisation(s, name="Frévent", kind=OrganisationKind.COMMUNE).id
    key, value = next(iter(change.items()))
    if value == "twice":
        value = [SignatoryInput(frevent), SignatoryInput(frevent)]
    elif value == "no organisation":
        value = [SignatoryInput(None)]
    elif value == "bad logo":
        value = [SignatoryInput(frevent, logo=b"BM" + b"\x00" * 60, logo_filename="logo.bmp")]
    data = form({"Caf du Pas-de-Calais": frevent, "CC du Ternois": frevent, "Frévent": frevent, "Hesdin": frevent},
                **{"signatories": [], key: value})
    with pytest.raises(ValidationError) as error:
        with db.transaction() as s:
            territory.save_convention(s, data)
    assert (error.value.message, error.value.field) == (message, field)
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Convention)) == 0
        assert s.scalar(select(func.count()).select_from(Signatory)) == 0


def test_a_refused_edit_leaves_the_convention_as_it_was(db):
    with db.transaction() as s:
        caf = territory.create_organisation(s, name="Caf", kind=OrganisationKind.CAF).id
        c = territory.save_convention(s, ConventionInput("CTG", "Ternois", 2025, 2029,
                                                         signatories=[SignatoryInput(caf, "La directrice")]))
        convention_id, before = c.id, territory.convention_input(s, c.id)
    # The old line goes, the new one (same Caf) fails on its logo: the removal is undone too.
    edited = territory.ConventionInput(**{**before.__dict__, "name": "CTG renommée", "signatories": [
        SignatoryInput(caf, "Le directeur", b"\xff\xd8\xff" + b"\x00" * 50, "caf.jpg")]})
    with pytest.raises(ValidationError, match="« caf.jpg » ne peut pas être lu pour le rapport PDF"):
        with db.transaction() as s:
            territory.save_convention(s, edited, convention_id)
    with db.transaction() as s:
        assert territory.convention_input(s, convention_id) == before


# --- deletion ---------------------------------------------------------------------------

def test_a_convention_with_a_plan_cannot_be_deleted(db):
    with db.transaction() as s:
        c = territory.create_convention(s, name="CTG du Ternois", territory="Ternois", first_year=2025,
                                        last_year=2029)
        enjeux = [plan.create_enjeu(s, c.id, title) for title in ("Petite enfance", "Jeunesse")]
        objectif = plan.create_objectif(s, enjeux[0].id, "Places d'accueil")
        for number in ("1.1.1", "1.1.2", "1.1.3"):
            plan.create_fiche(s, objectif.id, number=number, title=f"Fiche {number}")
        convention_id = c.id
    with pytest.raises(ValidationError) as error:
        with db.transaction() as s:
            territory.delete_convention(s, convention_id)
    assert error.value.message == (
        "La convention « CTG du Ternois » ne peut pas être supprimée : elle a 2 enjeux et 3 fiches actions "
        "dans son plan d'action. Supprimez-les d'abord (page Plan d'action).")
    with db.transaction() as s:
        assert s.get(Convention, convention_id) is not None
        plan.delete_enjeu(s, enjeux[1].id)
        for fiche in plan.list_fiches(s, date(2026, 1, 1), convention_id):
            plan.delete_fiche(s, fiche.id)
    with pytest.raises(ValidationError, match="elle a 1 enjeu dans son plan d'action"):
        with db.transaction() as s:
            territory.delete_convention(s, convention_id)


def test_delete_then_restore_brings_back_signatories_logos_perimeter_and_instances(session, orgs):
    convention = territory.save_convention(session, form(orgs))
    copil = meetings.create_instance(session, name="COPIL CTG", kind=InstanceKind.COPIL, convention_id=convention.id)
    before = territory.convention_input(session, convention.id)

    snapshot = snapshots.delete_convention(session, convention.id)
    assert session.scalar(select(func.count()).select_from(Convention)) == 0
    assert session.scalar(select(func.count()).select_from(Signatory)) == 0
    assert copil.convention_id is None

    new_id = snapshots.restore_convention(session, snapshot)
    after = territory.convention_input(session, new_id)
    assert after == before  # same uid, signatories (uids, order, logos), perimeter
    assert after.signatories[0].logo == png_bytes()
    assert copil.convention_id == new_id
    assert snapshots.id_of(session, Convention, before.uid) == new_id


def test_restore_leaves_out_an_organisation_deleted_meanwhile(session, orgs):
    convention = territory.save_convention(session, form(orgs))
    snapshot = snapshots.delete_convention(session, convention.id)
    territory.delete_organisation(session, orgs["Hesdin"])
    territory.delete_organisation(session, orgs["CC du Ternois"])
    restored = territory.convention_input(session, snapshots.restore_convention(session, snapshot))
    assert [s.organisation_id for s in restored.signatories] == [orgs["Caf du Pas-de-Calais"]]
    assert restored.perimeter_ids == [orgs["Frévent"]]


def test_list_conventions_for_the_page(session, orgs):
    convention = territory.save_convention(session, form(orgs))
    territory.move_signatory(session, convention.signatories[1].id, 0)
    [row] = territory.list_conventions(session)
    assert (row.name, row.years, row.signatories, row.perimeter, row.logos) == (
        "CTG du Ternois 2025-2029", "2025–2029", "CC du Ternois, Caf du Pas-de-Calais", 3, 1)
