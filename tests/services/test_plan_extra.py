"""plan_outline, save_fiche / fiche_input / remove_fiche: the fiche form and its undo."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ctgdesk.db import open_database
from ctgdesk.models import Alert, FicheAction, FicheIndicatorKind, FicheStatus, InstanceKind, OrganisationKind
from ctgdesk.services import meetings, plan, territory
from ctgdesk.services.errors import ValidationError


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "plan.sqlite")
    yield database
    database.dispose()


@pytest.fixture
def base(db):
    with db.transaction() as s:
        convention = territory.create_convention(s, name="CTG", territory="Agglo", first_year=2026, last_year=2030)
        caf = territory.create_organisation(s, name="Caf", kind=OrganisationKind.CAF)
        commune = territory.create_organisation(s, name="Carvin", kind=OrganisationKind.COMMUNE)
        enjeu = plan.create_enjeu(s, convention.id, "Petite enfance", number="1")
        objectif = plan.create_objectif(s, enjeu.id, "Développer l'accueil", number="1.1")
        empty = plan.create_objectif(s, enjeu.id, "Objectif sans fiche", number="1.2")
        return {"convention": convention.id, "caf": caf.id, "commune": commune.id, "enjeu": enjeu.id,
                "objectif": objectif.id, "empty": empty.id}


def full_input(ids) -> plan.FicheInput:
    return plan.FicheInput(
        objectif_id=ids["objectif"], number="1.1.1", title="Créer un relais petite enfance",
        status=FicheStatus.IN_PROGRESS, pilot_id=ids["caf"], budget="12 000,50",
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
        partner_ids=[ids["caf"]], commune_ids=[ids["commune"]],
        steps=[plan.StepInput("Cadrage", date(2026, 1, 1), date(2026, 3, 31), True),
               plan.StepInput("Ouverture", date(2026, 4, 1), date(2026, 12, 31))],
        fundings=[plan.FundingInput(ids["caf"], "7 000")],
        indicators=[plan.IndicatorInput("Familles accueillies", FicheIndicatorKind.RESULT, "familles", "0", "80",
                                        values={2026: "35"})],
        follow_ups=[plan.FollowUpInput(date(2026, 9, 15), 60, "Bien avancé"),
                    plan.FollowUpInput(date(2026, 3, 15), 20, "Démarrage")],
    )


def test_save_fiche_creates_everything_and_reads_back(db, base):
    with db.transaction() as s:
        fiche_id = plan.save_fiche(s, full_input(base)).id
    with db.transaction() as s:
        back = plan.fiche_input(s, fiche_id)
        fiche = s.get(FicheAction, fiche_id)
        assert fiche.progress == 60  # latest suivi by date, not by entry order
    assert back.budget == Decimal("12000.50")
    assert [st.title for st in back.steps] == ["Cadrage", "Ouverture"]
    assert back.fundings[0].amount == Decimal("7000")
    assert back.indicators[0].target_value == Decimal("80")
    assert back.indicators[0].values == {2026: Decimal("35")}
    assert [(u.date, u.progress) for u in back.follow_ups] == [(date(2026, 3, 15), 20), (date(2026, 9, 15), 60)]
    assert back.commune_ids == [base["commune"]]


def test_save_fiche_replaces_sub_lists_on_edit(db, base):
    with db.transaction() as s:
        fiche_id = plan.save_fiche(s, full_input(base)).id
    with db.transaction() as s:
        data = plan.fiche_input(s, fiche_id)
        data.steps = data.steps[1:]
        data.status = FicheStatus.BLOCKED
        data.blocking = "Pas de locaux"
        plan.save_fiche(s, data, fiche_id)
    with db.transaction() as s:
        back = plan.fiche_input(s, fiche_id)
    assert [st.title for st in back.steps] == ["Ouverture"]
    assert back.status is FicheStatus.BLOCKED and back.blocking == "Pas de locaux"


def test_sub_item_error_names_the_list(db, base):
    data = full_input(base)
    data.steps.append(plan.StepInput("À l'envers", date(2026, 5, 1), date(2026, 4, 1)))
    with pytest.raises(ValidationError) as caught, db.transaction() as s:
        plan.save_fiche(s, data)
    assert caught.value.field == "steps"
    assert caught.value.message.startswith("Étape 3 :")
    with db.transaction() as s:  # nothing landed
        assert s.query(FicheAction).count() == 0


def test_remove_then_save_restores_fiche_with_uid_and_alert_link(db, base):
    with db.transaction() as s:
        fiche = plan.save_fiche(s, full_input(base))
        fiche_id, uid = fiche.id, fiche.uid
        instance = meetings.create_instance(s, name="COPIL", kind=InstanceKind.COPIL)
        meetings.save_meeting(s, meetings.MeetingInput(
            instance_id=instance.id, starts_at=datetime(2026, 3, 2, 14),
            alerts=[meetings.AlertInput("Relais bloqué", fiche_id=fiche_id)]))
    with db.transaction() as s:
        snapshot = plan.remove_fiche(s, fiche_id)
    with db.transaction() as s:
        assert s.get(FicheAction, fiche_id) is None
        assert s.query(Alert).one().fiche_id is None
        assert plan.fiche_id_for_uid(s, uid) is None
        restored = plan.save_fiche(s, snapshot)
    with db.transaction() as s:
        new_id = plan.fiche_id_for_uid(s, uid)
        assert new_id == restored.id
        assert s.query(Alert).one().fiche_id == new_id
        back = plan.fiche_input(s, new_id)
    assert back.indicators[0].values == {2026: Decimal("35")}
    assert len(back.follow_ups) == 2 and len(back.steps) == 2


def test_plan_outline_lists_empty_objectifs_and_fiche_ids(db, base):
    with db.transaction() as s:
        first = plan.save_fiche(s, full_input(base)).id
        data = full_input(base)
        data.number, data.title = "1.1.0", "Une fiche numérotée avant"
        second = plan.save_fiche(s, data).id
        outline = plan.plan_outline(s, base["convention"])
    assert [e.title for e in outline] == ["Petite enfance"]
    objectifs = outline[0].objectifs
    assert [o.number for o in objectifs] == ["1.1", "1.2"]
    assert objectifs[0].fiche_ids == (second, first)
    assert objectifs[1].fiche_ids == ()


def test_late_for_applies_the_model_rule_to_form_values():
    data = plan.FicheInput(objectif_id=1, number="1", title="t", status=FicheStatus.IN_PROGRESS,
                           end_date=date(2026, 12, 31))
    assert not plan.late_for(data, date(2026, 6, 15))
    assert plan.late_for(data, date(2027, 1, 1))
    data.steps = [plan.StepInput("Cadrage", end_date=date(2026, 3, 31))]
    assert plan.late_for(data, date(2026, 6, 15))  # an unfinished step past its end
    data.steps[0].done = True
    assert not plan.late_for(data, date(2026, 6, 15))
    data.status = FicheStatus.DONE
    assert not plan.late_for(data, date(2030, 1, 1))


def test_next_fiche_number():
    assert plan.next_fiche_number("1.2", ["1.2.1", "1.2.2"]) == "1.2.3"
    assert plan.next_fiche_number("1.2", ["1.2.9", "1.2.10", "1.2.b"]) == "1.2.11"
    assert plan.next_fiche_number("1.2", []) == "1.2.1"
    assert plan.next_fiche_number("", ["A", "B"]) == "3"


def test_empty_enjeu_and_objectif_delete_and_restore(db, base):
    with db.transaction() as s:
        with pytest.raises(ValidationError, match="a 2 objectif"):
            plan.delete_enjeu(s, base["enjeu"])
    with db.transaction() as s:
        snapshot = plan.delete_objectif(s, base["empty"])
        assert plan.objectif_id_for_uid(s, snapshot.uid) is None
        restored = plan.restore_objectif(s, snapshot)
        assert (restored.title, restored.number, restored.position) == ("Objectif sans fiche", "1.2", 1)
        assert plan.objectif_id_for_uid(s, snapshot.uid) == restored.id
    with db.transaction() as s:
        plan.save_fiche(s, full_input(base))
        with pytest.raises(ValidationError, match="a 1 fiche"):
            plan.delete_objectif(s, base["objectif"])
