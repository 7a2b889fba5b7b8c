"""Is the database somewhere SQLite is not safe: a synced folder or a network path?

A synchronisation client (OneDrive, Dropbox…) copies the file while SQLite writes it, and
may bring back an older copy or a "conflict" copy; a network file system often has
unreliable locks. Both end in corrupted databases. These functions only *warn*.

The detection functions are pure (they take the path as text and, for network mounts,
the mount table as text) so they can be tested with fake Windows, macOS and Linux paths;
`location_warnings` gathers what the running system knows.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Callable, Mapping

# Folder names (compared case-insensitively) that belong to a synchronisation client.
_SYNC_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^onedrive( - .+|-.+)?$"), "OneDrive"),
    (re.compile(r"^dropbox( \(.+\))?$|^dropbox-.+$"), "Dropbox"),
    (re.compile(r"^(google ?drive|googledrive-.+|my drive|mon drive|drive partagés|shared drives)$"), "Google Drive"),
    (re.compile(r"^(icloud ?drive|icloud drive \(archive\)|mobile documents|com~apple~clouddocs)$"), "iCloud Drive"),
    (re.compile(r"^nextcloud.*$"), "Nextcloud"),
    (re.compile(r"^owncloud.*$"), "ownCloud"),
    (re.compile(r"^pcloud ?drive$|^pcloud$"), "pCloud"),
    (re.compile(r"^box ?sync$|^box-box$|^boxdrive$"), "Box"),
    (re.compile(r"^seafile$|^seadrive$"), "Seafile"),
    (re.compile(r"^synology ?drive$|^synologydrive-.+$"), "Synology Drive"),
    (re.compile(r"^tresorit( drive)?$"), "Tresorit"),
    (re.compile(r"^megasync$|^mega ?sync$"), "MEGA"),
]

# Environment variables Windows sets to the OneDrive folders.
_ONEDRIVE_VARIABLES = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")

NETWORK_FILESYSTEMS = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p",
    "ceph", "glusterfs", "lustre", "gpfs", "beegfs", "davfs", "coda",
    "fuse.sshfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs", "fuse.glusterfs",
    "fuse.cephfs", "fuse.gvfsd-fuse", "fuse.smbnetfs", "fuse.curlftpfs", "afpfs", "webdav",
}


def _parts(path: str) -> list[str]:
    """Path components whatever the separator (a Windows path may be checked on Linux)."""
    return [part for part in re.split(r"[\\/]+", path) if part]


def _norm(path: str) -> str:
    return "/".join(part.casefold() for part in _parts(path))


def sync_service(path: str | os.PathLike, *, env: Mapping[str, str] | None = None) -> str | None:
    """The synchronisation service whose folder holds `path`, or None."""
    text = os.fspath(path)
    for part in _parts(text):
        folded = part.casefold()
        for pattern, service in _SYNC_PATTERNS:
            if pattern.match(folded):
                return service
    for variable in _ONEDRIVE_VARIABLES:
        root = (env or {}).get(variable)
        if root and _is_under(_norm(text), _norm(root)):
            return "OneDrive"
    return None


def _is_under(path: str, root: str) -> bool:
    return bool(root) and (path == root or path.startswith(root + "/"))


def unc_share(path: str | os.PathLike) -> str | None:
    r"""`\\serveur\partage` when `path` is a Windows network (UNC) path, else None."""
    text = os.fspath(path)
    if text.startswith(("\\\\?\\", "//?/")):
        rest = text[4:]
        if rest[:4].casefold() != "unc\\" and rest[:4].casefold() != "unc/":
            return None  # \\?\C:\… is a long local path
        text = "\\\\" + rest[4:]
    if text.startswith(("\\\\.\\", "//./")):
        return None  # device namespace
    if text.startswith(("\\\\", "//")) and not text.startswith(("\\\\\\", "///")):
        parts = _parts(text)
        if len(parts) >= 2:
            return f"\\\\{parts[0]}\\{parts[1]}"
        if parts:
            return f"\\\\{parts[0]}"
    return None


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes spaces, tabs, newlines and backslashes as octal escapes."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_mounts(text: str) -> list[tuple[str, str, str]]:
    """(device, mount point, file system type) for each line of /proc/mounts."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape_mount(fields[0]), _unescape_mount(fields[1]), fields[2]))
    return mounts


def mount_of(path: str, mounts: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """The mount that holds the absolute POSIX `path`: the longest mount point above it."""
    best = None
    for mount in mounts:
        point = mount[1].rstrip("/") or "/"
        if point == "/" or path == point or path.startswith(point + "/"):
            if best is None or len(point) > len(best[1].rstrip("/") or "/"):
                best = mount
    return best


def network_location(
    path: str | os.PathLike,
    *,
    mounts_text: str | None = None,
    drive_is_remote: Callable[[str], bool] | None = None,
) -> str | None:
    """A French description of the network location holding `path`, or None if local."""
    text = os.fspath(path)
    share = unc_share(text)
    if share is not None:
        return f"le partage réseau {share}"
    drive = re.match(r"^([A-Za-z]):", text)
    if drive and drive_is_remote is not None and drive_is_remote(drive.group(1).upper() + ":\\"):
        return f"le lecteur réseau {drive.group(1).upper()}:"
    if mounts_text is not None and text.startswith("/"):
        mount = mount_of(text, parse_mounts(mounts_text))
        if mount is not None:
            fstype = mount[2].casefold()
            if fstype in NETWORK_FILESYSTEMS or fstype.startswith(("nfs", "smb", "cifs")):
                return f"un montage réseau {mount[2]} ({mount[0]} sur {mount[1]})"
    return None


def _windows_drive_is_remote(root: str) -> bool:  # pragma: no cover - Windows only
    import ctypes

    return ctypes.windll.kernel32.GetDriveTypeW(root) == 4  # DRIVE_REMOTE


def warnings_for(
    path: str | os.PathLike,
    *,
    env: Mapping[str, str] | None = None,
    mounts_text: str | None = None,
    drive_is_remote: Callable[[str], bool] | None = None,
) -> list[str]:
    """French warnings for a database at `path` (pure: everything it needs is passed in)."""
    warnings = []
    service = sync_service(path, env=env)
    if service is not None:
        warnings.append(
            f"La base est dans un dossier synchronisé par {service} (« {os.fspath(path)} »). "
            "Un fichier de base ouvert pendant que la synchronisation le copie peut être "
            "endommagé ou remplacé par une copie plus ancienne : gardez la base dans le dossier "
            "de données de ctgdesk et ne placez dans le dossier synchronisé que des sauvegardes."
        )
    network = network_location(path, mounts_text=mounts_text, drive_is_remote=drive_is_remote)
    if network is not None:
        warnings.append(
            f"La base est sur {network}. Les verrous d'un partage réseau ne sont pas fiables "
            "pour SQLite et une coupure du réseau pendant une écriture peut l'endommager : "
            "gardez la base sur le disque de l'ordinateur et copiez les sauvegardes sur le partage."
        )
    return warnings


def location_warnings(path: Path | str) -> list[str]:
    """French warnings for the database at `path`, on the system we run on."""
    resolved = os.path.abspath(os.path.realpath(os.fspath(path)))
    mounts_text = None
    if sys.platform.startswith("linux"):
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            mounts_text = None
    drive_is_remote = _windows_drive_is_remote if sys.platform == "win32" else None
    return warnings_for(resolved, env=os.environ, mounts_text=mounts_text, drive_is_remote=drive_is_remote)
