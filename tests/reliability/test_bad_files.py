"""Every command of the command line against every kind of bad base file.

For each kind of file a hostile tester gives as `--db` (another program's SQLite file, a
foreign Alembic base, a newer and an older schema, a table added by another program, a
damaged and a truncated base, a file that is not SQLite, a directory, a healthy base in a
read-only folder, a base whose lock another process holds), every command listed by the
parser is run, and what it does is checked:
- the exit code (refused: 1; done: 0; never 70, the unexpected error);
- a French sentence on stdout/stderr naming the problem, never a "Traceback";
- the file's bytes unchanged (sha256), unless the command is meant to write and kept what
  it replaced (a pre-migration backup with the same content, or the damaged file set aside);
- no lock file left behind, and another process's lock left as it was.

Commands run in this process through ctgdesk.cli.main (capsys). The read-only folder is
read-only by its permissions, or by a read-only bind mount when the tests run as root.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from ctgdesk import cli
from ctgdesk.db.backup import content_fingerprint, list_backups
from ctgdesk.db.lock import lock_path
from tests.reliability import bad_files
from tests.reliability.bad_files import BUILDERS, sha256

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="permissions et processus POSIX")

# What a command does with the base.
READ, COPY, PREVIEW, WRITE, REPLACE, NONE = "lit", "copie", "apercu", "ecrit", "remplace", "aucun"

# Every command line, {db}, {ids.*}, {inp} (inputs) and {out} (outputs) filled in per run.
COMMANDS: list[tuple[str, str, list[str]]] = [
    ("demo", WRITE, ["demo"]),
    ("demo", WRITE, ["demo", "--force"]),
    ("info", READ, ["info"]),
    ("check", READ, ["check"]),
    ("upgrade", WRITE, ["upgrade"]),
    ("backup", COPY, ["backup"]),
    ("backup", COPY, ["backup", "--out", "{out}/copie.sqlite"]),
    ("backups", NONE, ["backups"]),
    ("restore", REPLACE, ["restore", "{inp}/sauvegarde.sqlite"]),
    ("verify", READ, ["verify"]),
    ("rgpd inventory", NONE, ["rgpd", "inventory"]),
    ("rgpd export", READ, ["rgpd", "export", "{partner}", "--out", "{out}/personne.json"]),
    ("rgpd anonymise", WRITE, ["rgpd", "anonymise", "{partner}"]),
    ("rgpd erase", WRITE, ["rgpd", "erase", "{loner}"]),
    ("rgpd stale", READ, ["rgpd", "stale", "--years", "3"]),
    ("import etp", WRITE, ["import", "etp", "{inp}/etp.csv", "--year", "2026"]),
    ("import etp", PREVIEW, ["import", "etp", "{inp}/etp.csv", "--year", "2026", "--dry-run"]),
    ("import communes", WRITE, ["import", "communes", "{inp}/communes.csv", "--codes", "62427"]),
    ("import communes", PREVIEW, ["import", "communes", "{inp}/communes.csv", "--codes", "62427", "--dry-run"]),
    ("import meetings", WRITE, ["import", "meetings", "{inp}/reunions.csv"]),
    ("import meetings", PREVIEW, ["import", "meetings", "{inp}/reunions.csv", "--dry-run"]),
    ("import workbook", WRITE, ["import", "workbook", "{inp}/classeur.xlsx"]),
    ("import workbook", PREVIEW, ["import", "workbook", "{inp}/classeur.xlsx", "--dry-run"]),
    ("import package", WRITE, ["import", "package", "{inp}/paquet.ctgpaquet"]),
    ("import package", PREVIEW, ["import", "package", "{inp}/paquet.ctgpaquet", "--dry-run"]),
    ("export bilan", READ, ["export", "bilan", "--year", "2025", "--out", "{out}/bilan.xlsx"]),
    ("export ics", READ, ["export", "ics", "--out", "{out}/reunions.ics"]),
    ("export csv", READ, ["export", "csv", "meetings", "--out", "{out}/reunions.csv"]),
    ("export workbook", READ, ["export", "workbook", "--out", "{out}/classeur.xlsx"]),
    ("export package", READ, ["export", "package", "--out", "{out}/paquet.ctgpaquet"]),
    ("export meeting", READ, ["export", "meeting", "{meeting}", "--doc", "convocation", "--out", "{out}/convocation.pdf"]),
]
# `team …` commands take a server's address, never --db's file: tests/team covers them.
SERVER_ONLY = {"team init", "team add-user", "team members", "team push", "team pull"}

# Kinds every command touching the base refuses, and the words that say why.
REFUSED_BY_ALL = {
    "sqlite_etrangere": "pas une base ctgdesk",
    "alembic_etrangere": "pas une base ctgdesk",
    "alembic_etrangere_0001": "pas une base ctgdesk",
    "schema_plus_recent": "version plus récente de ctgdesk",
    "table_en_trop": "ne correspond pas au schéma de ctgdesk",
    "pas_sqlite": "n'est pas une base de données ctgdesk",
    "dossier": "est un dossier",
}
FRENCH = re.compile(r"\b(la|le|les|de|des|du|une|est|pas|été|aucune?|dans|base|à|écrite?s?|vérifiée)\b",
                    re.IGNORECASE)


def leaf_commands(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    """« demo », « export bilan »…: every command the parser knows, sub-commands spelled out."""
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                inner = leaf_commands(sub, f"{prefix}{name} ")
                found |= inner or {f"{prefix}{name}"}
    return found


def test_every_command_is_in_the_matrix():
    assert leaf_commands(cli.build_parser()) - SERVER_ONLY == {name for name, _, _ in COMMANDS}


def expected(kind: str, category: str, argv: list[str]) -> tuple[str, str | None]:
    """("ok" | "refuse" | "l'un ou l'autre", words the output must hold)."""
    if category == NONE:
        return "ok", None
    if kind in REFUSED_BY_ALL:
        return "refuse", REFUSED_BY_ALL[kind]
    if kind in ("endommagee", "tronquee"):
        return ("ok", None) if category == REPLACE else ("refuse", "endommagée")
    if kind == "schema_ancien":
        if category == READ:
            return "refuse", "ctgdesk upgrade"
        if category in (COPY, REPLACE) or argv[:2] in (["upgrade"], ["demo", "--force"]):
            return "ok", None
        return "l'un ou l'autre", None  # an import, an RGPD request: up to the data given
    if kind == "dossier_lecture_seule":
        if category in (WRITE, REPLACE):
            return "refuse", "lecture seule"
        if argv == ["backup"]:  # into « sauvegardes » beside the base: the folder refuses
            return "refuse", "sauvegarde"
        return ("l'un ou l'autre", None) if category == PREVIEW else ("ok", None)
    if kind == "verrouillee":
        if category in (WRITE, REPLACE):
            return "refuse", "déjà ouverte par ctgdesk"
        return ("l'un ou l'autre", None) if category == PREVIEW else ("ok", None)
    raise AssertionError(kind)


def write_inputs(folder: Path, template: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sauvegarde.sqlite").write_bytes(template.read_bytes())
    (folder / "etp.csv").write_text("Commune / structure;ETP;Nom prénom\nSainte-Aulde;0,5;LEFEBVRE Sophie\n",
                                    encoding="utf-8")
    (folder / "communes.csv").write_text("code;nom\n62427;Carvin\n", encoding="utf-8")
    (folder / "reunions.csv").write_text("date;instance;lieu\n12/03/2026;COPIL;Mairie\n", encoding="utf-8")
    (folder / "classeur.xlsx").write_bytes(b"PK\x03\x04 pas un vrai classeur")
    (folder / "paquet.ctgpaquet").write_bytes(b"pas un paquet")


def fill(argv: list[str], db: Path, inputs: Path, out: Path, ids) -> list[str]:
    values = {"inp": str(inputs), "out": str(out), "partner": str(ids.partner), "loner": str(ids.loner),
              "meeting": str(ids.meeting)}
    return ["--db", str(db), *(part.format(**values) for part in argv)]


def kept_elsewhere(db: Path, before_bytes: bytes, before_fingerprint: str | None) -> bool:
    """What a writing command replaced is still somewhere: set aside byte for byte, or in a
    verified backup with the same content."""
    for aside in db.parent.glob(f"{db.name}.corrompu-*"):
        if aside.read_bytes() == before_bytes:
            return True
    if before_fingerprint is None:
        return False
    return any(content_fingerprint(b.path) == before_fingerprint
               for b in list_backups(db.parent / "sauvegardes", stem=db.stem))


def judge(kind, category, argv, result, db, before, problems: list[str]) -> None:
    code, out, err = result["code"], result["out"], result["err"]
    said = out + err
    where = f"[{kind}] ctgdesk {' '.join(argv)} → {code}"
    outcome, words = expected(kind, category, argv)
    if "Traceback" in said:
        problems.append(f"{where}: une trace Python\n{said}")
    if code == 70 or "Erreur inattendue" in said:
        problems.append(f"{where}: erreur inattendue\n{said}")
    if not said.strip() or not FRENCH.search(said):
        problems.append(f"{where}: pas de message en français: {said!r}")
    if outcome == "ok" and code != 0:
        problems.append(f"{where}: attendu 0\n{said}")
    if outcome == "refuse" and code != 1:
        problems.append(f"{where}: attendu un refus (1)\n{said}")
    if outcome == "l'un ou l'autre" and code not in (0, 1):
        problems.append(f"{where}: code inattendu\n{said}")
    if words is not None and words not in said:
        problems.append(f"{where}: « {words} » absent de\n{said}")
    if kind == "dossier_lecture_seule" and "endommagée" in said:
        problems.append(f"{where}: une base saine dite endommagée\n{said}")
    if kind.startswith("alembic_etrangere") and ("plus récente" in said or "Base mise à jour" in said):
        problems.append(f"{where}: une base étrangère dite plus récente\n{said}")
    after = sha256(db)
    if after != before["sha"]:
        meant_to_write = category in (WRITE, REPLACE)
        if not meant_to_write or not kept_elsewhere(db, before["bytes"], before["fingerprint"]):
            problems.append(f"{where}: le fichier a changé sans que l'ancien soit gardé\n{said}")
    if kind == "verrouillee":
        if lock_path(db).read_text(encoding="utf-8") != before["lock"]:
            problems.append(f"{where}: le verrou de l'autre processus a été touché")
    elif lock_path(db).exists():
        problems.append(f"{where}: un verrou laissé derrière")


def snapshot(db: Path) -> dict:
    data = db.read_bytes() if db.is_file() else b""
    try:
        fingerprint = content_fingerprint(db) if db.is_file() else None
    except Exception:  # noqa: BLE001 - not a readable SQLite file: compared byte for byte only
        fingerprint = None
    lock = lock_path(db)
    return {"sha": sha256(db), "bytes": data, "fingerprint": fingerprint,
            "lock": lock.read_text(encoding="utf-8") if lock.exists() else None}


@pytest.fixture
def private_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "donnees-appli"))


@pytest.fixture(scope="module")
def template(templates, tmp_path_factory) -> Path:
    """The reliability dataset, its one test indicator computed the way the national
    referential's are (the dataset's own has a parameter the bilan refuses)."""
    path = tmp_path_factory.mktemp("matrice") / "modele.sqlite"
    path.write_bytes(templates["full"].read_bytes())
    connection = sqlite3.connect(path)
    connection.execute("UPDATE ref_indicator SET computation = ? WHERE code = '1.1.a'",
                       ('{"source": "meetings", "instance_kinds": ["copil"], "status": ["tenue"]}',))
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_every_command_on_a_bad_file(kind, template, templates, tmp_path, capsys, private_data_folder):
    ids = templates["ids"]
    inputs = tmp_path / "entrees"
    write_inputs(inputs, template)
    problems: list[str] = []
    for number, (_name, category, argv) in enumerate(COMMANDS):
        folder = tmp_path / f"cas{number:02d}"
        db = BUILDERS[kind](folder / "base", template)
        out = folder / "sorties"
        out.mkdir()
        with contextlib.ExitStack() as stack:
            if kind == "verrouillee":
                holder = bad_files.hold_lock_elsewhere(db)
                stack.callback(holder.wait)
                stack.callback(holder.kill)
            before = snapshot(db)
            if kind == "dossier_lecture_seule":
                try:
                    stack.enter_context(bad_files.read_only_folder(db.parent))
                except bad_files.CannotMakeReadOnly as error:
                    pytest.skip(f"pas de dossier en lecture seule possible ici : {error}")
            code = cli.main(fill(argv, db, inputs, out, ids))
            said_out, said_err = capsys.readouterr()
        judge(kind, category, argv, {"code": code, "out": said_out, "err": said_err}, db, before, problems)
        if kind == "dossier_lecture_seule" and code == 0 and argv[0] in ("info", "check", "verify"):
            if "lecture seule" not in said_err:
                problems.append(f"[{kind}] {argv}: la lecture seule n'est pas dite\n{said_err}")
    assert not problems, "\n\n".join(problems)
