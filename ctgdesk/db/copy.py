"""Copy a whole base into an empty one, row for row (ids and uids kept): a laptop's SQLite file
into a new team base (`ctgdesk team push`), or a team base into a file for a trip without
network (`ctgdesk team pull`). Both bases must be at the same schema version.

One transaction on the target: a copy lands whole or not at all.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select, text

from ctgdesk.models import Base

BATCH = 2000


class CopyRefused(Exception):
    """A French message: the target is not empty, or the schemas differ."""


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables}


def copy_base(source: Engine, target: Engine) -> dict[str, int]:
    """Every table of the models, parents first; returns the rows copied per table."""
    from ctgdesk.db.migrate import current_revision

    if current_revision(source) != current_revision(target):
        raise CopyRefused(
            f"Les deux bases n'ont pas la même version de schéma ({current_revision(source)} et "
            f"{current_revision(target)}) : ouvrez d'abord la plus ancienne avec ctgdesk pour la mettre à jour."
        )
    filled = {name: count for name, count in row_counts(target).items() if count}
    if filled:
        names = ", ".join(sorted(filled)[:5])
        raise CopyRefused(f"La base de destination n'est pas vide ({names}…) : rien n'a été copié.")
    copied: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        for table in Base.metadata.sorted_tables:
            count = 0
            result = reading.execution_options(stream_results=True).execute(select(table))
            while rows := result.fetchmany(BATCH):
                writing.execute(table.insert(), [dict(row._mapping) for row in rows])
                count += len(rows)
            copied[table.name] = count
        if target.dialect.name == "postgresql":
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement in (True, "auto") and copied[table.name]:
                    writing.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"))
    return copied
