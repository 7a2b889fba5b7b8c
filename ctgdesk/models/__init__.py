"""The CTG domain as SQLAlchemy 2 typed classes. No Qt, no file formats.

The model modules do not use `from __future__ import annotations`: Python then evaluates
the `Mapped[...]` annotations once, when compiling, and SQLAlchemy reads objects instead
of cleaning up and evaluating some 550 strings at every start (≈15 ms of the cold start).
A class defined further down, or imported for type checking only, is named in quotes.
"""

from ctgdesk.models.base import Base, Tracked
from ctgdesk.models.audit import AuditEntry
from ctgdesk.models.enums import (
    AttendanceStatus,
    DecisionStatus,
    EtpStatus,
    FicheIndicatorKind,
    FicheStatus,
    InstanceKind,
    JournalKind,
    MeetingStatus,
    OrganisationKind,
    RefIndicatorKind,
)
from ctgdesk.models.journal import JournalEntry
from ctgdesk.models.meetings import Alert, Attendance, Decision, Expertise, Instance, InstanceMember, Meeting
from ctgdesk.models.plan import (
    Enjeu,
    FicheAction,
    FicheIndicator,
    FicheIndicatorValue,
    FicheStep,
    FollowUp,
    Funding,
    Objectif,
)
from ctgdesk.models.referential import (
    IndicatorEntry,
    RefFunction,
    RefIndicator,
    RefObjective,
    ReferentialVersion,
)
from ctgdesk.models.staff import Coordinator, EtpAllocation, EtpShare, Person
from ctgdesk.models.territory import Convention, Organisation, Signatory

__all__ = [
    "Alert", "Attendance", "AttendanceStatus", "AuditEntry", "Base", "Convention", "Coordinator", "Decision",
    "DecisionStatus", "Enjeu", "EtpAllocation", "EtpShare", "EtpStatus", "Expertise", "FicheAction",
    "FicheIndicator", "FicheIndicatorKind", "FicheIndicatorValue", "FicheStatus", "FicheStep",
    "FollowUp", "Funding", "IndicatorEntry", "Instance", "InstanceKind", "InstanceMember",
    "JournalEntry", "JournalKind", "Meeting", "MeetingStatus", "Objectif", "Organisation",
    "OrganisationKind", "Person", "RefFunction", "RefIndicator", "RefIndicatorKind",
    "RefObjective", "ReferentialVersion", "Signatory", "Tracked",
]
