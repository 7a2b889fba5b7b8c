"""demo, info, check: create the demo territory, show what a database holds, check it."""

from __future__ import annotations

import argparse

from sqlalchemy import func, select

from ctgdesk.cli import CommandError, db_path
from ctgdesk.db import open_database
from ctgdesk.db.engine import make_engine
from ctgdesk.db.migrate import SchemaTooNew, current_revision, head_revision, is_empty, known_revisions
from ctgdesk.models import (
    Alert,
    Coordinator,
    Decision,
    FicheAction,
    JournalEntry,
    Meeting,
    Organisation,
    OrganisationKind,
    RefFunction,
    RefIndicator,
    RefObjective,
)
from ctgdesk.services import demo, etp
from ctgdesk.formatting import decimal2


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="crée le territoire de démonstration dans la base")
    p.add_argument("--force", action="store_true", help="remplace les données d'une base non vide")
    p.set_defaults(handler=run_demo)
    p = subparsers.add_parser("info", help="chemin, version du schéma et contenu de la base")
    p.set_defaults(handler=run_info)
    p = subparsers.add_parser("check", help="intégrité et version du schéma (code de sortie non nul en cas de problème)")
    p.set_defaults(handler=run_check)


def _open(args):
    try:
        return open_database(db_path(args))
    except SchemaTooNew as error:
        raise CommandError(
            f"La base {db_path(args)} a été écrite par une version plus récente de ctgdesk "
            f"(schéma {error}). Mettez ctgdesk à jour."
        ) from None


def run_demo(args) -> int:
    db = _open(args)
    try:
        with db.transaction() as session:
            if not demo.is_empty(session):
                if not args.force:
                    raise CommandError(
                        f"La base {db.path} contient déjà des données : rien n'a été modifié. "
                        "Utilisez « demo --force » pour les remplacer par la démonstration."
                    )
                demo.clear_user_data(session)
            demo.build_demo(session)
    finally:
        db.dispose()
    print(f"Territoire de démonstration créé dans {db.path}")
    return 0


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def run_info(args) -> int:
    db = _open(args)
    try:
        with db.transaction() as session:
            from ctgdesk.services.referential import ensure_referential

            ensure_referential(session)
            years = etp.allocation_years(session)
            lines = [
                f"Base : {db.path}",
                f"Version du schéma : {db.schema_revision()}",
                f"Communes : {_count(session, Organisation, Organisation.kind == OrganisationKind.COMMUNE)}",
                f"Structures et partenaires : {_count(session, Organisation, Organisation.kind != OrganisationKind.COMMUNE)}",
                f"Chargé·e·s de coopération : {_count(session, Coordinator)}",
                f"Réunions : {_count(session, Meeting)}",
                f"Décisions : {_count(session, Decision)}",
                f"Alertes au COPIL : {_count(session, Alert)}",
                f"Fiches actions : {_count(session, FicheAction)}",
                f"Entrées du journal : {_count(session, JournalEntry)}",
                f"Référentiel : {_count(session, RefObjective)} objectifs, {_count(session, RefFunction)} fonctions, "
                f"{_count(session, RefIndicator)} indicateurs",
            ]
            if years:
                grid = etp.etp_grid(session, years)
                totals = ", ".join(
                    f"{y} : {decimal2(grid.column_total(y))}"
                    + (f" (+{grid.pending_count(y)} en cours)" if grid.pending_count(y) else "")
                    for y in years
                )
                lines.append(f"ETP de coordination : {totals}")
    finally:
        db.dispose()
    print("\n".join(lines))
    return 0


def run_check(args) -> int:
    path = db_path(args)
    if not path.exists():
        raise CommandError(f"Le fichier {path} n'existe pas.")
    engine = make_engine(path, read_only=True)
    problems = []
    try:
        with engine.connect() as connection:
            result = connection.exec_driver_sql("PRAGMA quick_check").scalar()
            if result != "ok":
                problems.append(f"La base est endommagée : {result}")
        if not problems:
            if is_empty(engine):
                problems.append("La base est vide (aucune table ctgdesk).")
            else:
                revision = current_revision(engine)
                if revision is None:
                    problems.append("Ce fichier n'est pas une base ctgdesk (pas de version de schéma).")
                elif revision not in known_revisions():
                    problems.append(f"Schéma {revision} inconnu : base écrite par une version plus récente de ctgdesk.")
                elif revision != head_revision():
                    problems.append(f"Schéma {revision} à mettre à jour vers {head_revision()} (fait à l'ouverture).")
    except Exception as error:  # a file that is not SQLite at all
        problems.append(f"Le fichier ne peut pas être lu comme une base ctgdesk : {error}")
    finally:
        engine.dispose()
    if problems:
        for problem in problems:
            print(f"Problème : {problem}")
        return 1
    print(f"Base {path} : intégrité vérifiée, schéma {head_revision()} à jour.")
    return 0
