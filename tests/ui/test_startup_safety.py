"""Start-up safety: the lock and the read-only choice, a damaged base set aside and restored,
the automatic backup, « Vérifier la base » and « Données personnelles (RGPD) »."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QTextBrowser

from ctgdesk.ui import startup_safety


def _copy(template: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return target


@pytest.fixture
def base(empty_template, tmp_path) -> Path:
    return _copy(empty_template, tmp_path / "donnees" / "ctgdesk.sqlite")


@pytest.fixture
def start(qapp, qtbot, settings, monkeypatch):
    """The real start-up path (app._open_and_fill) on a window like run_gui's."""
    from ctgdesk.ui import app as app_module
    from ctgdesk.ui.context import UiContext
    from ctgdesk.ui.main_window import MainWindow

    monkeypatch.setattr(app_module.gc, "freeze", lambda: None)  # not in a long test session
    monkeypatch.setattr(startup_safety, "START_BACKUP_DELAY_MS", 0)
    exits: list[int] = []
    monkeypatch.setattr(qapp, "exit", lambda code=0: exits.append(code))
    windows = []

    def run(db_path: Path):
        ctx = UiContext(db=None, year=2026)  # type: ignore[arg-type]
        window = MainWindow(ctx, settings=settings, db_path=db_path)
        qtbot.addWidget(window)
        windows.append(window)
        app_module._open_and_fill(qapp, window, db_path)
        if ctx.db is not None:
            qtbot.waitUntil(lambda: window.navigation.count() > 1)  # _finish_start ran
        window.exits = exits
        return window

    yield run
    for window in windows:
        safety = getattr(window, "safety", None)
        if safety is not None:
            if window.ctx.db is not None:  # connected by open_for_window
                qapp.aboutToQuit.disconnect(safety.at_exit)
            safety.at_exit()
        if window.ctx.db is not None:
            window.ctx.db.dispose()


def _permanent_texts(window) -> list[str]:
    return [label.text() for label in window.statusBar().findChildren(QLabel)]


# ---------------------------------------------------------------- the lock


@pytest.fixture
def held_elsewhere(base):
    """Another live process holds the lock of `base`."""
    process = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom ctgdesk.db.lock import acquire\n"
         "lock = acquire(sys.argv[1])\nprint('pris', flush=True)\ntime.sleep(120)\n", str(base)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    assert process.stdout.readline().strip() == "pris"
    yield process
    process.kill()
    process.wait()
    process.stdout.close()


def test_a_base_held_by_another_ctgdesk_opens_read_only_and_refuses_writes(base, held_elsewhere, start, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from ctgdesk.db.lock import lock_path, read_lock
    from ctgdesk.models import Organisation, OrganisationKind

    asked: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(startup_safety, "choose",
                        lambda _parent, _title, text, choices, *a: asked.append((text, choices)) or choices[0])
    window = start(base)

    [(text, choices)] = asked
    assert choices == ["Ouvrir en lecture seule", "Quitter"]
    assert "déjà ouverte par ctgdesk" in text and str(held_elsewhere.pid) in text
    assert window.safety.read_only and window.safety.lock is None
    assert "Lecture seule" in _permanent_texts(window)
    assert window.windowTitle().endswith("(lecture seule)")
    assert not window.backup_action.isEnabled() and not window.import_action.isEnabled()  # no restore over theirs
    with pytest.raises(OperationalError, match="readonly"):
        with window.ctx.db.transaction() as session:
            session.add(Organisation(name="Essai", kind=OrganisationKind.COMMUNE))
    window.safety.at_exit()
    assert read_lock(base).pid == held_elsewhere.pid  # the other one's lock is left alone
    assert lock_path(base).exists()


def test_quitter_when_the_base_is_held_opens_nothing(base, held_elsewhere, start, monkeypatch):
    monkeypatch.setattr(startup_safety, "choose", lambda _p, _t, _text, choices, *a: "Quitter")
    window = start(base)
    assert window.ctx.db is None and window.exits == [1]


# ---------------------------------------------------------------- a damaged base


def test_a_damaged_base_is_set_aside_and_the_backup_restored(base, start, monkeypatch):
    from ctgdesk.db.backup import BackupKind, make_backup
    from ctgdesk.db.lock import lock_path

    make_backup(base, BackupKind.AUTO, now=datetime(2026, 11, 17, 18, 2))
    with open(base, "r+b") as handle:  # garbage over every page after the first
        size = handle.seek(0, os.SEEK_END)
        handle.seek(4096)
        handle.write(b"\xde\xad\xbe\xef" * ((size - 4096) // 4))
    damaged = base.read_bytes()
    questions: list[str] = []

    def answer(_parent, _title, text, *_args, **_kwargs):
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    window = start(base)

    [question] = questions
    assert "Restaurer la sauvegarde du mardi 17 novembre 2026 à 18:02 ?" in question
    [aside] = base.parent.glob("ctgdesk.sqlite.corrompu-????????-??????")
    assert aside.read_bytes() == damaged  # renamed, never deleted
    assert aside.name in question
    assert window.ctx.db is not None and window.exits == []
    with window.ctx.db.session() as session:
        from sqlalchemy import text

        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert any("Base restaurée depuis la sauvegarde du mardi 17 novembre 2026" in m for m in window.safety.messages)
    assert lock_path(base).exists()
    window.safety.at_exit()
    assert not lock_path(base).exists()


def test_a_damaged_base_without_restore_quits_and_keeps_the_file(base, start, monkeypatch):
    from ctgdesk.db.backup import BackupKind, make_backup

    make_backup(base, BackupKind.AUTO, now=datetime(2026, 11, 17, 18, 2))
    with open(base, "r+b") as handle:
        handle.seek(4096)
        handle.write(b"\x00\xff" * 8192)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window = start(base)
    assert window.ctx.db is None and window.exits == [1]
    assert not base.exists() and len(list(base.parent.glob("ctgdesk.sqlite.corrompu-????????-??????"))) == 1


def test_a_file_that_is_not_a_base_is_explained_in_french(tmp_path, start, monkeypatch):
    path = tmp_path / "notes.sqlite"
    path.write_text("des notes, pas une base", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a, **k: shown.append(text))
    window = start(path)
    assert window.ctx.db is None and window.exits == [1]
    assert "n'est pas une base de données ctgdesk" in shown[0]
    assert path.read_text(encoding="utf-8") == "des notes, pas une base"


# ---------------------------------------------------------------- backups


def test_an_automatic_backup_is_made_after_start(base, start, settings):
    from ctgdesk.db.backup import BackupKind, default_backup_folder, list_backups

    second = base.parent.parent / "cle-usb"
    second.mkdir()
    settings.setValue(startup_safety.SECOND_FOLDER_KEY, str(second))
    assert list_backups(default_backup_folder(base)) == []
    window = start(base)
    qtbot_wait_backup(window)
    [made] = list_backups(default_backup_folder(base))
    assert made.kind is BackupKind.AUTO
    assert made.created.date() == date.today()
    assert f"Dernière sauvegarde : aujourd'hui {made.created:%H:%M}" in _permanent_texts(window)
    assert [b.path.name for b in list_backups(second)] == [made.path.name]  # the second copy


def test_the_backup_label_and_the_long_french_date():
    assert startup_safety.last_backup_text(None) == "Dernière sauvegarde : aucune"
    today = date(2026, 11, 23)
    assert startup_safety.last_backup_text(datetime(2026, 11, 23, 14, 2), today) == "Dernière sauvegarde : aujourd'hui 14:02"
    assert startup_safety.last_backup_text(datetime(2026, 11, 22, 9, 5), today) == "Dernière sauvegarde : hier 09:05"
    assert startup_safety.last_backup_text(datetime(2026, 10, 2, 9, 5), today) == "Dernière sauvegarde : le 02/10/2026 à 09:05"
    assert startup_safety.long_french_datetime(datetime(2026, 11, 17, 18, 2)) == "mardi 17 novembre 2026 à 18:02"


def test_the_second_backup_folder_is_chosen_from_the_file_menu(base, start, settings, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from ctgdesk.db.backup import list_backups

    second = base.parent.parent / "cle-usb"
    second.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args, **_kwargs: str(second))
    window = start(base)
    qtbot_wait_backup(window)
    window.second_folder_action.trigger()
    assert settings.value(startup_safety.SECOND_FOLDER_KEY) == str(second)
    assert f"Les sauvegardes seront aussi copiées dans « {second} »." in window.safety.messages
    assert len(list_backups(second)) == 1  # the newest backup, copied at once


def test_an_old_second_copy_is_recalled(base, start, settings):
    from datetime import timedelta

    from ctgdesk.db.backup import BackupKind, make_backup

    make_backup(base, BackupKind.AUTO, now=datetime.now() - timedelta(minutes=5))  # none due now
    second = base.parent.parent / "cle-usb"
    make_backup(base, BackupKind.MANUAL, second, now=datetime(2026, 1, 5, 10, 0))
    settings.setValue(startup_safety.SECOND_FOLDER_KEY, str(second))
    window = start(base)
    qtbot_wait_backup(window)
    assert any("La dernière copie sur le second support date du 05/01/2026 à 10:00" in m
               and "pensez à en faire une nouvelle" in m for m in window.safety.messages)


def qtbot_wait_backup(window) -> None:
    from PySide6.QtCore import QCoreApplication
    import time

    deadline = time.monotonic() + 10
    while not hasattr(window.safety, "_backup_job") and time.monotonic() < deadline:
        QCoreApplication.processEvents()  # the delayed start
    window.safety.wait_for_backup()
    deadline = time.monotonic() + 10
    while window.safety._backup_running and time.monotonic() < deadline:
        QCoreApplication.processEvents()
    assert not window.safety._backup_running


def test_the_location_warning_is_shown_once_per_path(base, start, monkeypatch, warnings_shown, qtbot):
    monkeypatch.setattr("ctgdesk.db.opening.location_warnings",
                        lambda _path: ["La base est dans un dossier synchronisé (OneDrive)."])
    first = start(base)
    qtbot.waitUntil(lambda: warnings_shown == ["La base est dans un dossier synchronisé (OneDrive)."])
    assert "La base est dans un dossier synchronisé (OneDrive)." in first.safety.messages
    qtbot_wait_backup(first)
    first.safety.at_exit()
    first.ctx.db.dispose()
    second = start(base)
    qtbot_wait_backup(second)
    qtbot.wait(20)
    assert len(warnings_shown) == 1  # remembered in the settings
    assert "La base est dans un dossier synchronisé (OneDrive)." in second.safety.messages


# ---------------------------------------------------------------- Vérifier la base, RGPD


@pytest.fixture
def window(ctx, settings, qtbot):
    from ctgdesk.ui.main_window import MainWindow

    window = MainWindow(ctx, settings=settings)
    qtbot.addWidget(window)
    return window


def test_verifier_la_base_lists_an_over_allocated_coordinator(window, ctx, qtbot):
    from ctgdesk.models import Coordinator, EtpAllocation, EtpShare, Organisation, OrganisationKind, Person
    from ctgdesk.ui.dialogs.verify_dialog import VerifyDialog

    with ctx.db.transaction() as session:
        ines = Coordinator(person=Person(first_name="Inès", last_name="Moreau"), start_date=date(2024, 1, 1))
        for name, etp in (("CC du Val Vert", "0.700"), ("Sainte-Aulde", "0.450")):
            allocation = EtpAllocation(organisation=Organisation(name=name, kind=OrganisationKind.COMMUNE),
                                       year=2025, etp=Decimal("1.000"))
            allocation.shares.append(EtpShare(coordinator=ines, etp=Decimal(etp)))
            session.add(allocation)
    window.verify_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, VerifyDialog)
    qtbot.waitUntil(lambda: dialog.done_)
    assert "Erreur : Inès Moreau a 1,15 ETP en 2025, plus qu'un temps plein (1,00 ETP)." in dialog.messages()
    assert dialog.summary.text().startswith("1 point(s) à examiner : 1 erreur(s)")
    dialog.reject()


def test_verifier_la_base_on_a_sound_base(window, qtbot):
    window.verify_action.trigger()
    dialog = window.dialog
    qtbot.waitUntil(lambda: dialog.done_)
    assert dialog.summary.text() == "Aucun problème trouvé."
    assert dialog.messages() == []
    dialog.reject()


def test_rgpd_dialog_exports_and_anonymises_keeping_the_attendance(window, ctx, qtbot, tmp_path, accept_questions):
    import json

    from sqlalchemy import func, select

    from ctgdesk.models import Attendance, Instance, InstanceKind, Meeting, Person
    from ctgdesk.ui.dialogs.rgpd_dialog import RgpdDialog

    with ctx.db.transaction() as session:
        claire = Person(first_name="Claire", last_name="Dupont-Lefèvre", email="claire@example.fr", phone="0601020304")
        other = Person(first_name="Paul", last_name="Martin")
        copil = Instance(name="COPIL CTG", kind=InstanceKind.COPIL)
        for day in (3, 10):
            meeting = Meeting(instance=copil, starts_at=datetime(2026, 3, day, 14))
            meeting.attendances.append(Attendance(person=claire))
            meeting.attendances.append(Attendance(person=other))
            session.add(meeting)
        session.flush()
        claire_id = claire.id

    def attendance_count() -> int:
        with ctx.db.session() as session:
            return session.scalar(select(func.count()).select_from(Attendance).where(Attendance.person_id == claire_id))

    changed: list[bool] = []
    ctx.signals.data_changed.connect(lambda: changed.append(True))
    window.rgpd_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, RgpdDialog)
    assert "person" in dialog.findChild(QTextBrowser, "inventory").toPlainText()
    dialog.search.setText("dupont lefevre")
    assert dialog.people.count() == 1
    dialog.people.setCurrentRow(0)
    assert dialog.links.text() == "Liée à : 2 présences aux réunions"

    exported = dialog.export_selected(target=str(tmp_path / "claire.json"))
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["personne"]["nom"] == "Dupont-Lefèvre"
    assert list(tmp_path.glob("*.tmp")) == []

    assert attendance_count() == 2
    assert dialog.anonymise_selected()
    assert "Anonymiser « Dupont-Lefèvre Claire »" in accept_questions[0]
    assert attendance_count() == 2
    assert changed  # the pages refresh
    with ctx.db.session() as session:
        person = session.get(Person, claire_id)
        assert (person.last_name, person.email, person.phone) == (f"Personne anonymisée n°{claire_id}", None, None)
    dialog.search.setText("Claire")
    assert dialog.people.count() == 0
    dialog.reject()


# ---------------------------------------------------------------- the one way in (ctgdesk.db.opening)


def test_a_healthy_base_in_a_read_only_folder_opens_read_only_not_damaged(base, start, monkeypatch):
    import sqlite3

    from tests.reliability import bad_files

    connection = sqlite3.connect(base)
    connection.execute("PRAGMA journal_mode=WAL")  # as ctgdesk leaves it; copied without its -shm
    connection.close()
    before = bad_files.sha256(base)
    asked: list[str] = []
    shown: list[str] = []
    monkeypatch.setattr(startup_safety, "choose",
                        lambda _parent, _title, text, choices, *a: asked.append(text) or choices[0])
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a, **k: shown.append(text))
    try:
        with bad_files.read_only_folder(base.parent):
            window = start(base)
            assert shown == [] and len(asked) == 1 and "lecture seule" in asked[0]
            assert "endommagée" not in asked[0]
            assert window.safety.read_only and window.ctx.db is not None
            assert "Lecture seule" in _permanent_texts(window)
            window.safety.at_exit()
            window.ctx.db.dispose()
    except bad_files.CannotMakeReadOnly as error:
        pytest.skip(f"pas de dossier en lecture seule possible ici : {error}")
    assert bad_files.sha256(base) == before


def test_another_programs_file_is_refused_untouched(tmp_path, start, monkeypatch):
    from ctgdesk.db.lock import lock_path
    from tests.reliability import bad_files

    places = bad_files.foreign_sqlite(tmp_path / "firefox", None)
    before = bad_files.sha256(places)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a, **k: shown.append(text))
    window = start(places)
    assert window.ctx.db is None and window.exits == [1]
    assert len(shown) == 1 and "pas une base ctgdesk" in shown[0]
    assert bad_files.sha256(places) == before and not lock_path(places).exists()


def test_a_link_to_the_base_takes_the_lock_of_the_real_file(base, tmp_path, start):
    from ctgdesk.db.lock import lock_path, read_lock

    link = tmp_path / "raccourci.sqlite"
    link.symlink_to(base)
    window = start(link)
    assert window.ctx.db is not None and not window.safety.read_only
    assert read_lock(base) is not None and not lock_path(link).exists()
