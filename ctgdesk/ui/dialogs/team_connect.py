"""Fichier → Se connecter à une base d'équipe… : server, base, login, password.

The connection is tried before the dialog closes (a refusal is said in French under the
fields); the password goes to the system's keyring when asked (ctgdesk.db.secrets), never to
the settings; the address without password is remembered for next time. The window then starts
ctgdesk again on the team base (`restart_on`).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QProcess, QProcessEnvironment, QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

SETTINGS_KEY = "equipe/adresse"


def team_url(host: str, port: int, database: str, login: str) -> str:
    from sqlalchemy.engine import URL

    return URL.create("postgresql", username=login, host=host or "localhost", port=port,
                      database=database).render_as_string(hide_password=False)


class TeamConnectDialog(QDialog):
    def __init__(self, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.url: str | None = None
        self.password = ""
        self.setWindowTitle("Se connecter à une base d'équipe")
        self.host = QLineEdit()
        self.host.setPlaceholderText("ex. pg.cc-henin-carvin.fr")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit()
        self.database.setPlaceholderText("ex. ctg_territoire")
        self.login = QLineEdit()
        self.login.setPlaceholderText("ex. claire.dumont")
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Mémoriser le mot de passe dans le trousseau du système")
        self.remember.setChecked(True)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        for label, widget, name in (("&Serveur", self.host, "Serveur PostgreSQL"), ("P&ort", self.port, "Port"),
                                    ("&Base", self.database, "Nom de la base"),
                                    ("&Identifiant", self.login, "Identifiant de connexion"),
                                    ("&Mot de passe", self.secret, "Mot de passe")):
            widget.setAccessibleName(name)
            form.addRow(label, widget)
        form.addRow("", self.remember)
        note = QLabel("La connexion est chiffrée (TLS) dès que le serveur n'est pas cet ordinateur. "
                      "Vos droits sont ceux que le ou la chef·fe de projet vous a donnés.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("Se &connecter")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.try_connect)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._restore(settings.value(SETTINGS_KEY, ""))

    def _restore(self, remembered: str) -> None:
        if not remembered:
            return
        from sqlalchemy.engine import make_url

        try:
            url = make_url(remembered)
        except Exception:  # noqa: BLE001 - a setting spoilt by hand: the fields stay empty
            return
        self.host.setText(url.host or "")
        self.port.setValue(url.port or 5432)
        self.database.setText(url.database or "")
        self.login.setText(url.username or "")

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def try_connect(self) -> bool:
        from sqlalchemy.engine import make_url

        from ctgdesk.db.opening import Access, OpeningRefused, open_base
        from ctgdesk.db.secrets import store_password

        missing = [name for name, widget in (("le serveur", self.host), ("la base", self.database),
                                             ("l'identifiant", self.login)) if not widget.text().strip()]
        if missing:
            self._refuse(f"Indiquez {', '.join(missing)}.")
            return False
        url = team_url(self.host.text().strip(), self.port.value(), self.database.text().strip(),
                       self.login.text().strip())
        password = self.secret.text()
        with_password = make_url(url).set(password=password or None).render_as_string(hide_password=False)
        try:
            opened = open_base(with_password, Access.WRITE)
        except OpeningRefused as error:
            self._refuse(str(error) if str(error) else "Connexion refusée.")
            return False
        opened.close()
        if password and self.remember.isChecked() and not store_password(make_url(url), password):
            self._refuse("Ce système n'a pas de trousseau : le mot de passe vous sera redemandé.")
        self.settings.setValue(SETTINGS_KEY, url)
        self.url, self.password = url, password
        self.accept()
        return True


def restart_on(url: str, password: str = "") -> bool:
    """Start ctgdesk on the team base (the password, if any, through libpq's PGPASSWORD for that
    process only). True when the new process started."""
    process = QProcess()
    if getattr(sys, "frozen", False):
        process.setProgram(sys.executable)
        process.setArguments(["--db", url])
    else:
        process.setProgram(sys.executable)
        process.setArguments(["-m", "ctgdesk", "--db", url])
    environment = QProcessEnvironment.systemEnvironment()
    if password:
        environment.insert("PGPASSWORD", password)
    process.setProcessEnvironment(environment)
    process.setWorkingDirectory(os.getcwd())
    started, _pid = process.startDetached()
    return bool(started)
