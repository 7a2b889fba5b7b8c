from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from ctgdesk.db.engine import make_engine, make_session_factory
from ctgdesk.models import Base
from tests.bilan.territory import TODAY, build_territory

_TEMPLATE: dict[str, object] = {}


def _template(tmp_path_factory) -> tuple[Path, object]:
    """The populated database, built once per run and copied for each test that needs it."""
    if "path" not in _TEMPLATE:
        path = tmp_path_factory.mktemp("template") / "territoire.sqlite"
        engine = make_engine(path)
        Base.metadata.create_all(engine)
        with make_session_factory(engine)() as session:
            territory = build_territory(session)
            session.commit()
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        _TEMPLATE.update(path=path, territory=territory)
    return _TEMPLATE["path"], _TEMPLATE["territory"]


@pytest.fixture
def db_file(tmp_path, tmp_path_factory) -> Path:
    template, _ = _template(tmp_path_factory)
    target = tmp_path / "ctgdesk-test.sqlite"
    shutil.copyfile(template, target)
    return target


@pytest.fixture
def territory(tmp_path_factory):
    return _template(tmp_path_factory)[1]


@pytest.fixture
def session(db_file) -> Session:
    engine = make_engine(db_file)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


@pytest.fixture
def today():
    return TODAY
