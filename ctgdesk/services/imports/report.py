"""What an import did or would do: created, matched, updated, refused, conflicts and errors.

Every line says where it comes from (file, sheet, row, column) and, for errors, why, in
French. The same report is shown for the preview (nothing written) and after the import.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from ctgdesk.exchange.readers import Location


MAX_ERRORS = 1000  # beyond, only counted: a wholly wrong file need not list 40 000 lines


class Outcome(str, enum.Enum):
    CREATED = "créé"
    MATCHED = "retrouvé"
    UPDATED = "mis à jour"
    REFUSED = "écarté"
    CONFLICT = "conflit"
    ERROR = "erreur"

    @property
    def label(self) -> str:
        return {
            Outcome.CREATED: "Créé",
            Outcome.MATCHED: "Retrouvé",
            Outcome.UPDATED: "Mis à jour",
            Outcome.REFUSED: "Écarté",
            Outcome.CONFLICT: "Conflit",
            Outcome.ERROR: "Erreur",
        }[self]


@dataclass(frozen=True)
class ReportEntry:
    outcome: Outcome
    what: str  # "Commune", "ETP 2026", "Réunion"…
    name: str  # the record, as users know it
    location: Location | None = None
    detail: str = ""  # why (errors, refusals, conflicts) or what (0,40 ETP)

    @property
    def where(self) -> str:
        return str(self.location) if self.location else ""

    def __str__(self) -> str:
        text = f"{self.what} « {self.name} »" if self.name else self.what
        if self.detail:
            text = f"{text} : {self.detail}" if text else self.detail
        if self.location:
            text += f" [{self.location}]"
        return text


@dataclass
class ImportReport:
    kind: str
    file: str
    dry_run: bool = False
    committed: bool = False
    backup: Path | None = None
    created: list[ReportEntry] = field(default_factory=list)
    matched: list[ReportEntry] = field(default_factory=list)
    updated: list[ReportEntry] = field(default_factory=list)
    refused: list[ReportEntry] = field(default_factory=list)
    conflicts: list[ReportEntry] = field(default_factory=list)
    errors: list[ReportEntry] = field(default_factory=list)
    more_errors: int = 0
    # (table, database id) → where the row was read: to say where a broken rule came from
    record_locations: dict[tuple[str, int], Location] = field(default_factory=dict, repr=False)

    # --- recording -----------------------------------------------------------------

    def add(self, outcome: Outcome, what: str, name: str, location: Location | None = None, detail: str = "") -> ReportEntry:
        entry = ReportEntry(outcome, what, name, location, detail)
        self._list(outcome).append(entry)
        return entry

    def add_created(self, what: str, name: str, location: Location | None = None, detail: str = "") -> None:
        self.add(Outcome.CREATED, what, name, location, detail)

    def add_matched(self, what: str, name: str, location: Location | None = None, detail: str = "") -> None:
        self.add(Outcome.MATCHED, what, name, location, detail)

    def add_updated(self, what: str, name: str, location: Location | None = None, detail: str = "") -> None:
        self.add(Outcome.UPDATED, what, name, location, detail)

    def add_refused(self, what: str, name: str, location: Location | None = None, detail: str = "") -> None:
        self.add(Outcome.REFUSED, what, name, location, detail)

    def add_conflict(self, what: str, name: str, location: Location | None = None, detail: str = "") -> None:
        self.add(Outcome.CONFLICT, what, name, location, detail)

    def add_error(self, location: Location | None, message: str, *, what: str = "", name: str = "") -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.more_errors += 1
            return
        self.add(Outcome.ERROR, what, name, location, message)

    def _list(self, outcome: Outcome) -> list[ReportEntry]:
        return {
            Outcome.CREATED: self.created,
            Outcome.MATCHED: self.matched,
            Outcome.UPDATED: self.updated,
            Outcome.REFUSED: self.refused,
            Outcome.CONFLICT: self.conflicts,
            Outcome.ERROR: self.errors,
        }[outcome]

    # --- reading --------------------------------------------------------------------

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

    def entries(self) -> list[ReportEntry]:
        """Errors first, then conflicts, refusals, creations, updates and matches."""
        return [*self.errors, *self.conflicts, *self.refused, *self.created, *self.updated, *self.matched]

    def count(self, outcome: Outcome, what: str | None = None) -> int:
        return sum(1 for e in self._list(outcome) if what is None or e.what == what)

    def headline(self) -> str:
        counts = (
            f"{len(self.created)} créé(s), {len(self.updated)} mis à jour, {len(self.matched)} retrouvé(s), "
            f"{len(self.refused)} écarté(s), {len(self.conflicts)} conflit(s), "
            f"{len(self.errors) + self.more_errors} erreur(s)"
        )
        if self.more_errors:
            counts += f" (les {self.more_errors} dernières ne sont pas détaillées)"
        if self.errors:
            state = "Rien n'a été importé : corrigez les erreurs puis recommencez."
        elif self.dry_run:
            state = "Aperçu : rien n'a encore été importé."
        elif self.committed:
            state = "Import terminé."
        else:
            state = "Import non effectué."
        return f"{self.file} — {counts}. {state}"

    def text(self) -> str:
        """The whole report, one line per entry, for the terminal or a log file."""
        lines = [self.headline()]
        if self.backup:
            lines.append(f"Sauvegarde faite avant l'import : {self.backup}")
        for entry in self.entries():
            lines.append(f"- {entry.outcome.label} : {entry}")
        return "\n".join(lines)
