"""A team base on a real PostgreSQL server: the same migrations build exactly the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ctgdesk.db import open_database
from ctgdesk.db.migrate import current_revision, head_revision
from ctgdesk.models import Base


def test_migrations_build_exactly_the_models_on_postgresql(pg_url):
    database = open_database(pg_url)
    assert database.engine.dialect.name == "postgresql"
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert current_revision(database.engine) == head_revision()
    database.dispose()


def _bilan_figures(database, year):
    from ctgdesk.services.bilan import compute_bilan
    from tests.conftest import DEMO_TODAY

    with database.transaction() as session:
        bilan = compute_bilan(session, year, today=DEMO_TODAY)
        return {
            "indicators": {i.code: (i.value, i.nature) for i in bilan.indicators},
            "meetings": len(bilan.meetings),
            "decisions": len(bilan.decisions),
            "alerts": len(bilan.alerts),
            "fiches": [repr(f) for f in bilan.fiches],
            "etp": repr(bilan.etp),
            "key_figures": [(k.label, k.value) for k in bilan.key_figures],
        }


def test_the_demo_on_postgresql_gives_the_same_bilan_as_on_sqlite(pg_url, demo_db):
    from ctgdesk.services.demo import build_demo
    from tests.conftest import DEMO_TODAY

    server = open_database(pg_url)
    with server.transaction() as session:
        build_demo(session, today=DEMO_TODAY)
    for year in (2025, 2026):
        on_server, on_file = _bilan_figures(server, year), _bilan_figures(demo_db, year)
        assert on_server["meetings"] > 20
        assert on_server == on_file
    server.dispose()
