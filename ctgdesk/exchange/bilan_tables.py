"""The tables of the bilan, defined once: which columns, their French headers, widths and types,
and how each value is read from the `Bilan`. The Excel workbook, the CSV exports and the column
chooser (UI, CLI `--columns`) all use these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence

from ctgdesk.models import DecisionStatus, FicheStatus, InstanceKind, MeetingStatus
from ctgdesk.services.bilan import AlertLine, Bilan, DecisionLine, EtpLine

# kinds: text, wrap (long text), date, time (a datetime.time), int, etp (0.00), money, percent, yesno
# widths: Excel units (characters); the workbook widens a column whose header word needs it. A sheet
# prints on A4 landscape, fitted to the width: keep a table's widths to about 215 in all, or it
# prints too small to read (tests/bilan/test_xlsx.py).
YES_NO = ("Oui", "Non")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    value: Callable[[Any], Any]
    kind: str = "text"
    choices: tuple[str, ...] = ()  # a fixed list: an Excel drop-down validation
    centred: bool = False  # a short value between figures and texts: not glued to either


@dataclass(frozen=True)
class Table:
    sheet: str
    name: str  # Excel table name: letters, digits, underscores
    columns: tuple[Column, ...]
    rows: Sequence[Any] = field(default_factory=tuple)
    choosable: bool = True

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def values(self) -> Iterable[list[Any]]:
        getters = [c.value for c in self.columns]
        for row in self.rows:
            yield [get(row) for get in getters]

    def text_values(self) -> Iterable[list[Any]]:
        """Values for a text format (CSV): ETP and money with two decimals, French comma."""
        two_decimals = [c.kind in ("etp", "money") for c in self.columns]
        for values in self.values():
            yield [_two_decimals(v) if fixed and isinstance(v, Decimal) else v
                   for v, fixed in zip(values, two_decimals)]

    def with_columns(self, wanted: Sequence[str] | None) -> "Table":
        """Keep the columns named (by key or header, any order given is kept); None keeps all."""
        if not wanted or not self.choosable:
            return self
        by_name = {}
        for column in self.columns:
            by_name[column.key.casefold()] = column
            by_name[column.header.casefold()] = column
        chosen, unknown = [], []
        for name in wanted:
            column = by_name.get(name.strip().casefold())
            if column is None:
                unknown.append(name)
            elif column not in chosen:
                chosen.append(column)
        if unknown:
            known = ", ".join(c.key for c in self.columns)
            raise ValueError(f"Colonne(s) inconnue(s) pour « {self.sheet} » : {', '.join(unknown)} "
                             f"(colonnes : {known}).")
        if not chosen:
            raise ValueError(f"Choisissez au moins une colonne pour « {self.sheet} ».")
        return Table(self.sheet, self.name, tuple(chosen), self.rows, self.choosable)


def _two_decimals(value: Decimal) -> Decimal:
    """Two decimals, still a number (csv_text writes it with a French comma, never defused)."""
    return value.quantize(Decimal("0.01"))


def _yes_no(flag: bool) -> str:
    return "Oui" if flag else "Non"


def _labels(enum_cls) -> tuple[str, ...]:
    return tuple(member.label for member in enum_cls)


# --- indicators ---------------------------------------------------------------------------

INDICATOR_COLUMNS = (
    Column("objectif", "Objectif", 20, lambda r: f"{r.objective_number}. {r.objective_title}", "wrap"),
    Column("fonction", "Fonction", 22, lambda r: f"{r.function_code} : {r.function_title}", "wrap"),
    Column("code", "Code", 9, lambda r: r.code),
    Column("indicateur", "Indicateur", 40, lambda r: r.text, "wrap"),
    Column("type", "Suivi / évaluation", 13, lambda r: r.kind_label, choices=("Suivi", "Évaluation")),
    Column("nombre", "Nombre", 9, lambda r: r.value, "int", centred=True),
    Column("nature", "Nature", 50, lambda r: r.nature, "wrap"),
    Column("commentaire", "Commentaire", 22, lambda r: r.comment, "wrap"),
    Column("calcul", "Mode de calcul", 26, lambda r: r.counted, "wrap"),
)

# --- meetings -----------------------------------------------------------------------------

MEETING_COLUMNS = (
    Column("date", "Date", 11, lambda m: m.starts_at.date(), "date"),
    Column("heure", "Heure", 7, lambda m: m.starts_at.time().replace(second=0, microsecond=0), "time",
           centred=True),
    Column("instance", "Instance", 26, lambda m: m.instance),
    Column("type_instance", "Type d'instance", 18, lambda m: m.kind.label, choices=_labels(InstanceKind)),
    Column("intitule", "Intitulé", 28, lambda m: m.title, "wrap"),
    Column("statut", "Statut", 10, lambda m: m.status.label, choices=_labels(MeetingStatus)),
    Column("communes", "Commune(s)", 24, lambda m: m.communes, "wrap"),
    Column("lieu", "Lieu", 22, lambda m: m.place),
    Column("anime_par", "Animée par", 18, lambda m: m.animator),
    Column("participants", "Participants présents", 12, lambda m: m.present, "int"),
    Column("decisions", "Décisions", 10, lambda m: m.decisions, "int"),
    Column("alertes", "Alertes", 9, lambda m: m.alerts, "int"),
    Column("diagnostic", "Diagnostic partagé", 11, lambda m: _yes_no(m.diagnostic_partage), choices=YES_NO),
    Column("ordre_du_jour", "Ordre du jour", 40, lambda m: m.agenda, "wrap"),
)
MEETING_ID_COLUMN = Column("identifiant", "Identifiant", 10, lambda m: m.id, "int")
DEFAULT_MEETING_KEYS = tuple(c.key for c in MEETING_COLUMNS if c.key not in ("diagnostic", "ordre_du_jour"))

# --- decisions and alerts -------------------------------------------------------------------

DECISION_STATUS_LABELS = _labels(DecisionStatus)
ALERT_STATUS_LABELS = ("Ouverte", "Levée")


def _is_decision(row) -> bool:
    return isinstance(row, DecisionLine)


DECISION_ALERT_COLUMNS = (
    Column("type", "Type", 10, lambda r: "Décision" if _is_decision(r) else "Alerte", choices=("Décision", "Alerte")),
    Column("date", "Date", 11, lambda r: r.on if _is_decision(r) else r.raised_on, "date"),
    Column("instance", "Instance", 22, lambda r: r.instance),
    Column("texte", "Texte", 56, lambda r: r.text, "wrap"),
    Column("porteur", "Porteur / émise par", 22, lambda r: r.carried_by if _is_decision(r) else r.raised_by),
    Column("echeance", "Échéance", 11, lambda r: r.due_date if _is_decision(r) else None, "date"),
    Column("statut", "Statut", 12, lambda r: r.status.label if _is_decision(r) else r.status_label,
           choices=DECISION_STATUS_LABELS + ALERT_STATUS_LABELS),
    Column("fiche", "Fiche action", 26, lambda r: r.fiche, "wrap"),
    Column("levee_le", "Levée le", 11, lambda r: None if _is_decision(r) else r.resolved_on, "date"),
    Column("resolution", "Résolution", 34, lambda r: "" if _is_decision(r) else r.resolution, "wrap"),
)

DECISION_COLUMNS = (
    Column("date", "Date", 11, lambda d: d.on, "date"),
    Column("instance", "Instance", 22, lambda d: d.instance),
    Column("texte", "Décision", 60, lambda d: d.text, "wrap"),
    Column("porteur", "Porteur", 24, lambda d: d.carried_by),
    Column("echeance", "Échéance", 11, lambda d: d.due_date, "date"),
    Column("statut", "Statut", 12, lambda d: d.status.label, choices=DECISION_STATUS_LABELS),
    Column("fiche", "Fiche action", 28, lambda d: d.fiche, "wrap"),
)

ALERT_COLUMNS = (
    Column("date", "Émise le", 11, lambda a: a.raised_on, "date"),
    Column("instance", "Instance", 22, lambda a: a.instance),
    Column("texte", "Alerte", 60, lambda a: a.text, "wrap"),
    Column("emise_par", "Émise par", 24, lambda a: a.raised_by),
    Column("fiche", "Fiche action", 28, lambda a: a.fiche, "wrap"),
    Column("statut", "Statut", 10, lambda a: a.status_label, choices=ALERT_STATUS_LABELS),
    Column("levee_le", "Levée le", 11, lambda a: a.resolved_on, "date"),
    Column("resolution", "Résolution", 36, lambda a: a.resolution, "wrap"),
)

# --- plan d'action -----------------------------------------------------------------------------

FICHE_COLUMNS = (
    Column("enjeu", "Enjeu", 18, lambda f: f.enjeu, "wrap"),
    Column("objectif", "Objectif", 18, lambda f: f.objectif, "wrap"),
    Column("numero", "N°", 8, lambda f: f.number),
    Column("fiche", "Fiche action", 28, lambda f: f.title, "wrap"),
    Column("pilote", "Pilote", 20, lambda f: f.pilot, "wrap"),
    Column("statut", "Statut", 11, lambda f: f.status.label, choices=_labels(FicheStatus)),
    Column("avancement", "Avancement (%)", 11, lambda f: f.progress, "percent"),
    Column("en_retard", "En retard", 9, lambda f: _yes_no(f.late), choices=YES_NO, centred=True),
    Column("debut", "Début", 11, lambda f: f.start_date, "date"),
    Column("fin", "Fin", 11, lambda f: f.end_date, "date"),
    Column("budget", "Budget (€)", 13, lambda f: f.budget, "money"),
    Column("alertes", "Alertes ouvertes", 9, lambda f: f.open_alerts, "int", centred=True),
    Column("indicateurs", "Indicateurs (cible / réalisé)", 34, lambda f: f.indicators_text, "wrap"),
)

# --- ETP ------------------------------------------------------------------------------------------


def _etp(value, pending: bool):
    if pending:
        return "En cours"
    return value


def etp_columns(bilan: Bilan) -> tuple[Column, ...]:
    before, after = bilan.etp.year_before, bilan.etp.year_after
    return (
        Column("structure", "Commune / structure", 38, lambda e: e.name),
        Column("etp_avant", f"ETP {before}", 10, lambda e: _etp(e.etp_before, e.pending_before), "etp"),
        Column("personnes_avant", f"Personnes {before}", 10, lambda e: e.people_before, "int"),
        Column("etp_apres", f"ETP {after}", 10, lambda e: _etp(e.etp_after, e.pending_after), "etp"),
        Column("personnes_apres", f"Personnes {after}", 10, lambda e: e.people_after, "int"),
        Column("evolution", "Évolution", 14, lambda e: evolution_text(e), centred=True),
        Column("charges", "Chargé·e·s de coopération", 30, lambda e: e.coordinators, "wrap"),
    )


def evolution_text(line: EtpLine) -> str:
    if line.evolution.value == "inconnue":
        return "? à préciser" if (line.pending_after or line.pending_before) else "?"
    return f"{line.arrow} {line.evolution.value}"


# --- the tables of a bilan --------------------------------------------------------------------------

SHEET_INDICATORS = "Indicateurs"
SHEET_MEETINGS = "Réunions"
SHEET_DECISIONS = "Décisions et alertes"
SHEET_PLAN = "Plan d'action"
SHEET_ETP = "ETP"
SHEET_SUMMARY = "Synthèse"
SHEET_COVER = "Présentation"
SHEETS = (SHEET_COVER, SHEET_SUMMARY, SHEET_INDICATORS, SHEET_MEETINGS, SHEET_DECISIONS, SHEET_PLAN, SHEET_ETP)

CHOOSABLE_COLUMNS: dict[str, tuple[Column, ...]] = {
    SHEET_INDICATORS: INDICATOR_COLUMNS,
    SHEET_MEETINGS: MEETING_COLUMNS,
    SHEET_DECISIONS: DECISION_ALERT_COLUMNS,
    SHEET_PLAN: FICHE_COLUMNS,
}
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    SHEET_MEETINGS: DEFAULT_MEETING_KEYS,
}


def decisions_and_alerts(bilan: Bilan) -> list[DecisionLine | AlertLine]:
    rows: list[DecisionLine | AlertLine] = [*bilan.decisions, *bilan.alerts]
    rows.sort(key=lambda r: (r.on if isinstance(r, DecisionLine) else r.raised_on, isinstance(r, AlertLine)))
    return rows


def bilan_tables(bilan: Bilan, columns: dict[str, Sequence[str]] | None = None) -> list[Table]:
    """The long tables of the workbook, with the columns chosen (default: DEFAULT_COLUMNS, else all)."""
    columns = columns or {}
    tables = [
        Table(SHEET_INDICATORS, "Indicateurs", INDICATOR_COLUMNS, bilan.indicators),
        Table(SHEET_MEETINGS, "Reunions", MEETING_COLUMNS, bilan.meetings),
        Table(SHEET_DECISIONS, "Decisions_alertes", DECISION_ALERT_COLUMNS, decisions_and_alerts(bilan)),
        Table(SHEET_PLAN, "Plan_action", FICHE_COLUMNS, bilan.fiches),
        Table(SHEET_ETP, "ETP", etp_columns(bilan), bilan.etp.lines, choosable=False),
    ]
    return [t.with_columns(columns.get(t.sheet) or DEFAULT_COLUMNS.get(t.sheet)) for t in tables]


CSV_TABLES = ("meetings", "decisions", "alerts", "fiches", "etp", "indicators")


def csv_table(bilan: Bilan, name: str) -> Table:
    """A table for `ctgdesk export csv NAME`: all its columns."""
    if name == "meetings":  # with the id `ctgdesk export meeting ID` takes
        return Table("Réunions", "Reunions", (*MEETING_COLUMNS, MEETING_ID_COLUMN), bilan.meetings)
    if name == "decisions":
        return Table("Décisions", "Decisions", DECISION_COLUMNS, bilan.decisions)
    if name == "alerts":
        return Table("Alertes", "Alertes", ALERT_COLUMNS, bilan.alerts)
    if name == "fiches":
        return Table("Plan d'action", "Plan_action", FICHE_COLUMNS, bilan.fiches)
    if name == "etp":
        return Table("ETP", "ETP", etp_columns(bilan), bilan.etp.lines)
    if name == "indicators":
        return Table("Indicateurs", "Indicateurs", INDICATOR_COLUMNS, bilan.indicators)
    raise ValueError(f"Table inconnue : « {name} » (tables : {', '.join(CSV_TABLES)}).")
