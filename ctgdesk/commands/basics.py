"""demo, info, check, upgrade: create the demo territory, show what a database holds, check
it, bring it to the current schema."""

from __future__ import annotations

import argparse

from sqlalchemy import func, select

from ctgdesk.cli import CommandError, db_path, open_base, tell_read_only
from ctgdesk.db.opening import Access, OpeningRefused
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
    p.add_argument("--force", action="store_true",
                   help="remplace les données d'une base non vide (sauvegardées avant)")
    p.set_defaults(handler=run_demo)
    p = subparsers.add_parser("info", help="chemin, version du schéma et contenu de la base")
    p.set_defaults(handler=run_info)
    p = subparsers.add_parser("check", help="intégrité et version du schéma (code de sortie non nul en cas de problème)")
    p.set_defaults(handler=run_check)
    p = subparsers.add_parser("upgrade", help="met la base au schéma de cette version (sauvegarde faite avant)")
    p.set_defaults(handler=run_upgrade)


def run_demo(args) -> int:
    from ctgdesk.db.backup import BackupError, BackupKind, make_backup

    with open_base(args, Access.CREATE, referential=False) as base:  # build_demo loads it
        db = base.db
        with db.session() as session:
            empty = demo.is_empty(session)
        if not empty and not args.force:
            untouched = ("aucune donnée n'a été remplacée (seul le schéma a été mis à jour)"
                         if base.pre_migration_backup is not None else "rien n'a été modifié")
            raise CommandError(
                f"La base {base.path} contient déjà des données : {untouched}. "
                "Utilisez « demo --force » pour les remplacer par la démonstration."
            )
        if not empty:
            # What is replaced is kept first: a verified copy, never thinned by the rotation.
            try:
                saved = make_backup(base.path, BackupKind.MANUAL)
            except BackupError as error:
                raise CommandError(f"{error} La base n'a pas été remplacée.") from None
            print(f"Les données remplacées ont été sauvegardées dans « {saved.path} ».")
        with db.transaction() as session:
            if not empty:
                demo.clear_user_data(session)
            demo.build_demo(session)
    print(f"Territoire de démonstration créé dans {base.path}")
    return 0


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def run_info(args) -> int:
    with open_base(args, Access.READ) as base:
        db = base.db
        with db.session() as session:
            years = etp.allocation_years(session)
            lines = [
                f"Base : {base.path}",
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
    print("\n".join(lines))
    return 0


def run_check(args) -> int:
    """The same verdict as `verify` and the window: SQLite's check, a ctgdesk base with
    exactly ctgdesk's tables, at this version's schema. Reads only."""
    from ctgdesk.db.opening import open_base as open_checked_base

    try:
        with open_checked_base(db_path(args), Access.READ, engine=False) as base:
            path, revision = base.path, base.report.revision
            tell_read_only(base)
    except OpeningRefused as problem:
        print(f"Problème : {problem}")
        return 1
    print(f"Base {path} : intégrité vérifiée, schéma {revision} à jour.")
    return 0


def run_upgrade(args) -> int:
    with open_base(args, Access.WRITE) as base:
        revision = base.db.schema_revision()
        if base.pre_migration_backup is None:
            print(f"La base {base.path} est déjà au schéma de cette version ({revision}) : rien à faire.")
        else:
            print(f"Base {base.path} mise à jour (schéma {revision}).")
    return 0
