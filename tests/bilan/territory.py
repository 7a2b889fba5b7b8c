"""A small but complete CTG territory for the bilan tests, built through the services.

Two conventions (CTG 1 2022–2025, CTG 2 2026–2030), four communes, partners, two coordinators,
instances of every useful kind, meetings in 2025 and 2026 with attendance, decisions, alerts
and expertise, a journal, a plan d'action with follow-ups and indicators, ETP for 2025 and 2026.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from ctgdesk.models import (
    AttendanceStatus,
    DecisionStatus,
    FicheStatus,
    InstanceKind,
    JournalKind,
    MeetingStatus,
    OrganisationKind,
)
from ctgdesk.services import etp, journal, meetings, people, plan, territory
from ctgdesk.services.etp import ShareInput
from ctgdesk.services.meetings import AlertInput, AttendanceInput, DecisionInput, ExpertiseInput, MeetingInput
from ctgdesk.services.referential import ensure_referential

NOW = datetime(2026, 12, 31, 18, 0)
TODAY = date(2026, 12, 15)


def png_bytes(width: int = 40, height: int = 20, rgb: tuple[int, int, int] = (0, 90, 160)) -> bytes:
    """A plain-colour PNG, written by hand (no image library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@dataclass
class Territory:
    ids: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> int:
        return self.ids[key]


def build_territory(session: Session) -> Territory:
    t = Territory()
    ensure_referential(session)
    ctg1 = territory.create_convention(session, name="CTG 1", territory="Communauté d'Artois Sud",
                                       first_year=2022, last_year=2025)
    ctg2 = territory.create_convention(session, name="CTG Artois Sud 2026-2030",
                                       territory="Communauté d'Artois Sud", first_year=2026, last_year=2030,
                                       signed_on=date(2026, 3, 2))
    t.ids.update(ctg1=ctg1.id, ctg2=ctg2.id)

    def org(key: str, name: str, kind: OrganisationKind, **fields) -> int:
        t.ids[key] = territory.create_organisation(session, name=name, kind=kind, **fields).id
        return t.ids[key]

    org("bruay", "Bruay-la-Buissière", OrganisationKind.COMMUNE, insee_code="62178", population=21000)
    org("houdain", "Houdain", OrganisationKind.COMMUNE, insee_code="62457", population=7500)
    org("divion", "Divion", OrganisationKind.COMMUNE, insee_code="62270", population=6800)
    org("marles", "Marles-les-Mines", OrganisationKind.COMMUNE, insee_code="62555", population=5600)
    org("caf", "Caf du Pas-de-Calais", OrganisationKind.CAF)
    org("dept", "Département du Pas-de-Calais", OrganisationKind.DEPARTEMENT)
    org("epci", "Communauté d'Artois Sud", OrganisationKind.EPCI)
    org("cs", "Centre social Les Tilleuls", OrganisationKind.CENTRE_SOCIAL)
    org("asso", "Association Parents & Cœur", OrganisationKind.ASSOCIATION)
    org("old", "Ancienne association", OrganisationKind.ASSOCIATION)
    org("msa", "MSA Nord-Pas-de-Calais", OrganisationKind.MSA)

    territory.add_signatory(session, ctg2.id, t["caf"], representative="La directrice", logo=png_bytes())
    territory.add_signatory(session, ctg2.id, t["epci"], representative="Le président",
                            logo=png_bytes(30, 30, (200, 30, 30)))
    territory.add_signatory(session, ctg2.id, t["bruay"], representative="Le maire")  # no logo
    houdain = territory.add_signatory(session, ctg2.id, t["houdain"], representative="La maire")
    houdain.logo = b"not an image"  # refused by the services now; an older base may hold one

    claire = people.create_person(session, first_name="Claire", last_name="Lefèvre", organisation_id=t["epci"])
    medhi = people.create_person(session, first_name="Mehdi", last_name="Benali", organisation_id=t["bruay"])
    t.ids["claire"] = people.create_coordinator(session, claire.id, employer_id=t["epci"], is_project_lead=True).id
    t.ids["mehdi"] = people.create_coordinator(session, medhi.id, employer_id=t["bruay"]).id
    t.ids["elu"] = people.create_person(session, first_name="Jean", last_name="Dupré", organisation_id=t["houdain"],
                                        is_elected=True).id
    t.ids["caf_person"] = people.create_person(session, first_name="Sophie", last_name="Martin",
                                               organisation_id=t["caf"]).id
    t.ids["expert"] = people.create_person(session, first_name="Luc", last_name="Girard",
                                           organisation_id=t["dept"]).id

    def instance(key: str, name: str, kind: InstanceKind, convention: int | None = None, **fields) -> None:
        t.ids[key] = meetings.create_instance(session, name=name, kind=kind, convention_id=convention, **fields).id

    instance("copil", "COPIL CTG", InstanceKind.COPIL)
    instance("cotech", "COTECH", InstanceKind.COTECH)
    instance("elus", "Groupe d'élus", InstanceKind.GROUPE_ELUS)
    instance("veille", "Veille petite enfance", InstanceKind.VEILLE)
    instance("gt", "Groupe parentalité", InstanceKind.GROUPE_THEMATIQUE, theme="Parentalité")
    instance("public", "Réunion publique", InstanceKind.REUNION_PUBLIQUE)

    # plan d'action (CTG 2)
    enjeu1 = plan.create_enjeu(session, ctg2.id, "Petite enfance", number="1")
    enjeu2 = plan.create_enjeu(session, ctg2.id, "Parentalité", number="2")
    enjeu3 = plan.create_enjeu(session, ctg2.id, "Accès aux droits", number="3")
    obj1 = plan.create_objectif(session, enjeu1.id, "Développer l'accueil", number="1.1")
    obj2 = plan.create_objectif(session, enjeu2.id, "Soutenir les parents", number="2.1")
    obj3 = plan.create_objectif(session, enjeu3.id, "Lutter contre le non-recours", number="3.1")
    f1 = plan.create_fiche(session, obj1.id, number="1.1.1", title="Créer une micro-crèche", pilot_id=t["bruay"],
                           status=FicheStatus.IN_PROGRESS, start_date=date(2026, 1, 1), end_date=date(2026, 6, 30),
                           commune_ids=[t["bruay"]], budget="120000")
    f2 = plan.create_fiche(session, obj2.id, number="2.1.1", title="Café des parents", pilot_id=t["cs"],
                           status=FicheStatus.DONE, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
                           commune_ids=[t["houdain"]])
    f3 = plan.create_fiche(session, obj3.id, number="3.1.1", title="Permanences France services",
                           pilot_id=t["epci"], status=FicheStatus.BLOCKED, blocking="Pas de local")
    f4 = plan.create_fiche(session, obj3.id, number="3.1.2", title="Guide des droits", pilot_id=t["caf"],
                           status=FicheStatus.TO_COME, start_date=date(2027, 1, 1))
    t.ids.update(f1=f1.id, f2=f2.id, f3=f3.id, f4=f4.id)
    plan.add_follow_up(session, f1.id, date(2026, 3, 1), 20, "Étude de besoins", author_id=t["claire"])
    plan.add_follow_up(session, f1.id, date(2026, 9, 1), 60, "Permis déposé", author_id=t["claire"])
    plan.add_follow_up(session, f2.id, date(2026, 11, 1), 100, "Terminé", author_id=t["mehdi"])
    plan.add_follow_up(session, f3.id, date(2025, 11, 1), 10, "Lancement", author_id=t["claire"])
    ind = plan.add_indicator(session, f1.id, "Places créées", unit="places", reference_value="0", target_value="10")
    plan.set_indicator_value(session, ind.id, 2026, "4")
    ind2 = plan.add_indicator(session, f2.id, "Familles accueillies", target_value="30")
    plan.set_indicator_value(session, ind2.id, 2026, "42")

    present = AttendanceStatus.PRESENT

    def meeting(key: str, instance_key: str, when: datetime, *, status=MeetingStatus.HELD, animator="claire",
                communes=(), attendance=(), decisions=(), alerts=(), expertises=(), diag=False, title="",
                agenda="", place="Mairie") -> None:
        data = MeetingInput(
            instance_id=t[instance_key], starts_at=when, ends_at=when.replace(hour=when.hour + 2),
            place=place, animator_id=t[animator] if animator else None, status=status, title=title,
            agenda=agenda, diagnostic_partage=diag, commune_ids=[t[c] for c in communes],
            attendances=[AttendanceInput(person_id=p, organisation_id=o, status=s) for p, o, s in attendance],
            decisions=list(decisions), alerts=list(alerts), expertises=list(expertises),
        )
        t.ids[key] = meetings.save_meeting(session, data, now=NOW).id

    # 2025 (CTG 1): a COPIL with the old association present (not new in 2026)
    meeting("copil_2025", "copil", datetime(2025, 11, 20, 14), communes=("bruay", "houdain"),
            attendance=[(None, t["old"], present), (None, t["caf"], present)],
            decisions=[DecisionInput("Préparer le renouvellement de la CTG")],
            alerts=[AlertInput("Local des permanences introuvable", fiche_id=f3.id)])
    # 2026
    meeting("copil_1", "copil", datetime(2026, 3, 12, 14), communes=("bruay", "houdain", "divion"),
            title="Lancement CTG 2", agenda="1. Installation du COPIL\n2. Plan d'action",
            attendance=[(t["caf_person"], None, present), (t["elu"], None, present), (None, t["epci"], present),
                        (None, t["msa"], AttendanceStatus.EXCUSED)],
            decisions=[DecisionInput("Valider le plan d'action 2026", status=DecisionStatus.DONE,
                                     carried_by_organisation_id=t["epci"]),
                       DecisionInput("Lancer l'étude micro-crèche", fiche_id=f1.id, carried_by_id=t["elu"],
                                     due_date=date(2026, 6, 30), status=DecisionStatus.IN_PROGRESS)],
            expertises=[ExpertiseInput("Schéma départemental des services aux familles", expert_id=t["expert"])])
    meeting("copil_2", "copil", datetime(2026, 10, 15, 14), communes=("bruay",),
            attendance=[(t["caf_person"], None, present), (None, t["asso"], present)],
            decisions=[DecisionInput("Ouvrir un second café des parents", fiche_id=f2.id)],
            alerts=[AlertInput("Permanences toujours sans local", fiche_id=f3.id)])
    meeting("copil_planned", "copil", datetime(2026, 12, 20, 14), status=MeetingStatus.PLANNED,
            agenda="Bilan de l'année")
    meeting("elus_1", "elus", datetime(2026, 5, 5, 18), communes=("houdain",),
            decisions=[DecisionInput("Étendre les horaires du RPE")])
    meeting("cotech_1", "cotech", datetime(2026, 4, 2, 9), animator="mehdi", communes=("marles",),
            decisions=[DecisionInput("Mettre à jour les tableaux de suivi")],
            expertises=[ExpertiseInput("Données Caf sur les allocataires", organisation_id=t["caf"])])
    meeting("diag_1", "gt", datetime(2026, 2, 10, 10), animator="mehdi", diag=True, communes=("bruay",),
            attendance=[(None, t["cs"], present), (None, t["asso"], present), (t["caf_person"], None, present),
                        (None, t["msa"], AttendanceStatus.ABSENT)],
            expertises=[ExpertiseInput("Observatoire de la parentalité", expert_label="Cabinet Études & Co")])
    meeting("veille_1", "veille", datetime(2026, 6, 1, 9), animator="mehdi", communes=("houdain",))
    meeting("veille_2", "veille", datetime(2026, 9, 1, 9), animator=None)  # not animated by a coordinator
    meeting("veille_cancelled", "veille", datetime(2026, 7, 1, 9), status=MeetingStatus.CANCELLED)
    meeting("public_1", "public", datetime(2026, 9, 20, 10), communes=("divion",), animator="mehdi",
            attendance=[(None, t["dept"], present)])

    meetings.resolve_alert(session, session.get(meetings.Meeting, t["copil_2025"]).alerts[0].id,
                           date(2026, 3, 12), "Local trouvé puis perdu")

    # journal
    def entry(kind: JournalKind, on: date, nature: str, coordinator="claire", partners=(), communes=()) -> None:
        journal.save_entry(session, journal.JournalInput(
            date=on, kind=kind, nature=nature, coordinator_id=t[coordinator],
            partner_ids=[t[p] for p in partners], commune_ids=[t[c] for c in communes]))

    entry(JournalKind.NOUVELLE_PROBLEMATIQUE, date(2026, 4, 1), "Mobilité des familles monoparentales")
    entry(JournalKind.NOUVEAU_SUJET, date(2026, 5, 1), "Accueil des enfants en situation de handicap",
          coordinator="mehdi", communes=("houdain",))
    entry(JournalKind.ENJEU_EXPLICITE, date(2026, 2, 1), "Bonus territoire CTG", partners=("bruay",))
    entry(JournalKind.PROJET_FACILITE, date(2026, 6, 15), "Ludothèque itinérante", partners=("cs",))
    entry(JournalKind.RELAIS_CAF, date(2026, 3, 1), "Appel à projets parentalité", partners=("caf", "asso"))
    entry(JournalKind.CONSEIL_APPUI, date(2026, 3, 5), "Montage du dossier ALSH", partners=("cs", "marles"),
          communes=("marles",))
    entry(JournalKind.CONSEIL_APPUI, date(2026, 4, 5), "Budget prévisionnel", partners=("cs",), coordinator="mehdi")
    entry(JournalKind.CONSEIL_APPUI, date(2026, 5, 5), "Projet social", partners=("asso",))
    entry(JournalKind.SUPPORT_RESEAU, date(2026, 7, 1), "Annuaire des acteurs")
    entry(JournalKind.INGENIERIE, date(2026, 8, 1), "Appui méthodologique au diagnostic", communes=("divion",))
    entry(JournalKind.PROJET_HABITANTS, date(2026, 9, 1), "Jardin partagé des familles", communes=("bruay",))
    entry(JournalKind.INITIATIVE_CITOYENNE, date(2026, 10, 1), "Collectif de parents de Divion",
          communes=("divion",))
    entry(JournalKind.SUPPORT_INFORMATION, date(2026, 11, 1), "Plaquette « Familles : vos droits »")
    entry(JournalKind.SUPPORT_INFORMATION, date(2025, 11, 1), "Plaquette 2025")  # previous year
    entry(JournalKind.RELAIS_CAF, date(2025, 6, 1), "Ancien relais", partners=("old",))

    # ETP (CTG 1 last year and 2026)
    etp.set_allocation(session, t["bruay"], 2025, "0,5", shares=[ShareInput(t["mehdi"], "0,5")])
    etp.set_allocation(session, t["houdain"], 2025, "0,3", shares=[ShareInput(t["claire"], "0,3")])
    etp.set_allocation(session, t["divion"], 2025, "0,2", shares=[ShareInput(t["claire"], "0,2")])
    etp.set_allocation(session, t["bruay"], 2026, "0,8", shares=[ShareInput(t["mehdi"], "0,8")])
    etp.set_allocation(session, t["houdain"], 2026, "0,3", shares=[ShareInput(t["claire"], "0,3")])
    etp.set_allocation(session, t["divion"], 2026, "0,1", shares=[ShareInput(t["claire"], "0,1")])
    etp.set_allocation(session, t["marles"], 2026, "En cours")
    session.flush()
    return t
