"""The national referential: loaded from its data file into the database, and read back."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ctgdesk.models import (
    RefFunction,
    RefIndicator,
    RefIndicatorKind,
    RefObjective,
    ReferentialVersion,
)
from ctgdesk.models.base import table
from ctgdesk.resources import resource_path

DEFAULT_REFERENTIAL = resource_path("referential", "national.toml")


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    kind: RefIndicatorKind
    text: str
    spec: dict
    counted: str
    function_code: str
    function_title: str
    objective_number: int
    objective_title: str

    @property
    def is_manual(self) -> bool:
        return self.spec.get("source") == "manual"


def read_referential_file(path: Path = DEFAULT_REFERENTIAL) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def ensure_referential(session: Session, path: Path = DEFAULT_REFERENTIAL) -> None:
    """Load the referential data file into the database, once per version code."""
    data = read_referential_file(path)
    code = data["version"]["code"]
    versions = table(ReferentialVersion)  # every start-up asks: no mapper configured for it
    if session.scalar(select(versions.c.id).where(versions.c.code == code)) is not None:
        return
    version = ReferentialVersion(
        code=code, title=data["version"]["title"], source=data["version"].get("source", "")
    )
    for objective in data["objectives"]:
        ref_objective = RefObjective(number=objective["number"], title=objective["title"])
        for function in objective["functions"]:
            ref_function = RefFunction(
                code=function["code"],
                title=function["title"],
                actions="\n".join(function.get("actions", [])),
            )
            for position, indicator in enumerate(function["indicators"]):
                ref_function.indicators.append(
                    RefIndicator(
                        code=indicator["code"],
                        kind=RefIndicatorKind(indicator["kind"]),
                        position=position,
                        text=indicator["text"],
                        computation=json.dumps(indicator["compute"], ensure_ascii=False),
                        counted=indicator.get("counted", ""),
                    )
                )
            ref_objective.functions.append(ref_function)
        version.objectives.append(ref_objective)
    session.add(version)
    session.flush()


def current_version(session: Session) -> ReferentialVersion | None:
    return session.scalar(
        select(ReferentialVersion)
        .order_by(ReferentialVersion.id.desc())
        .options(
            selectinload(ReferentialVersion.objectives)
            .selectinload(RefObjective.functions)
            .selectinload(RefFunction.indicators)
        )
        .limit(1)
    )


def indicator_definitions(session: Session) -> list[IndicatorDef]:
    """Every indicator of the current referential, in table order."""
    version = current_version(session)
    if version is None:
        return []
    result = []
    for objective in version.objectives:
        for function in objective.functions:
            for indicator in function.indicators:
                result.append(
                    IndicatorDef(
                        code=indicator.code,
                        kind=indicator.kind,
                        text=indicator.text,
                        spec=indicator.spec,
                        counted=indicator.counted,
                        function_code=function.code,
                        function_title=function.title,
                        objective_number=objective.number,
                        objective_title=objective.title,
                    )
                )
    return result


def function_choices(session: Session) -> list[tuple[str, str]]:
    """(code, "1.1 : title") for every function, for pick lists."""
    version = current_version(session)
    if version is None:
        return []
    return [(f.code, f"{f.code} : {f.title}") for o in version.objectives for f in o.functions]
