"""A large, realistic CTG territory for the benchmark — the biggest territory we plan for.

At scale 1: 100 communes and 25 structures, 60 chargé·e·s de coopération, 10 years (two
conventions of five years), 150 instances with their usual members, 20 000 meetings,
150 000 attendances, 25 000 decisions, 1 500 alerts, 2 000 expertises, 50 000 journal
entries, 300 fiches actions (étapes, indicators and their yearly values, fundings, suivi),
the ETP allocations of every commune and structure for every year with their shares.

Rows are generated deterministically (`random.Random(seed)`), with explicit ids, and written
with SQLAlchemy Core bulk inserts (executemany of lists of dicts) in one transaction, into a
database created by `ctgdesk.db.open_database` (the real migrations) holding the national
referential (`services.referential.ensure_referential`). The counts scale with `scale`
(years do not).

    python -m bench.generate --scale 0.1          # builds (or reuses) bench/out/territory-….sqlite

The built file is cached under bench/out/, keyed by the scale, the dates, the seed and a
hash of the schema (head revision + DDL of the models) and of this file: a rerun reuses it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "out"
SEED = 20261123
DEFAULT_TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Params:
    """How many of each record the territory holds (scale 1 = the biggest territory)."""

    communes: int = 100
    structures: int = 25
    coordinators: int = 60
    partners: int = 1_200  # people who are not coordinators (élus, partners, participants)
    years: int = 10
    instances: int = 150
    meetings: int = 20_000
    attendances: int = 150_000
    decisions: int = 25_000
    alerts: int = 1_500
    expertises: int = 2_000
    journal_entries: int = 50_000
    fiches: int = 300

    def scaled(self, scale: float) -> Params:
        if scale <= 0:
            raise ValueError("scale must be > 0")
        values = {
            f.name: getattr(self, f.name) if f.name == "years" else max(1, round(getattr(self, f.name) * scale))
            for f in fields(self)
        }
        return Params(**values)


# Partner institutions present whatever the scale (signatories of the convention).
INSTITUTIONS = [
    ("Caf du Nord", "caf"),
    ("Département du Nord", "departement"),
    ("MSA Nord-Pas-de-Calais", "msa"),
]
STRUCTURE_KINDS = ["sivom", "centre_social", "association", "centre_social", "ecole", "association"]

_PREFIXES = ["Saint", "Sainte", "Notre-Dame", "Le", "La", "Les", "Mont", "Bois", "Val", "Neuville", "Ville", "Fontaine"]
_ROOTS = ["Amand", "Omer", "Pol", "Béthune", "Aubert", "Hilaire", "Martin", "Laurent", "Rémy", "Vaast", "Éloi",
          "Quentin", "Riquier", "Waast", "Hénin", "Carvin", "Lens", "Arras", "Douai", "Liévin", "Bruay", "Marles",
          "Auchy", "Billy", "Cuinchy", "Festubert", "Givenchy", "Harnes", "Loison", "Méricourt", "Sallaumines"]
_SUFFIXES = ["", "", "", "-sur-Lys", "-en-Gohelle", "-lès-Lens", "-sur-Scarpe", "-en-Artois", "-le-Grand", "-au-Bois",
             "-sur-la-Lawe", "-Plage", "-en-Ternois"]
_FIRST = ["Claire", "Karim", "Sophie", "Julien", "Nadia", "Thomas", "Amandine", "Mehdi", "Élodie", "Pauline",
          "Christophe", "Isabelle", "Laurent", "Sandrine", "Olivier", "Martine", "Patrick", "Nathalie", "Hervé",
          "Céline", "Fabrice", "Agnès", "Yasmine", "Bruno", "Léa", "Hugo", "Chloé", "Nicolas", "Inès", "Marc"]
_LAST = ["Dumont", "Benali", "Lefebvre", "Delattre", "Haddad", "Wattel", "Caron", "Ouali", "Lemaire", "Vasseur",
         "Morel", "Marchand", "Dupuis", "Leroy", "Roussel", "Fontaine", "Deramecourt", "Boucher", "Lenglet",
         "Duhamel", "Carpentier", "Delcroix", "Bouzid", "Vanhove", "Lecomte", "Dhainaut", "Lefort", "Vandamme",
         "Pruvost", "Desmet", "Kaczmarek", "Nowak", "Dubois", "Masson", "Bernard"]
_ROLES = ["Adjoint·e à la petite enfance", "Directeur·rice du CCAS", "Conseiller·ère territorial·e Caf",
          "Responsable MDS", "Directeur·rice de centre social", "Élu·e à la jeunesse", "Animateur·rice",
          "Président·e d'association", "Principal·e de collège", "Travailleur·se social·e", "Maire adjoint·e"]
_THEMES = ["Petite enfance", "Parentalité", "Enfance-jeunesse", "Accès aux droits", "Logement", "Vie sociale",
           "Handicap", "Mobilité", "Inclusion numérique"]
_PLACES = ["Siège de l'intercommunalité", "Mairie", "Centre social", "Salle des fêtes", "Maison du Département",
           "Médiathèque", "Espace de vie sociale", "Visioconférence"]
_TOPICS = ["Avancement du plan d'action", "Bilan annuel", "Diagnostic partagé", "Programmation", "Point d'étape",
           "Préparation du COPIL", "Schéma des services aux familles", "Appels à projets", "Accueil de loisirs"]
_DECISIONS = [
    "Valider le calendrier des groupes thématiques", "Lancer le diagnostic petite enfance",
    "Créer une cartographie des lieux ressources parentalité", "Présenter le bilan annuel au prochain COPIL",
    "Ouvrir une consultation des familles sur les horaires d'accueil", "Mutualiser les supports de communication",
    "Réviser la fiche action inclusion numérique", "Associer la Mission locale au groupe jeunesse",
    "Relancer les communes sans délibération", "Harmoniser les tarifs des accueils de loisirs",
]
_ALERTS = ["Retard du projet faute de locaux", "Baisse de fréquentation de l'accueil de loisirs",
           "Départ non remplacé de la coordinatrice", "Financement non confirmé", "Partenaire désengagé"]
_EXPERTS = ["Conseillère technique Caf", "Observatoire départemental", "Référent handicap MSA",
            "Cabinet d'études", "Fédération des centres sociaux"]
_FICHES = ["Créer un relais petite enfance", "Réaliser un diagnostic", "Former les professionnels à l'inclusion",
           "Harmoniser les tarifs", "Ouvrir un accueil de loisirs", "Créer une cartographie parentalité",
           "Ouvrir un lieu d'accueil enfants-parents", "Accompagner un espace de vie sociale",
           "Développer l'accès aux droits", "Soutenir l'engagement des jeunes"]
_ENJEUX = ["Petite enfance", "Enfance-jeunesse", "Parentalité", "Animation de la vie sociale",
           "Accès aux droits et logement", "Inclusion numérique"]

INSTANCE_KINDS_HEAD = ["copil", "cotech", "groupe_projet", "groupe_elus", "reseau_coordinateurs"]
INSTANCE_KINDS_CYCLE = ["groupe_thematique", "comite_operationnel", "commission", "veille", "reunion_publique",
                        "groupe_thematique", "comite_operationnel", "veille"]
# How often each kind meets, relative to the others.
KIND_WEIGHT = {"copil": 2, "cotech": 3, "groupe_projet": 8, "groupe_elus": 2, "reseau_coordinateurs": 6,
               "groupe_thematique": 5, "comite_operationnel": 5, "commission": 4, "veille": 5, "reunion_publique": 2}
DECISION_WEIGHT = {"copil": 6, "cotech": 4, "groupe_elus": 4, "comite_operationnel": 2, "groupe_projet": 1,
                   "groupe_thematique": 1, "commission": 2}
ALERT_KINDS = ("copil", "cotech")
EXPERTISE_KINDS = ("copil", "cotech", "comite_operationnel", "groupe_projet", "groupe_thematique", "commission")
JOURNAL_KIND_WEIGHT = {
    "support_information": 8, "support_reseau": 5, "conseil_appui": 10, "relais_caf": 8, "enjeu_explicite": 4,
    "nouveau_sujet": 3, "nouvelle_problematique": 3, "initiative_citoyenne": 2, "projet_facilite": 4,
    "projet_habitants": 2, "ingenierie": 3, "decision_facilitee": 2, "autre": 2,
}


# --- cache ---------------------------------------------------------------------------------

def schema_key() -> str:
    """Head revision + DDL of the models + this file: any change gives a new cache file."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from ctgdesk.db.migrate import head_revision
    from ctgdesk.models import Base

    digest = hashlib.sha1(head_revision().encode())
    dialect = sqlite.dialect()
    for table in Base.metadata.sorted_tables:
        digest.update(str(CreateTable(table).compile(dialect=dialect)).encode())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            digest.update(str(CreateIndex(index).compile(dialect=dialect)).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:10]


def cache_path(scale: float, *, seed: int = SEED, today: date = DEFAULT_TODAY, out_dir: Path = OUT_DIR) -> Path:
    return out_dir / f"territory-s{scale:g}-{today.isoformat()}-seed{seed}-{schema_key()}.sqlite"


def ensure_built(scale: float = 1.0, *, seed: int = SEED, today: date = DEFAULT_TODAY, out_dir: Path = OUT_DIR,
                 log=print) -> Path:
    """The cached territory for these parameters, built first if missing."""
    path = cache_path(scale, seed=seed, today=today, out_dir=out_dir)
    if path.exists():
        log(f"Territoire en cache : {path.name}")
        return path
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(f"territory-s{scale:g}-*.sqlite"):
        stale.unlink()
    tmp = path.with_suffix(".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    counts = build(tmp, Params().scaled(scale), seed=seed, today=today)
    os.replace(tmp, path)
    log(f"Territoire construit en {time.perf_counter() - started:.1f} s : {path.name} "
        f"({sum(counts.values())} lignes)")
    return path


# --- generation ----------------------------------------------------------------------------

class _Gen:
    def __init__(self, params: Params, seed: int, today: date):
        self.p = params
        self.rng = random.Random(seed)
        self.uid_rng = random.Random(seed ^ 0x5EED)
        self.today = today
        self.last_year = today.year
        self.first_year = today.year - params.years + 1
        self.stamp = datetime(today.year, today.month, today.day, 8, 0)

    def uid(self) -> str:
        return str(uuid.UUID(int=self.uid_rng.getrandbits(128), version=4))

    def tracked(self, **row) -> dict:
        row["uid"] = self.uid()
        row["updated_at"] = self.stamp
        return row

    def random_day(self, year: int) -> date:
        start = date(year, 1, 1)
        while True:
            day = start + timedelta(days=self.rng.randrange(365))
            if day.weekday() < 5:
                return day


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(_PREFIXES)}-{rng.choice(_ROOTS)}{rng.choice(_SUFFIXES)}"
        if name not in used:
            used.add(name)
            return name
        name = f"{name} ({len(used)})"
        if name not in used:
            used.add(name)
            return name


def _spread(rng: random.Random, total: int, slots: int, mean_sd: float, low: int, high: int) -> list[int]:
    """`slots` counts between low and high, around total/slots, summing exactly to total."""
    if slots == 0:
        return []
    if not slots * low <= total <= slots * high:
        raise ValueError(f"cannot spread {total} over {slots} slots of {low}..{high} (scale too small?)")
    mean = total / slots
    counts = [min(high, max(low, round(rng.gauss(mean, mean_sd)))) for _ in range(slots)]
    diff = total - sum(counts)
    while diff:
        i = rng.randrange(slots)
        if diff > 0 and counts[i] < high:
            counts[i] += 1
            diff -= 1
        elif diff < 0 and counts[i] > low:
            counts[i] -= 1
            diff += 1
    return counts


def build(path: Path, params: Params, *, seed: int = SEED, today: date = DEFAULT_TODAY) -> dict[str, int]:
    """Create the database at `path` and fill it; returns the number of rows written per table."""
    from sqlalchemy import select

    from ctgdesk.db import open_database
    from ctgdesk.models import Base, RefFunction, RefIndicator
    from ctgdesk.services.referential import ensure_referential

    database = open_database(path)
    try:
        with database.transaction() as session:
            ensure_referential(session)
            function_codes = sorted(session.scalars(select(RefFunction.code)))
            manual_codes = [i.code for i in session.scalars(select(RefIndicator)) if i.is_manual]
        counts: dict[str, int] = {}
        tables = Base.metadata.tables
        with database.engine.begin() as connection:
            for name, rows in _generate(Params(**asdict(params)), seed, today, function_codes, manual_codes):
                if rows:
                    connection.execute(tables[name].insert(), rows)
                counts[name] = counts.get(name, 0) + len(rows)
        with database.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.dispose()
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):  # checkpointed: nothing left in them
        leftover.unlink(missing_ok=True)
    return counts


def _generate(p: Params, seed: int, today: date, function_codes: list[str], manual_codes: list[str]):
    """Yield (table name, rows) in an order that respects foreign keys."""
    g = _Gen(p, seed, today)
    rng = g.rng
    years = list(range(g.first_year, g.last_year + 1))

    # --- territory ---------------------------------------------------------------------------
    used: set[str] = set()
    organisations = []
    next_id = 1
    institution_ids = []
    for name, kind in INSTITUTIONS:
        organisations.append(g.tracked(
            id=next_id, name=name, kind=kind, insee_code=None, population=None, parent_id=None,
            deliberation_date=None, engagement_signed=False, engagement_date=None, notes=""))
        institution_ids.append(next_id)
        next_id += 1
    structure_ids = []
    for index in range(p.structures):
        kind = "epci" if index == 0 else STRUCTURE_KINDS[index % len(STRUCTURE_KINDS)]
        label = {"epci": "Communauté d'agglomération", "sivom": "SIVOM", "centre_social": "Centre social",
                 "association": "Association", "ecole": "Collège"}[kind]
        organisations.append(g.tracked(
            id=next_id, name=f"{label} {_name(rng, used)}", kind=kind, insee_code=None, population=None,
            parent_id=None, deliberation_date=None, engagement_signed=False, engagement_date=None, notes=""))
        structure_ids.append(next_id)
        next_id += 1
    epci_id = structure_ids[0]
    commune_ids = []
    for index in range(p.communes):
        deliberation = g.random_day(g.first_year) if rng.random() < 0.85 else None
        signed = deliberation is not None and rng.random() < 0.8
        organisations.append(g.tracked(
            id=next_id, name=_name(rng, used), kind="commune",
            insee_code=f"{59 + index // 900:02d}{100 + index % 900:03d}",
            population=int(rng.paretovariate(1.2) * 800), parent_id=epci_id, deliberation_date=deliberation,
            engagement_signed=signed, engagement_date=deliberation + timedelta(days=30) if signed else None,
            notes=""))
        commune_ids.append(next_id)
        next_id += 1
    yield "organisation", organisations
    local_ids = structure_ids + commune_ids  # what has an ETP allocation
    all_org_ids = institution_ids + local_ids

    split = max(1, len(years) // 2) if len(years) > 1 else 1
    convention_years = [(years[0], years[split - 1]), (years[split], years[-1])] if len(years) > 1 \
        else [(years[0], years[0])]
    conventions = [
        g.tracked(id=i + 1, name=f"CTG {i + 1} du territoire", territory="Communauté d'agglomération du Nord",
                  first_year=first, last_year=last, signed_on=date(first - 1, 12, 15), notes="")
        for i, (first, last) in enumerate(convention_years)
    ]
    yield "convention", conventions
    yield "convention_perimeter", [
        {"convention_id": c["id"], "organisation_id": o} for c in conventions for o in [epci_id, *commune_ids]
    ]
    signatories = []
    for convention in conventions:
        for position, org in enumerate([epci_id, *institution_ids]):
            signatories.append(g.tracked(
                id=len(signatories) + 1, convention_id=convention["id"], organisation_id=org,
                representative="Le Président" if position == 0 else "La Directrice", position=position,
                logo=None, logo_filename=None))
    yield "signatory", signatories

    # --- people and ETP -----------------------------------------------------------------------
    persons = []
    coordinators = []
    for index in range(p.coordinators):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        employer = rng.choice(local_ids)
        persons.append(g.tracked(
            id=index + 1, first_name=first, last_name=last, organisation_id=employer,
            role="Chargé·e de coopération CTG", email=f"cc{index + 1}@exemple.fr", phone=None,
            is_elected=False, anonymised=False))
        coordinators.append(g.tracked(
            id=index + 1, person_id=index + 1, employer_id=employer, cadre_emploi="Animateur territorial",
            is_project_lead=index == 0, start_date=date(g.first_year - rng.randint(0, 3), 9, 1), end_date=None))
    coordinator_ids = [c["id"] for c in coordinators]
    partner_ids = []
    for index in range(p.partners):
        person_id = p.coordinators + index + 1
        org = rng.choice(all_org_ids)
        persons.append(g.tracked(
            id=person_id, first_name=rng.choice(_FIRST), last_name=rng.choice(_LAST), organisation_id=org,
            role=rng.choice(_ROLES), email=f"p{person_id}@exemple.fr" if rng.random() < 0.7 else None,
            phone=None, is_elected=rng.random() < 0.2, anonymised=False))
        partner_ids.append(person_id)
    yield "person", persons
    yield "coordinator", coordinators

    allocations, shares = [], []
    for year in years:
        load = {c: Decimal("0") for c in coordinator_ids}
        for position, org in enumerate(local_ids):
            pending = year == g.last_year and rng.random() < 0.05
            etp = None if pending else Decimal(rng.choice(["0.100", "0.200", "0.300", "0.400", "0.500"]))
            allocation_id = len(allocations) + 1
            people = rng.choice([1, 1, 1, 2])
            allocations.append(g.tracked(
                id=allocation_id, organisation_id=org, year=year, etp=etp,
                status="en_cours" if pending else "fixe", people_count=people, notes=""))
            chosen = {coordinator_ids[(position + k * 7) % len(coordinator_ids)] for k in range(people)}
            for coordinator in sorted(chosen):
                share = None if etp is None else (etp / len(chosen)).quantize(Decimal("0.001"))
                if share is not None and load[coordinator] + share > 1:
                    share = None
                if share is not None:
                    load[coordinator] += share
                shares.append(g.tracked(id=len(shares) + 1, allocation_id=allocation_id,
                                        coordinator_id=coordinator, etp=share))
    yield "etp_allocation", allocations
    yield "etp_share", shares
    del allocations, shares

    # --- plan d'action ------------------------------------------------------------------------
    enjeux, objectifs = [], []
    objectifs_by_convention: dict[int, list[int]] = {}
    for convention in conventions:
        for e in range(5):
            enjeu_id = len(enjeux) + 1
            enjeux.append(g.tracked(
                id=enjeu_id, convention_id=convention["id"], number=str(e + 1),
                title=f"{_ENJEUX[e % len(_ENJEUX)]} : enjeu {e + 1} de la {convention['name']}",
                description="", position=e))
            for o in range(3):
                objectif_id = len(objectifs) + 1
                objectifs.append(g.tracked(
                    id=objectif_id, enjeu_id=enjeu_id, number=f"{e + 1}.{o + 1}",
                    title=f"Objectif {e + 1}.{o + 1} : {rng.choice(_THEMES).lower()}", position=o))
                objectifs_by_convention.setdefault(convention["id"], []).append(objectif_id)
    yield "enjeu", enjeux
    yield "objectif", objectifs
    objectif_convention = {o: c for c, os_ in objectifs_by_convention.items() for o in os_}
    objectif_number = {o["id"]: o["number"] for o in objectifs}
    convention_by_id = {c["id"]: c for c in conventions}
    all_objectifs = [o["id"] for o in objectifs]
    fiches, steps, indicators, values, fundings, follow_ups, fiche_partners, fiche_communes = ([] for _ in range(8))
    per_objectif: dict[int, int] = {}
    fiches_by_convention: dict[int, list[int]] = {}
    statuses = ["a_venir", "en_cours", "en_cours", "en_cours", "realisee", "realisee", "bloquee", "abandonnee"]
    for index in range(p.fiches):
        objectif_id = all_objectifs[index % len(all_objectifs)]
        per_objectif[objectif_id] = per_objectif.get(objectif_id, 0) + 1
        convention = convention_by_id[objectif_convention[objectif_id]]
        fiche_id = index + 1
        fiches_by_convention.setdefault(convention["id"], []).append(fiche_id)
        start = date(rng.randint(convention["first_year"], convention["last_year"]), rng.randint(1, 12), 1)
        end = start + timedelta(days=rng.randint(180, 900))
        status = rng.choice(statuses)
        budget = Decimal(rng.choice([5000, 12000, 25000, 40000, 80000]))
        fiches.append(g.tracked(
            id=fiche_id, objectif_id=objectif_id, number=f"{objectif_number[objectif_id]}.{per_objectif[objectif_id]}",
            title=f"{rng.choice(_FICHES)} ({index + 1})", category=rng.choice(_THEMES),
            description="Action inscrite au plan d'action de la convention. " * 3,
            thematiques=rng.choice(_THEMES).lower(), pilot_id=rng.choice(local_ids),
            referent_id=rng.choice(partner_ids), elected_referent_id=rng.choice(partner_ids),
            public="Familles du territoire", start_date=start, end_date=end, means="", budget=budget,
            status=status, blocking="Locaux non disponibles" if status == "bloquee" else ""))
        middle = start + (end - start) / 2
        for position, (label, s, e) in enumerate([("Cadrage", start, middle), ("Mise en œuvre", middle, end),
                                                  ("Évaluation", end - timedelta(days=30), end)]):
            steps.append(g.tracked(id=len(steps) + 1, fiche_id=fiche_id, title=label, start_date=s, end_date=e,
                                   done=status == "realisee" or (e < today and rng.random() < 0.7),
                                   position=position))
        for kind, label, unit in (("resultat", "Nombre de familles bénéficiaires", "familles"),
                                  ("moyens", "Nombre de réunions partenariales", "réunions")):
            indicator_id = len(indicators) + 1
            indicators.append(g.tracked(
                id=indicator_id, fiche_id=fiche_id, label=label, kind=kind, unit=unit,
                reference_value=Decimal(0), target_value=Decimal(rng.choice([4, 50, 80, 120])), source="Pilote"))
            for year in range(convention["first_year"], min(convention["last_year"], g.last_year) + 1):
                values.append(g.tracked(id=len(values) + 1, indicator_id=indicator_id, year=year,
                                        value=Decimal(rng.randint(0, 120))))
        share = (budget * Decimal("0.6")).quantize(Decimal("0.01"))
        for funder, amount in ((institution_ids[0], share), (epci_id, budget - share)):
            fundings.append(g.tracked(id=len(fundings) + 1, fiche_id=fiche_id, funder_id=funder, amount=amount))
        progress = 0
        for year in range(start.year, min(end.year, g.last_year) + 1):
            for month in (3, 9):
                when = date(year, month, 15)
                if when > today or when < start:
                    continue
                progress = min(100, progress + rng.randint(5, 30))
                follow_ups.append(g.tracked(id=len(follow_ups) + 1, fiche_id=fiche_id, date=when,
                                            progress=progress, comment="Point d'étape en groupe projet.",
                                            author_id=rng.choice(coordinator_ids)))
        for org in rng.sample(institution_ids, 2):
            fiche_partners.append({"fiche_id": fiche_id, "organisation_id": org})
        for org in rng.sample(commune_ids, min(len(commune_ids), rng.randint(1, 3))):
            fiche_communes.append({"fiche_id": fiche_id, "organisation_id": org})
    for name, rows in (("fiche_action", fiches), ("fiche_step", steps), ("fiche_indicator", indicators),
                       ("fiche_indicator_value", values), ("funding", fundings), ("follow_up", follow_ups),
                       ("fiche_partner", fiche_partners), ("fiche_commune", fiche_communes)):
        yield name, rows
    del fiches, steps, indicators, values, fundings, follow_ups, fiche_partners, fiche_communes

    # --- instances ----------------------------------------------------------------------------
    instances, members = [], []
    instance_kind: dict[int, str] = {}
    instance_members: dict[int, list[int]] = {}
    for index in range(p.instances):
        kind = INSTANCE_KINDS_HEAD[index] if index < len(INSTANCE_KINDS_HEAD) \
            else INSTANCE_KINDS_CYCLE[(index - len(INSTANCE_KINDS_HEAD)) % len(INSTANCE_KINDS_CYCLE)]
        instance_id = index + 1
        theme = rng.choice(_THEMES) if kind == "groupe_thematique" else ""
        name = {"copil": "Comité de pilotage CTG", "cotech": "Comité technique CTG",
                "groupe_projet": "Groupe projet CTG", "groupe_elus": "Groupe d'élus CTG",
                "reseau_coordinateurs": "Réseau des chargés de coopération"}.get(kind)
        if name is None:
            label = {"groupe_thematique": f"Groupe thématique {theme}", "comite_operationnel": "Comité opérationnel",
                     "commission": "Commission", "veille": "Réunion de veille",
                     "reunion_publique": "Concertation des habitants"}[kind]
            name = f"{label} — secteur {index + 1}"
        instances.append(g.tracked(id=instance_id, convention_id=None, name=name, kind=kind, theme=theme,
                                   min_per_year=rng.randint(2, 6), notes=""))
        instance_kind[instance_id] = kind
        if kind == "reseau_coordinateurs":
            people = list(rng.sample(range(1, p.coordinators + 1), min(p.coordinators, 12)))
        else:
            people = rng.sample(partner_ids, min(len(partner_ids), rng.randint(4, 12)))
            people.append(rng.choice(range(1, p.coordinators + 1)))  # the coordinator's own person
        instance_members[instance_id] = people
        for person_id in people:
            members.append(g.tracked(id=len(members) + 1, instance_id=instance_id, person_id=person_id,
                                     organisation_id=None))
    yield "instance", instances
    yield "instance_member", members
    del members

    # --- meetings -----------------------------------------------------------------------------
    instance_ids = list(instance_kind)
    weights = [KIND_WEIGHT[instance_kind[i]] for i in instance_ids]
    hours = [9, 10, 14, 17]
    raw = []
    for _ in range(p.meetings):
        instance_id = rng.choices(instance_ids, weights)[0]
        year = rng.choice(years)
        day = g.random_day(year)
        raw.append((datetime(day.year, day.month, day.day, rng.choice(hours)), instance_id))
    raw.sort()
    meetings, meeting_communes = [], []
    held: list[tuple[int, int, date]] = []  # (meeting id, instance id, day)
    meeting_status = []
    for index, (starts_at, instance_id) in enumerate(raw):
        meeting_id = index + 1
        past = starts_at.date() < today
        status = ("tenue" if rng.random() < 0.93 else "annulee") if past else "prevue"
        kind = instance_kind[instance_id]
        topic = rng.choice(_TOPICS)
        meetings.append(g.tracked(
            id=meeting_id, instance_id=instance_id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
            place=rng.choice(_PLACES), animator_id=rng.choice(coordinator_ids), status=status,
            title=f"{topic} — {starts_at:%m/%Y}",
            agenda=f"1. Actualités du territoire\n2. {topic}\n3. Questions diverses",
            minutes=("Relevé de décisions ci-joint. Les partenaires présents ont échangé sur "
                     f"{topic.lower()} et convenu des suites à donner.") if status == "tenue" else "",
            diagnostic_partage=status == "tenue" and kind in ("groupe_thematique", "veille") and rng.random() < 0.2))
        meeting_status.append(status)
        if status == "tenue":
            held.append((meeting_id, instance_id, starts_at.date()))
        for org in rng.sample(commune_ids, min(len(commune_ids), rng.randint(1, 3))):
            meeting_communes.append({"meeting_id": meeting_id, "organisation_id": org})
    yield "meeting", meetings
    yield "meeting_commune", meeting_communes
    del meetings, meeting_communes

    # Attendance: the usual members first, then other partners; a few communes as such.
    attendances = []
    counts = _spread(rng, p.attendances, len(raw), 2.5, 0, len(partner_ids))
    statuses = ["present", "excuse", "absent"]
    for index, ((_starts_at, instance_id), count) in enumerate(zip(raw, counts)):
        meeting_id = index + 1
        n_orgs = min(len(commune_ids), sum(1 for _ in range(count) if rng.random() < 0.05))
        n_people = count - n_orgs
        people = list(instance_members[instance_id])[:n_people]
        chosen = set(people)
        while len(people) < n_people:  # n_people <= len(partner_ids): always ends
            person = rng.choice(partner_ids)
            if person not in chosen:
                chosen.add(person)
                people.append(person)
        planned = meeting_status[index] != "tenue"
        for person in people:
            status = "present" if planned else rng.choices(statuses, [8, 2, 1])[0]
            attendances.append(g.tracked(id=len(attendances) + 1, meeting_id=meeting_id, person_id=person,
                                         organisation_id=None, status=status))
        for org in rng.sample(commune_ids, n_orgs):
            attendances.append(g.tracked(id=len(attendances) + 1, meeting_id=meeting_id, person_id=None,
                                         organisation_id=org, status="present"))
    yield "attendance", attendances
    del attendances

    # Decisions, alerts and expertise, on held meetings.
    fiche_year = {}
    for convention_id, ids in fiches_by_convention.items():
        convention = convention_by_id[convention_id]
        for year in range(convention["first_year"], convention["last_year"] + 1):
            fiche_year[year] = ids

    def pick(kind_weights, count):
        candidates = [h for h in held if instance_kind[h[1]] in kind_weights] or held
        if not candidates:
            return []
        w = [kind_weights.get(instance_kind[h[1]], 1) for h in candidates]
        return sorted(rng.choices(candidates, w, k=count))

    decisions = []
    for meeting_id, _instance_id, day in pick(DECISION_WEIGHT, p.decisions):
        due = day + timedelta(days=rng.choice([30, 60, 120]))
        if due < today - timedelta(days=60):
            status = rng.choices(["realisee", "abandonnee", "a_faire", "en_cours"], [90, 5, 3, 2])[0]
        else:
            status = rng.choice(["a_faire", "en_cours", "realisee"])
        fiches_then = fiche_year.get(day.year, [])
        decisions.append(g.tracked(
            id=len(decisions) + 1, meeting_id=meeting_id, text=rng.choice(_DECISIONS),
            carried_by_id=rng.choice(partner_ids), carried_by_organisation_id=None, due_date=due, status=status,
            fiche_id=rng.choice(fiches_then) if fiches_then and rng.random() < 0.2 else None))
    yield "decision", decisions
    del decisions

    alerts = []
    for meeting_id, _instance_id, day in pick({k: 1 for k in ALERT_KINDS}, p.alerts):
        old = day < today - timedelta(days=180)
        resolved = day + timedelta(days=rng.randint(30, 150)) if rng.random() < (0.95 if old else 0.4) else None
        if resolved is not None and resolved > today:
            resolved = None
        fiches_then = fiche_year.get(day.year, [])
        alerts.append(g.tracked(
            id=len(alerts) + 1, meeting_id=meeting_id,
            fiche_id=rng.choice(fiches_then) if fiches_then and rng.random() < 0.5 else None,
            raised_by_id=rng.choice(coordinator_ids), text=rng.choice(_ALERTS), raised_on=day,
            resolved_on=resolved, resolution="Solution trouvée en COTECH." if resolved else ""))
    yield "alert", alerts
    del alerts

    expertises = []
    for meeting_id, _instance_id, _day in pick({k: 1 for k in EXPERTISE_KINDS}, p.expertises):
        expertises.append(g.tracked(
            id=len(expertises) + 1, meeting_id=meeting_id, expert_id=None,
            organisation_id=rng.choice(institution_ids), expert_label=rng.choice(_EXPERTS),
            subject=f"Appui sur {rng.choice(_THEMES).lower()}"))
    yield "expertise", expertises
    del expertises

    # --- journal ------------------------------------------------------------------------------
    from ctgdesk.services.demo import JOURNAL_ITEMS
    from ctgdesk.services.journal import DEFAULT_FUNCTION

    kinds = list(JOURNAL_KIND_WEIGHT)
    kind_weights = list(JOURNAL_KIND_WEIGHT.values())
    natures = {k.value: v for k, v in JOURNAL_ITEMS.items()}
    defaults = {k.value: v for k, v in DEFAULT_FUNCTION.items()}
    dates = []
    last_day = (today - date(g.first_year, 1, 1)).days
    for _ in range(p.journal_entries):
        dates.append(date(g.first_year, 1, 1) + timedelta(days=rng.randrange(last_day)))
    dates.sort()
    entries, journal_partners, journal_communes = [], [], []
    partner_orgs = institution_ids + structure_ids
    for index, day in enumerate(dates):
        entry_id = index + 1
        kind = rng.choices(kinds, kind_weights)[0]
        code = defaults.get(kind) or rng.choice(function_codes)
        entries.append(g.tracked(
            id=entry_id, date=day, coordinator_id=rng.choice(coordinator_ids), function_code=code, kind=kind,
            nature=rng.choice(natures.get(kind, ["Autre démarche"])),
            description="Échange avec les partenaires, suites convenues.",
            duration_minutes=rng.choice([30, 60, 90, 120, None])))
        for org in rng.sample(partner_orgs, min(len(partner_orgs), rng.randint(1, 2))):
            journal_partners.append({"entry_id": entry_id, "organisation_id": org})
        for org in rng.sample(commune_ids, min(len(commune_ids), rng.randint(0, 2))):
            journal_communes.append({"entry_id": entry_id, "organisation_id": org})
    yield "journal_entry", entries
    yield "journal_partner", journal_partners
    yield "journal_commune", journal_communes
    del entries, journal_partners, journal_communes

    yield "indicator_entry", [
        g.tracked(id=i + 1, indicator_code=code, year=year, scope="territoire", value=rng.randint(1, 4),
                  nature="", comment="Appréciation de la chargée de coopération.")
        for i, (code, year) in enumerate((c, y) for c in manual_codes for y in years if y < g.last_year)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Construit le grand territoire du banc d'essai.")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--today", type=date.fromisoformat, default=DEFAULT_TODAY)
    args = parser.parse_args(argv)
    print(ensure_built(args.scale, seed=args.seed, today=args.today))
    return 0


if __name__ == "__main__":
    sys.exit(main())
