"""Is the database already at the newest schema? Answered without loading Alembic.

Opening the database on every start used to import Alembic and walk its scripts (a quarter
of a second, measured by bench/run) only to find there was nothing to do. The head revision
is read from the text of the version files (`revision = "…"`, `down_revision = "…"`); when
anything is unusual (a merge revision, a file it cannot read), the answer is "not sure" and
the caller goes through Alembic as before.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

VERSIONS_DIR = Path(__file__).with_name("migrations") / "versions"
_REVISION = re.compile(r"""^revision\s*(?::\s*\w+\s*)?=\s*['"]([^'"]+)['"]\s*$""", re.M)
_DOWN = re.compile(r"""^down_revision\s*(?::[^=]+)?=\s*(?:None|['"]([^'"]+)['"])\s*$""", re.M)


def versions_dir() -> Path:
    """ctgdesk.db.migrate's folder when that module is loaded (it may point elsewhere, in
    tests), else the shipped one — nobody can have changed a module not imported yet."""
    migrate = sys.modules.get("ctgdesk.db.migrate")
    return Path(migrate.MIGRATIONS_DIR) / "versions" if migrate is not None else VERSIONS_DIR


def head_from_files(folder: Path | None = None) -> str | None:
    """The one revision no other revision follows, or None when unsure."""
    folder = versions_dir() if folder is None else folder
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in folder.glob("*.py"):
        try:
            source = path.read_text(encoding="utf-8")
        except OSError:
            return None
        revision, down = _REVISION.findall(source), _DOWN.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        if down[0]:
            parents.add(down[0])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def is_at_head(engine: Engine) -> bool:
    """True only when the database's one recorded revision is the head of the version files."""
    head = head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no alembic_version table yet: a new database
        return False
    return versions == [head]
