"""Meetings to an iCalendar file that Outlook and Thunderbird import.

One VEVENT per meeting: UID = the meeting's uid (stable: importing again updates instead of
duplicating), DTSTART/DTEND in Europe/Paris local time with a VTIMEZONE written the way
Outlook writes it (two yearly rules), SUMMARY "instance — title", LOCATION, DESCRIPTION with
the ordre du jour. Times are stored naive in the database (Paris wall-clock time) and written
as such with TZID=Europe/Paris: no time-zone database is needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Sequence

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from ctgdesk import __version__
from ctgdesk.exchange.atomic import atomic_path
from ctgdesk.models import MeetingStatus
from ctgdesk.services.bilan import MeetingLine

TZID = "Europe/Paris"
DEFAULT_DURATION = timedelta(hours=2)
STATUS = {MeetingStatus.PLANNED: "CONFIRMED", MeetingStatus.HELD: "CONFIRMED", MeetingStatus.CANCELLED: "CANCELLED"}


def paris_timezone() -> Timezone:
    zone = Timezone()
    zone.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def meeting_event(meeting: MeetingLine, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at, parameters={"TZID": TZID})
    ends = meeting.ends_at if meeting.ends_at and meeting.ends_at > meeting.starts_at else (
        meeting.starts_at + DEFAULT_DURATION)
    event.add("dtend", ends, parameters={"TZID": TZID})
    event.add("summary", f"{meeting.instance} — {meeting.title}" if meeting.title else meeting.instance)
    if meeting.place:
        event.add("location", meeting.place)
    description = []
    if meeting.agenda:
        description.append("Ordre du jour :\n" + meeting.agenda)
    if meeting.communes:
        description.append(f"Communes : {meeting.communes}")
    if meeting.animator:
        description.append(f"Animée par : {meeting.animator}")
    if description:
        event.add("description", "\n\n".join(description))
    event.add("categories", [meeting.kind.label])
    event.add("status", STATUS.get(meeting.status, "CONFIRMED"))
    return event


def calendar_bytes(meetings: Sequence[MeetingLine], *, name: str = "Réunions CTG",
                   produced_at: datetime | None = None) -> bytes:
    stamp = (produced_at or datetime.now()).astimezone(timezone.utc)  # naive = this computer's local time
    calendar = Calendar()
    calendar.add("prodid", f"-//ctgdesk {__version__}//Réunions CTG//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add_component(paris_timezone())
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp))
    return calendar.to_ical()


def write_ics(meetings: Sequence[MeetingLine], path: Path | str, *, name: str = "Réunions CTG",
              produced_at: datetime | None = None) -> Path:
    """Write the calendar (through a temporary file); returns the path."""
    data = calendar_bytes(meetings, name=name, produced_at=produced_at)
    path = Path(path)
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
    return path
