"""Bringing existing data in: ETP tables, INSEE communes, meetings, the whole-database workbook
and coordinators' packages. Each import is previewed first, then lands whole or not at all."""

from ctgdesk.services.imports.report import ImportReport, Outcome, ReportEntry
from ctgdesk.services.imports.runner import IMPORTERS, KIND_LABELS, run_import

__all__ = ["IMPORTERS", "KIND_LABELS", "ImportReport", "Outcome", "ReportEntry", "run_import"]
