"""Tableau de bord: where the coordination stands for the year, and what needs attention.

All figures come from ctgdesk.services.dashboard; this page only lays them out. A warning
(or a next meeting) opens the page concerned on its record through `open_record`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.formatting import decimal2, long_date
from ctgdesk.models import FicheStatus
from ctgdesk.services.dashboard import (
    PAGE_MEETINGS,
    Dashboard,
    InstanceCount,
    UpcomingMeeting,
    dashboard,
)
from ctgdesk.ui.context import Page, UiContext
from ctgdesk.ui.pages.dashboard_warnings import WarningList
from ctgdesk.ui.table_model import CENTER, Column, RowsTableModel
from ctgdesk.ui.widgets import icons, style
from ctgdesk.ui.widgets.bar_chart import Bar, BarChart
from ctgdesk.ui.widgets.cards import StatCard
from ctgdesk.ui.widgets.page_header import PageHeader, page_action
from ctgdesk.ui.widgets.elided_tooltips import ElidedToolTipDelegate

STATUS_COLORS = {
    FicheStatus.TO_COME: "#8fa3b8",
    FicheStatus.IN_PROGRESS: style.ACCENT,
    FicheStatus.DONE: "#2e9e5b",
    FicheStatus.BLOCKED: "#d0463b",
    FicheStatus.DROPPED: "#b9c2cc",
}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count <= 1 else many}"


INSTANCE_COLUMNS = [
    Column("Instance", lambda c: c.name),
    Column("Tenues", lambda c: (c.held, c.minimum),
           display=lambda v: f"{v[0]} / {v[1]}" if v[1] else str(v[0]), align=CENTER,
           tooltip=lambda c: f"{c.label} (réunions tenues / minimum par an)",
           header_tooltip="Réunions tenues dans l'année / minimum prévu par an"),
    Column("À venir", lambda c: c.planned, align=CENTER),
    Column("", lambda c: "À programmer" if c.under_minimum else ("Atteint" if c.minimum and c.held >= c.minimum
                                                                 else ""),
           foreground=lambda c: QColor(style.DANGER if c.under_minimum else style.SUCCESS), align=CENTER),
]


def _meeting_when(m: UpcomingMeeting) -> str:
    """mardi 24 novembre 2026, 10 h 00"""
    return f"{long_date(m.starts_at.date())}, {m.starts_at:%H} h {m.starts_at:%M}"


MEETING_COLUMNS = [
    Column("Date", lambda m: m, display=_meeting_when, sort_key=lambda m: m.starts_at),
    Column("Réunion", lambda m: m.title or m.instance,
           tooltip=lambda m: "\n".join(t for t in (m.title or m.instance, m.instance, m.place) if t)),
]


class Section(QFrame):
    """A white card with a title, holding one part of the dashboard."""

    def __init__(self, title: str, icon_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        heading = QHBoxLayout()
        icon = QLabel()
        icons.set_pixmap(icon, icon_name, color=style.MUTED)
        label = QLabel(title)
        label.setObjectName("sectionTitle")
        heading.addWidget(icon)
        heading.addWidget(label, 1)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(14, 10, 14, 12)
        self.body.setSpacing(8)
        self.body.addLayout(heading)


def _compact_table(model: RowsTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.horizontalHeader().setResizeContentsPrecision(25)  # size columns on 25 rows, not 150 instances
    view.verticalHeader().setVisible(False)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    view.setItemDelegate(ElidedToolTipDelegate(view))  # a cut name shows whole in a tooltip
    view.horizontalHeader().setHighlightSections(False)
    view.setFrameShape(QFrame.Shape.NoFrame)
    return view


class DashboardPage(Page):
    title = "Tableau de bord"
    icon_name = "fa5s.tachometer-alt"
    open_record = Signal(str, str, int)  # page key, record kind, record id

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.board: Dashboard | None = None
        self.header = PageHeader("Tableau de bord")
        self.dossier_action = page_action(self, "Dossier du prochain COPIL", "fa5s.folder-open",
                                          self.open_next_copil_dossier)
        self.header.add_action_button(self.dossier_action)
        self.mine_check = QCheckBox("Mes réunions, décisions et fiches")
        self.mine_check.setToolTip("Ne compter que les réunions que vous animez, les décisions que vous portez "
                                   "(ou prises dans vos réunions), les fiches dont vous êtes référent·e et votre "
                                   "journal. Dites qui vous êtes dans Fichier → Préférences…")
        self.mine_check.toggled.connect(lambda _checked: self.refresh())
        self.header.actions_layout.addWidget(self.mine_check)

        self.cards = {
            "meetings": StatCard("Réunions", "fa5s.calendar-check"),
            "decisions": StatCard("Décisions", "fa5s.tasks"),
            "alerts": StatCard("Alertes COPIL", "fa5s.bell"),
            "fiches": StatCard("Fiches actions", "fa5s.clipboard-list"),
            "etp": StatCard("ETP", "fa5s.user-friends"),
            "journal": StatCard("Journal", "fa5s.book-open"),
        }
        cards = QHBoxLayout()
        cards.setSpacing(10)
        for card in self.cards.values():
            cards.addWidget(card, 1)

        self.warnings = WarningList()
        self.warnings.open_record.connect(self.open_record)
        warnings_box = Section("Points d'attention", "fa5s.exclamation-triangle")
        warnings_box.body.addWidget(self.warnings, 1)
        hint = QLabel("Cliquez un point (ou Entrée) pour ouvrir l'enregistrement concerné.")
        hint.setObjectName("hint")
        warnings_box.body.addWidget(hint)

        self.chart = BarChart()
        chart_box = Section("Fiches actions par statut", "fa5s.chart-bar")
        chart_box.body.addWidget(self.chart)
        chart_box.body.addStretch(1)

        self.instances_model: RowsTableModel[InstanceCount] = RowsTableModel(INSTANCE_COLUMNS)
        self.instances_view = _compact_table(self.instances_model)
        instances_box = Section("Réunions par instance", "fa5s.sitemap")
        instances_box.body.addWidget(self.instances_view, 1)

        self.meetings_model: RowsTableModel[UpcomingMeeting] = RowsTableModel(MEETING_COLUMNS)
        self.meetings_view = _compact_table(self.meetings_model)
        self.meetings_view.doubleClicked.connect(self._open_meeting)
        self.meetings_view.activated.connect(self._open_meeting)
        meetings_box = Section("Prochaines réunions", "fa5s.calendar-alt")
        meetings_box.body.addWidget(self.meetings_view, 1)

        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(warnings_box, 3)
        top.addWidget(chart_box, 2)
        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        bottom.addWidget(instances_box, 1)
        bottom.addWidget(meetings_box, 1)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(24, 18, 24, 18)
        content_layout.setSpacing(12)
        content_layout.addWidget(self.header)
        content_layout.addLayout(cards)
        content_layout.addLayout(top, 1)
        content_layout.addLayout(bottom, 1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def open_next_copil_dossier(self):
        """The dossier de séance of the next planned COPIL, as PDF, opened with the system."""
        from ctgdesk.services.meeting_documents import next_copil_id
        from ctgdesk.ui.widgets.documents_button import open_meeting_document
        from ctgdesk.ui.widgets.messages import show_error

        with self.ctx.db.transaction() as session:
            meeting_id = next_copil_id(session, self.ctx.today())
        if meeting_id is None:
            show_error(self, f"Aucun COPIL n'est prévu à partir du {long_date(self.ctx.today())} : planifiez-le dans "
                             "la page « Réunions », puis revenez ici.")
            return None
        return open_meeting_document(self, self.ctx, meeting_id, "dossier", "pdf")

    def refresh(self) -> None:
        year, today = self.ctx.year, self.ctx.today()
        self.mine_check.setEnabled(self.ctx.me is not None)  # once she has said who she is
        mine = self.ctx.me if self.mine_check.isChecked() and self.ctx.me is not None else None
        self.load_data(lambda session: dashboard(session, year, today, mine=mine), self.show_board)

    def show_board(self, board: Dashboard) -> None:
        """The figures of `board` on screen (bench/probe.py times the cold start to here)."""
        self.board = board
        self.header.title.setText(f"Tableau de bord {board.year}")
        self.header.set_subtitle(
            (f"{board.convention} — " if board.convention else f"Aucune convention ne couvre {board.year} — ")
            + f"situation au {long_date(board.today)}"
            + (f" — réunions, décisions, fiches et journal de {board.mine}." if board.mine else ".")
        )
        year = board.year
        self.cards["meetings"].set(str(board.meetings_held), f"{_plural(board.meetings_planned, 'prévue', 'prévues')} "
                                                             f"en {year}")
        self.cards["decisions"].set(
            str(board.open_decisions),
            f"dont {_plural(board.overdue_decisions, 'en retard', 'en retard')}" if board.overdue_decisions
            else "aucune en retard", alert=board.overdue_decisions > 0)
        self.cards["alerts"].set(str(board.open_alerts), "non levées" if board.open_alerts > 1 else "non levée")
        blocked = board.fiches_by_status.get(FicheStatus.BLOCKED, 0)
        late = board.late_fiches
        self.cards["fiches"].set(
            str(board.fiches_total),
            ", ".join(p for p in (f"{late} en retard" if late else "",
                                  _plural(blocked, "bloquée", "bloquées") if blocked else "") if p)
            or "aucune en retard", alert=bool(late or blocked))
        etp_detail = f"{year - 1} : {decimal2(board.etp_previous_total)}" \
            if board.etp_previous_total is not None else _plural(board.etp_structures, "structure", "structures")
        if board.etp_pending:
            etp_detail += f" · {board.etp_pending} en cours"
        self.cards["etp"].set(decimal2(board.etp_total), etp_detail)
        self.cards["etp"].setToolTip(
            f"ETP de coordination {year} : {decimal2(board.etp_total)} pour "
            f"{_plural(board.etp_structures, 'structure', 'structures')}"
            + (f", dont {board.etp_pending} « En cours » (non compté)" if board.etp_pending else "")
            + f".\n{_plural(board.coordinators, 'chargé·e', 'chargé·e·s')} de coopération en poste.")
        self.cards["journal"].set(str(board.journal_entries),
                                  f"{'entrée' if board.journal_entries <= 1 else 'entrées'} en {year}")

        if board.organisations:
            self.warnings.set_warnings(board.warnings, board.more_warnings)
        else:
            self.warnings.set_empty_database()

        self.chart.set_bars([Bar(status.label, board.fiches_by_status.get(status, 0), STATUS_COLORS[status])
                             for status in FicheStatus])
        self.instances_model.set_rows(board.instances)
        self._fit(self.instances_view, 0)
        self.meetings_model.set_rows(board.next_meetings)
        self._fit(self.meetings_view, 1)

    @staticmethod
    def _fit(view: QTableView, stretch: int) -> None:
        """Columns to their contents (at most 240 px), one column taking the rest."""
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        view.resizeColumnsToContents()
        for column in range(header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, min(header.sectionSize(column) + 12, 240))
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def _open_meeting(self, index) -> None:
        meeting = self.meetings_model.row_at(index)
        if meeting is not None:
            self.open_record.emit(PAGE_MEETINGS, "meeting", meeting.meeting_id)
