"""A realistic demo territory, built through the services so that every rule applies.

Modelled on the seeds: the Communauté d'Agglomération d'Hénin-Carvin (Pas-de-Calais), its
14 communes, a CTG 1 (2022–2025) and a CTG 2 (2026–2030), ten chargé·e·s de coopération with
fractional ETPs, two years of meetings of every instance kind, a plan d'action and a journal.
Names of people are invented.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctgdesk.models import (
    AttendanceStatus,
    Base,
    DecisionStatus,
    FicheIndicatorKind,
    FicheStatus,
    InstanceKind,
    JournalKind,
    MeetingStatus,
    Organisation,
    OrganisationKind,
)
from ctgdesk.services import etp, journal, meetings, people, plan, referential, territory

SEED = 20260101

COMMUNES = [  # name, INSEE, population, délibération, fiche d'engagement signée
    ("Hénin-Beaumont", "62427", 25_860, date(2025, 12, 15), True),
    ("Carvin", "62215", 17_120, date(2025, 12, 11), True),
    ("Courrières", "62250", 10_480, date(2025, 12, 16), True),
    ("Montigny-en-Gohelle", "62587", 10_150, date(2025, 12, 9), True),
    ("Oignies", "62637", 9_930, date(2025, 12, 18), True),
    ("Rouvroy", "62724", 8_390, date(2026, 1, 20), True),
    ("Libercourt", "62907", 8_170, date(2025, 12, 17), True),
    ("Leforest", "62497", 6_930, date(2026, 2, 3), False),
    ("Courcelles-lès-Lens", "62249", 6_310, date(2025, 12, 12), True),
    ("Dourges", "62274", 5_790, None, False),
    ("Noyelles-Godault", "62624", 5_640, date(2026, 1, 27), True),
    ("Évin-Malmaison", "62321", 4_560, date(2026, 3, 2), False),
    ("Drocourt", "62276", 2_990, None, False),
    ("Bois-Bernard", "62150", 880, None, False),
]

STRUCTURES = [
    ("Communauté d'Agglomération d'Hénin-Carvin", OrganisationKind.EPCI),
    ("Caf du Pas-de-Calais", OrganisationKind.CAF),
    ("Département du Pas-de-Calais", OrganisationKind.DEPARTEMENT),
    ("MSA Nord-Pas-de-Calais", OrganisationKind.MSA),
    ("Centre social Jean Ferrat", OrganisationKind.CENTRE_SOCIAL),
    ("Centre social du Faubourg", OrganisationKind.CENTRE_SOCIAL),
    ("Association Parents Ensemble", OrganisationKind.ASSOCIATION),
    ("SIVOM de la Gohelle", OrganisationKind.SIVOM),
    ("Collège Jean Macé", OrganisationKind.ECOLE),
    ("Mission locale Lens-Liévin-Hénin-Carvin", OrganisationKind.ASSOCIATION),
]

# first name, last name, employer, cadre d'emploi, chef de projet
COORDINATORS = [
    ("Claire", "Dumont", "Communauté d'Agglomération d'Hénin-Carvin", "Attaché territorial", True),
    ("Karim", "Benali", "Hénin-Beaumont", "Animateur territorial", False),
    ("Sophie", "Lefebvre", "Carvin", "Éducateur territorial de jeunes enfants", False),
    ("Julien", "Delattre", "Courrières", "Animateur territorial", False),
    ("Nadia", "Haddad", "Montigny-en-Gohelle", "Animateur territorial", False),
    ("Thomas", "Wattel", "Oignies", "Rédacteur territorial", False),
    ("Amandine", "Caron", "Rouvroy", "Animateur territorial", False),
    ("Mehdi", "Ouali", "Libercourt", "Animateur territorial", False),
    ("Élodie", "Lemaire", "SIVOM de la Gohelle", "Conseiller socio-éducatif", False),
    ("Pauline", "Vasseur", "Centre social Jean Ferrat", "Animateur territorial", False),
]

# structure → (ETP 2025 (CTG 1), ETP 2026 (CTG 2) or "En cours", coordinators with their 2026 share)
ETP_TABLE = {
    "Communauté d'Agglomération d'Hénin-Carvin": ("0.80", "1.00", [("Claire Dumont", "1.00")]),
    "Hénin-Beaumont": ("1.00", "1.20", [("Karim Benali", "0.80"), ("Pauline Vasseur", "0.40")]),
    "Carvin": ("0.60", "0.80", [("Sophie Lefebvre", "0.80")]),
    "Courrières": ("0.50", "0.50", [("Julien Delattre", "0.50")]),
    "Montigny-en-Gohelle": ("0.40", "0.60", [("Nadia Haddad", "0.60")]),
    "Oignies": ("0.50", "0.40", [("Thomas Wattel", "0.40")]),
    "Rouvroy": ("0.30", "0.40", [("Amandine Caron", "0.40")]),
    "Libercourt": ("0.40", "0.40", [("Mehdi Ouali", "0.40")]),
    "Leforest": ("0.20", "0.28", [("Mehdi Ouali", "0.28")]),
    "Courcelles-lès-Lens": ("0.20", "0.30", [("Amandine Caron", "0.30")]),
    "Dourges": (None, "En cours", []),
    "Noyelles-Godault": ("0.20", "0.20", [("Julien Delattre", "0.20")]),
    "Évin-Malmaison": ("0.10", "0.20", [("Thomas Wattel", "0.20")]),
    "SIVOM de la Gohelle": ("0.60", "0.50", [("Élodie Lemaire", "0.50")]),
    "Centre social Jean Ferrat": ("0.30", "0.30", [("Pauline Vasseur", "0.30")]),
}

PARTNERS = [  # first, last, organisation, role, elected
    ("Christophe", "Morel", "Communauté d'Agglomération d'Hénin-Carvin", "Vice-président cohésion sociale", True),
    ("Isabelle", "Marchand", "Caf du Pas-de-Calais", "Conseillère territoriale", False),
    ("Laurent", "Dupuis", "Caf du Pas-de-Calais", "Responsable d'unité territoriale", False),
    ("Sandrine", "Leroy", "Département du Pas-de-Calais", "Responsable MDS", False),
    ("Olivier", "Roussel", "MSA Nord-Pas-de-Calais", "Travailleur social", False),
    ("Martine", "Fontaine", "Hénin-Beaumont", "Adjointe à la petite enfance", True),
    ("Patrick", "Deramecourt", "Carvin", "Adjoint à la jeunesse", True),
    ("Nathalie", "Boucher", "Courrières", "Directrice du CCAS", False),
    ("Hervé", "Lenglet", "Oignies", "Adjoint aux affaires sociales", True),
    ("Céline", "Duhamel", "Centre social du Faubourg", "Directrice", False),
    ("Fabrice", "Carpentier", "Association Parents Ensemble", "Président", False),
    ("Agnès", "Delcroix", "Collège Jean Macé", "Principale", False),
    ("Yasmine", "Bouzid", "Mission locale Lens-Liévin-Hénin-Carvin", "Conseillère", False),
    ("Bruno", "Vanhove", "Montigny-en-Gohelle", "Maire adjoint", True),
]

INSTANCES = [  # name, kind, theme, min per year, members (person names or organisations)
    ("Comité de pilotage CTG", InstanceKind.COPIL, "", 2,
     ["Christophe Morel", "Laurent Dupuis", "Sandrine Leroy", "Olivier Roussel", "Martine Fontaine",
      "Patrick Deramecourt", "Hervé Lenglet", "Bruno Vanhove", "Claire Dumont"]),
    ("Comité technique CTG", InstanceKind.COTECH, "", 2,
     ["Isabelle Marchand", "Sandrine Leroy", "Olivier Roussel", "Claire Dumont", "Karim Benali",
      "Sophie Lefebvre", "Élodie Lemaire"]),
    ("Comité opérationnel", InstanceKind.COMITE_OPERATIONNEL, "", 2,
     ["Isabelle Marchand", "Claire Dumont", "Julien Delattre", "Nadia Haddad", "Thomas Wattel"]),
    ("Groupe projet CTG", InstanceKind.GROUPE_PROJET, "", 6, ["Isabelle Marchand", "Claire Dumont"]),
    ("Groupe d'élus CTG", InstanceKind.GROUPE_ELUS, "", 1,
     ["Christophe Morel", "Martine Fontaine", "Patrick Deramecourt", "Hervé Lenglet", "Bruno Vanhove"]),
    ("Groupe thématique Petite enfance", InstanceKind.GROUPE_THEMATIQUE, "Petite enfance", 3,
     ["Martine Fontaine", "Isabelle Marchand", "Sophie Lefebvre", "Karim Benali", "Céline Duhamel"]),
    ("Groupe thématique Parentalité et vie sociale", InstanceKind.GROUPE_THEMATIQUE, "Parentalité", 3,
     ["Céline Duhamel", "Fabrice Carpentier", "Pauline Vasseur", "Sandrine Leroy", "Amandine Caron"]),
    ("Groupe thématique Jeunesse", InstanceKind.GROUPE_THEMATIQUE, "Enfance-jeunesse", 2,
     ["Patrick Deramecourt", "Agnès Delcroix", "Yasmine Bouzid", "Mehdi Ouali", "Julien Delattre"]),
    ("Commission d'admission petite enfance", InstanceKind.COMMISSION, "", 2,
     ["Martine Fontaine", "Sophie Lefebvre", "Karim Benali"]),
    ("Réunion de veille territoriale", InstanceKind.VEILLE, "", 4,
     ["Nathalie Boucher", "Céline Duhamel", "Sandrine Leroy", "Thomas Wattel"]),
    ("Réseau des chargés de coopération", InstanceKind.RESEAU_COORDINATEURS, "", 4,
     ["Claire Dumont", "Karim Benali", "Sophie Lefebvre", "Julien Delattre", "Nadia Haddad",
      "Thomas Wattel", "Amandine Caron", "Mehdi Ouali", "Élodie Lemaire", "Pauline Vasseur"]),
    ("Concertation des habitants", InstanceKind.REUNION_PUBLIQUE, "", 1, ["Claire Dumont", "Céline Duhamel"]),
]

# per instance kind: meetings per year in the demo
MEETINGS_PER_YEAR = {
    InstanceKind.COPIL: 2, InstanceKind.COTECH: 2, InstanceKind.COMITE_OPERATIONNEL: 2,
    InstanceKind.GROUPE_PROJET: 6, InstanceKind.GROUPE_ELUS: 1, InstanceKind.GROUPE_THEMATIQUE: 3,
    InstanceKind.COMMISSION: 3, InstanceKind.VEILLE: 4, InstanceKind.RESEAU_COORDINATEURS: 4,
    InstanceKind.REUNION_PUBLIQUE: 1,
}

PLACES = ["Siège de l'Agglomération, Hénin-Beaumont", "Mairie de Carvin", "Centre social Jean Ferrat",
          "Salle des fêtes de Courrières", "Maison du Département Solidarité", "Médiathèque d'Oignies"]

DECISIONS = [
    "Valider le calendrier des groupes thématiques", "Lancer le diagnostic petite enfance à l'échelle de l'agglomération",
    "Créer une cartographie des lieux ressources parentalité", "Mettre en place le Guichet Unique de l'Habitat",
    "Recruter un·e chargé·e de coopération pour Dourges", "Présenter le bilan annuel au prochain COPIL",
    "Ouvrir une consultation des familles sur les horaires d'accueil", "Mutualiser les supports de communication CTG",
    "Réviser la fiche action inclusion numérique", "Associer la Mission locale au groupe jeunesse",
]

ALERTS = [
    "Retard du projet de relais petite enfance faute de locaux",
    "Baisse de fréquentation de l'accueil de loisirs du mercredi",
    "Départ non remplacé de la coordinatrice parentalité",
    "Financement de l'espace de vie sociale non confirmé",
]

EXPERTISES = [
    ("Conseillère technique Caf", "Caf du Pas-de-Calais", "Bonus territoire et financements CTG"),
    ("Observatoire départemental", "Département du Pas-de-Calais", "Données de la protection de l'enfance"),
    ("Référent handicap MSA", "MSA Nord-Pas-de-Calais", "Accueil des enfants en situation de handicap"),
]

PLAN = [  # enjeu, [(objectif, [(number, title, status, pilot, start, end, progress)])]
    ("Petite enfance : garantir un accueil de qualité et accessible à toutes les familles", [
        ("Développer l'offre d'accueil du jeune enfant", [
            ("1.1.1", "Créer un relais petite enfance intercommunal", FicheStatus.BLOCKED, "Communauté d'Agglomération d'Hénin-Carvin", date(2026, 1, 1), date(2026, 9, 30), 35),
            ("1.1.2", "Réaliser un diagnostic petite enfance à l'échelle de l'agglomération", FicheStatus.DONE, "Caf du Pas-de-Calais", date(2025, 3, 1), date(2026, 2, 28), 100),
        ]),
        ("Favoriser l'accueil des enfants en situation de handicap", [
            ("1.2.1", "Former les professionnels de l'accueil à l'inclusion", FicheStatus.IN_PROGRESS, "Centre social Jean Ferrat", date(2026, 2, 1), date(2027, 6, 30), 40),
        ]),
    ]),
    ("Enfance-jeunesse : diversifier l'offre de loisirs et soutenir l'engagement des jeunes", [
        ("Soutenir l'offre de loisirs du mercredi et des vacances", [
            ("2.1.1", "Harmoniser les tarifs des accueils de loisirs", FicheStatus.IN_PROGRESS, "Carvin", date(2026, 1, 1), date(2026, 10, 31), 60),
            ("2.1.2", "Ouvrir un accueil de loisirs à Dourges", FicheStatus.TO_COME, "Dourges", date(2027, 1, 1), date(2027, 12, 31), 0),
        ]),
        ("Promouvoir l'autonomie et l'engagement des jeunes", [
            ("2.2.1", "Réaliser un diagnostic jeunesse", FicheStatus.IN_PROGRESS, "Mission locale Lens-Liévin-Hénin-Carvin", date(2026, 3, 1), date(2027, 3, 31), 45),
        ]),
    ]),
    ("Parentalité et animation de la vie sociale : structurer la dynamique territoriale", [
        ("Développer et renforcer les lieux ressources parentalité", [
            ("3.1.1", "Créer une cartographie parentalité", FicheStatus.DONE, "Association Parents Ensemble", date(2025, 9, 1), date(2026, 6, 30), 100),
            ("3.1.2", "Ouvrir un lieu d'accueil enfants-parents à Rouvroy", FicheStatus.IN_PROGRESS, "Rouvroy", date(2026, 4, 1), date(2027, 3, 31), 25),
        ]),
        ("Développer les structures d'animation de la vie sociale", [
            ("3.2.1", "Accompagner la création d'un espace de vie sociale à Évin-Malmaison", FicheStatus.BLOCKED, "Évin-Malmaison", date(2026, 1, 1), date(2026, 12, 31), 20),
            ("3.2.2", "Mettre en place le Guichet Unique de l'Habitat", FicheStatus.DROPPED, "Communauté d'Agglomération d'Hénin-Carvin", date(2026, 1, 1), date(2026, 12, 31), 10),
        ]),
    ]),
]

JOURNAL_ITEMS = {
    JournalKind.SUPPORT_INFORMATION: ["Guide des modes d'accueil", "Flyer accueil de loisirs été", "Page CTG sur le site de l'agglomération", "Affiche permanence accès aux droits"],
    JournalKind.SUPPORT_RESEAU: ["Annuaire des acteurs ressources", "Tableau de bord commun CTG", "Trame de compte rendu partagée"],
    JournalKind.CONSEIL_APPUI: ["Appui au montage du projet social", "Conseil sur la prestation de service jeunes", "Appui à la demande de bonus territoire"],
    JournalKind.RELAIS_CAF: ["Relais des appels à projets parentalité", "Relais de l'offre de service logement Caf", "Information sur la réforme des modes d'accueil"],
    JournalKind.ENJEU_EXPLICITE: ["Service public de la petite enfance expliqué aux élus", "Présentation du schéma départemental des services aux familles"],
    JournalKind.NOUVEAU_SUJET: ["Mobilité des jeunes vers les lieux d'accueil", "Accueil des enfants aux horaires atypiques"],
    JournalKind.NOUVELLE_PROBLEMATIQUE: ["Non-recours aux droits des familles monoparentales", "Inclusion numérique des parents"],
    JournalKind.INITIATIVE_CITOYENNE: ["Café des parents à Libercourt", "Jardin partagé intergénérationnel"],
    JournalKind.PROJET_FACILITE: ["Projet de ludothèque itinérante", "Séjour jeunes mutualisé entre trois communes"],
    JournalKind.PROJET_HABITANTS: ["Conseil des familles de Carvin", "Fête de quartier co-construite"],
    JournalKind.INGENIERIE: ["Méthodologie d'évaluation mise à disposition", "Outil de recueil des besoins des familles"],
    JournalKind.DECISION_FACILITEE: ["Arbitrage sur la localisation du relais petite enfance"],
}


def is_empty(session: Session) -> bool:
    """True when the database holds no user data (the referential does not count)."""
    user_tables = [t for t in Base.metadata.sorted_tables if not t.name.startswith(("ref_", "referential_"))]
    return all(session.execute(select(func.count()).select_from(t)).scalar_one() == 0 for t in user_tables)


def clear_user_data(session: Session) -> None:
    for table in reversed(Base.metadata.sorted_tables):
        if not table.name.startswith(("ref_", "referential_")):
            session.execute(table.delete())
    session.flush()


def build_demo(session: Session, today: date | None = None) -> None:
    """Fill an empty database with the demo territory (meetings after `today` stay planned)."""
    today = today or date.today()
    rng = random.Random(SEED)
    referential.ensure_referential(session)

    ctg1 = territory.create_convention(
        session, name="CTG 1 Hénin-Carvin", territory="Communauté d'Agglomération d'Hénin-Carvin",
        first_year=2022, last_year=2025, signed_on=date(2022, 6, 30),
    )
    ctg2 = territory.create_convention(
        session, name="CTG 2 Hénin-Carvin 2026-2030", territory="Communauté d'Agglomération d'Hénin-Carvin",
        first_year=2026, last_year=2030, signed_on=date(2025, 12, 17),
        notes="Convention Territoriale Globale de service aux familles, du 1er janvier 2026 au 31 décembre 2030.",
    )

    orgs: dict[str, Organisation] = {}
    for name, kind in STRUCTURES:
        orgs[name] = territory.create_organisation(session, name=name, kind=kind)
    epci = orgs["Communauté d'Agglomération d'Hénin-Carvin"]
    for name, insee, population, deliberation, signed in COMMUNES:
        orgs[name] = territory.create_organisation(
            session, name=name, kind=OrganisationKind.COMMUNE, insee_code=insee, population=population,
            parent_id=epci.id, deliberation_date=deliberation, engagement_signed=signed,
            engagement_date=deliberation + timedelta(days=30) if signed and deliberation else None,
        )
    communes = [orgs[c[0]] for c in COMMUNES]
    for convention in (ctg1, ctg2):
        convention.perimeter = [epci, *communes]
        territory.add_signatory(session, convention.id, epci.id, representative="Le Président")
        territory.add_signatory(session, convention.id, orgs["Caf du Pas-de-Calais"].id, representative="Le Directeur")
    for name in ("Département du Pas-de-Calais", "MSA Nord-Pas-de-Calais"):
        territory.add_signatory(session, ctg2.id, orgs[name].id)

    persons = {}
    coordinators = {}
    for first, last, employer, cadre, lead in COORDINATORS:
        person = people.create_person(
            session, first_name=first, last_name=last, organisation_id=orgs[employer].id,
            role="Chargé·e de coopération CTG", email=f"{_ascii(first)}.{_ascii(last)}@exemple.fr",
        )
        persons[person.full_name] = person
        coordinators[person.full_name] = people.create_coordinator(
            session, person.id, employer_id=orgs[employer].id, cadre_emploi=cadre, is_project_lead=lead,
            start_date=date(2022, 9, 1) if lead else date(2023, 1, 1),
        )
    for first, last, org, role, elected in PARTNERS:
        person = people.create_person(session, first_name=first, last_name=last, organisation_id=orgs[org].id,
                                      role=role, is_elected=elected)
        persons[person.full_name] = person

    for name, (etp_2025, etp_2026, shares) in ETP_TABLE.items():
        if etp_2025 is not None:
            etp.set_allocation(session, orgs[name].id, 2025, etp_2025, people_count=len(shares) or None,
                               shares=[etp.ShareInput(coordinators[p].id) for p, _ in shares])
        etp.set_allocation(session, orgs[name].id, 2026, etp_2026, people_count=len(shares) or None,
                           shares=[etp.ShareInput(coordinators[p].id, Decimal(s)) for p, s in shares])

    fiches = _build_plan(session, ctg2, orgs, persons, today, rng)
    _build_meetings(session, orgs, persons, coordinators, fiches, today, rng)
    _build_journal(session, orgs, coordinators, communes, today, rng)


def _ascii(text: str) -> str:
    from ctgdesk.services.parsing import fold

    return fold(text).replace(" ", "-")


def _build_plan(session, convention, orgs, persons, today, rng):
    fiches = []
    for e_index, (enjeu_title, objectifs) in enumerate(PLAN, start=1):
        enjeu = plan.create_enjeu(session, convention.id, enjeu_title, number=str(e_index))
        for o_index, (objectif_title, fiche_specs) in enumerate(objectifs, start=1):
            objectif = plan.create_objectif(session, enjeu.id, objectif_title, number=f"{e_index}.{o_index}")
            for number, title, status, pilot, start, end, progress in fiche_specs:
                fiche = plan.create_fiche(
                    session, objectif.id, number=number, title=title, status=status, pilot_id=orgs[pilot].id,
                    category=enjeu_title.split(" :")[0], thematiques=enjeu_title.split(" :")[0].lower(),
                    referent_id=persons["Claire Dumont"].id, elected_referent_id=persons["Christophe Morel"].id,
                    public="Familles du territoire", start_date=start, end_date=end,
                    budget=Decimal(rng.choice([5000, 12000, 25000, 40000])),
                    description=f"{title}. Action inscrite au plan d'action de la CTG 2026-2030.",
                    blocking="Locaux non disponibles" if status is FicheStatus.BLOCKED else "",
                    partner_ids=[orgs["Caf du Pas-de-Calais"].id, orgs["Département du Pas-de-Calais"].id],
                    commune_ids=[orgs[c].id for c in rng.sample([c[0] for c in COMMUNES], 3)],
                )
                plan.add_funding(session, fiche.id, orgs["Caf du Pas-de-Calais"].id, fiche.budget * Decimal("0.6"))
                plan.add_funding(session, fiche.id, orgs["Communauté d'Agglomération d'Hénin-Carvin"].id, fiche.budget * Decimal("0.4"))
                middle = start + (end - start) / 2
                plan.add_step(session, fiche.id, "Cadrage et partenariats", start, middle, done=progress >= 50)
                plan.add_step(session, fiche.id, "Mise en œuvre et évaluation", middle, end, done=progress == 100)
                indicator = plan.add_indicator(
                    session, fiche.id, "Nombre de familles bénéficiaires", kind=FicheIndicatorKind.RESULT,
                    unit="familles", reference_value=0, target_value=rng.choice([50, 80, 120]), source="Structure pilote",
                )
                plan.add_indicator(session, fiche.id, "Nombre de réunions partenariales", kind=FicheIndicatorKind.MEANS,
                                   unit="réunions", reference_value=0, target_value=4, source="ctgdesk")
                if progress:
                    plan.set_indicator_value(session, indicator.id, 2026, int(indicator.target_value * progress / 100))
                for step_progress, month in ((progress // 2, 3), (progress, 9)):
                    when = date(2026, month, 15)
                    if progress and when <= today and when >= start - timedelta(days=60):
                        plan.add_follow_up(session, fiche.id, when, step_progress, "Point d'étape en groupe projet.")
                fiches.append(fiche)
    return fiches


MEETING_HOURS = [9, 10, 14, 15]  # meetings last two hours: over by 17:00, within 9:00–17:30
WORKING_HOURS = (time(9, 0), time(17, 30))


def working_day(day: date) -> date:
    """The day itself from Monday to Friday, else the Monday after."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _build_meetings(session, orgs, persons, coordinators, fiches, today, rng):
    instances = {}
    for name, kind, theme, minimum, members in INSTANCES:
        instances[name] = meetings.create_instance(
            session, name=name, kind=kind, theme=theme, min_per_year=minimum,
            members=[(persons[m].id, None) for m in members],
        )
    communes = [orgs[c[0]] for c in COMMUNES]
    lead = coordinators["Claire Dumont"]
    decision_pool = iter(DECISIONS * 10)
    alert_pool = iter(ALERTS * 5)
    blocked = [f for f in fiches if f.status is FicheStatus.BLOCKED]
    for year in (2025, 2026):
        for name, kind, _theme, _minimum, members in INSTANCES:
            count = MEETINGS_PER_YEAR[kind]
            if year == 2026 and kind is InstanceKind.COTECH:
                count = 1  # the dashboard shows an instance under its minimum frequency
            for index in range(count):
                month = 1 + int((index + 0.5) * 12 / count)
                day = rng.randint(3, 26)
                start = datetime.combine(working_day(date(year, month, day)), time(rng.choice(MEETING_HOURS), 0))
                held = start.date() < today
                animator = lead if kind in (InstanceKind.COPIL, InstanceKind.COTECH, InstanceKind.GROUPE_PROJET,
                                            InstanceKind.RESEAU_COORDINATEURS, InstanceKind.GROUPE_ELUS) \
                    else rng.choice(list(coordinators.values()))
                attendances = []
                if held:
                    for member in members:
                        status = rng.choices(list(AttendanceStatus), weights=[8, 2, 1])[0]
                        attendances.append(meetings.AttendanceInput(person_id=persons[member].id, status=status))
                    if kind in (InstanceKind.COPIL, InstanceKind.GROUPE_THEMATIQUE, InstanceKind.VEILLE):
                        attendances.append(meetings.AttendanceInput(organisation_id=rng.choice(communes).id))
                data = meetings.MeetingInput(
                    instance_id=instances[name].id, starts_at=start, ends_at=start + timedelta(hours=2),
                    place=rng.choice(PLACES), animator_id=animator.id,
                    status=MeetingStatus.HELD if held else MeetingStatus.PLANNED,
                    title=f"{name} n°{index + 1}",
                    agenda="1. Actualités du territoire\n2. Avancement du plan d'action\n3. Questions diverses",
                    minutes="Relevé de décisions ci-joint." if held else "",
                    diagnostic_partage=held and year == 2025 and kind in (InstanceKind.GROUPE_THEMATIQUE, InstanceKind.VEILLE),
                    commune_ids=[c.id for c in rng.sample(communes, rng.randint(1, 3))],
                    attendances=attendances,
                )
                if held and kind in (InstanceKind.COPIL, InstanceKind.COTECH, InstanceKind.GROUPE_ELUS):
                    for _ in range(rng.randint(2, 3)):
                        due = start.date() + timedelta(days=rng.choice([30, 60, 120]))
                        status = DecisionStatus.DONE if due < today - timedelta(days=60) else rng.choice(
                            [DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS])
                        data.decisions.append(meetings.DecisionInput(
                            text=next(decision_pool), carried_by_id=rng.choice(list(persons.values())).id,
                            due_date=due, status=status))
                if held and kind is InstanceKind.COPIL:
                    fiche = blocked[index % len(blocked)] if year == 2026 and index == 0 and blocked else None
                    resolved = start.date() + timedelta(days=90) if year == 2025 else None
                    data.alerts.append(meetings.AlertInput(text=next(alert_pool), fiche_id=fiche.id if fiche else None,
                                                           resolved_on=resolved))
                    label, org, subject = EXPERTISES[index % len(EXPERTISES)]
                    data.expertises.append(meetings.ExpertiseInput(subject=subject, expert_label=label,
                                                                   organisation_id=orgs[org].id))
                if held and kind is InstanceKind.GROUPE_THEMATIQUE and index == 0:
                    label, org, subject = EXPERTISES[(index + year) % len(EXPERTISES)]
                    data.expertises.append(meetings.ExpertiseInput(subject=subject, expert_label=label,
                                                                   organisation_id=orgs[org].id))
                meetings.save_meeting(session, data, now=datetime.combine(today, time(12, 0)))


def _build_journal(session, orgs, coordinators, communes, today, rng):
    partners = [o for o in orgs.values() if o.kind is not OrganisationKind.COMMUNE]
    for year in (2025, 2026):
        for kind, natures in JOURNAL_ITEMS.items():
            for nature in natures:
                when = date(year, rng.randint(1, 12), rng.randint(1, 28))
                if when > today:
                    continue
                journal.save_entry(session, journal.JournalInput(
                    date=when, kind=kind, nature=nature, coordinator_id=rng.choice(list(coordinators.values())).id,
                    duration_minutes=rng.choice([30, 60, 90, 120, None]),
                    partner_ids=[p.id for p in rng.sample(partners, rng.randint(1, 2))],
                    commune_ids=[c.id for c in rng.sample(communes, rng.randint(0, 2))],
                ))
