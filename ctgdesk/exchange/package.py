"""A coordinator's package: one zip file holding a JSON manifest and the data, keyed by uid.

    paquet.ctgpaquet (zip)
    ├── manifest.json   {"format": "ctgdesk-paquet", "version": 1, "exported_at": …, "base_at": …,
    │                    "coordinator": {"uid": …, "name": …} | null, "year": 2026 | null, …}
    └── donnees.json    {"tables": {"meeting": {"fields": [...], "rows": [[...], ...]}, ...}}

Values are the exact texts of services.imports.dataset. This module only writes and reads
the file (atomically, with size guards); it knows nothing of the database.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ctgdesk.exchange.atomic import ExportError, atomic_path
from ctgdesk.exchange.readers import ImportFileError, Location, check_archive, sniff_kind

FORMAT = "ctgdesk-paquet"
VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAME = "donnees.json"
MAX_MEMBER_BYTES = 300 * 1024 * 1024


PackageWriteError = ExportError  # the package could not be written; the message is French


@dataclass
class PackageContent:
    manifest: dict
    tables: dict[str, tuple[list[str], list[list]]] = field(default_factory=dict)


def write_package(path: Path | str, manifest: dict, tables: dict[str, tuple[list[str], list[list]]]) -> Path:
    path = Path(path)
    manifest = {"format": FORMAT, "version": VERSION, **manifest}
    data = {"tables": {name: {"fields": fields, "rows": rows} for name, (fields, rows) in tables.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2))
            archive.writestr(DATA_NAME, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return path


def read_package(path: Path | str) -> PackageContent:
    path = Path(path)
    where = Location(path.name)
    sniff_kind(path)  # missing, empty, too big, encrypted… → ImportFileError
    if not zipfile.is_zipfile(path):
        raise ImportFileError(f"« {path.name} » n'est pas un paquet ctgdesk (fichier zip attendu).", where)
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, path.name, "Le paquet")
            names = set(archive.namelist())
            if MANIFEST_NAME not in names or DATA_NAME not in names:
                raise ImportFileError(
                    f"« {path.name} » n'est pas un paquet ctgdesk ({MANIFEST_NAME} ou {DATA_NAME} manquant).", where
                )
            for name in (MANIFEST_NAME, DATA_NAME):
                if archive.getinfo(name).file_size > MAX_MEMBER_BYTES:
                    raise ImportFileError(f"Le paquet « {path.name} » est trop volumineux.", where)
            manifest = json.loads(archive.read(MANIFEST_NAME).decode("utf-8"))
            data = json.loads(archive.read(DATA_NAME).decode("utf-8"))
    except ImportFileError:
        raise
    except RecursionError:
        raise ImportFileError(
            f"Le paquet « {path.name} » est abîmé (données imbriquées trop profondément).", where
        ) from None
    except (zipfile.BadZipFile, EOFError, KeyError, zlib.error, NotImplementedError):
        raise ImportFileError(f"Le paquet « {path.name} » est abîmé ou tronqué.", where) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportFileError(f"Le paquet « {path.name} » est abîmé (données illisibles).", where) from None
    except PermissionError:
        raise ImportFileError(f"Le fichier « {path.name} » est verrouillé : fermez-le puis réessayez.", where) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ImportFileError(f"« {path.name} » n'est pas un paquet ctgdesk.", where)
    if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
        raise ImportFileError(
            f"Le paquet « {path.name} » vient d'une version plus récente de ctgdesk : mettez ctgdesk à jour.", where
        )
    content = PackageContent(manifest)
    tables = data.get("tables") if isinstance(data, dict) else None
    if not isinstance(tables, dict):
        raise ImportFileError(f"Le paquet « {path.name} » est abîmé (tables absentes).", where)
    for name, table in tables.items():
        fields, rows = (table or {}).get("fields"), (table or {}).get("rows")
        if not isinstance(fields, list) or not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ImportFileError(f"Le paquet « {path.name} » est abîmé (table « {name} »).", Location(path.name, name))
        for number, row in enumerate(rows, start=1):
            if len(row) != len(fields) or not all(v is None or isinstance(v, str) for v in row):
                raise ImportFileError(
                    f"Le paquet « {path.name} » est abîmé (table « {name} », ligne {number}).",
                    Location(path.name, name, number),
                )
        content.tables[name] = (fields, rows)
    return content
