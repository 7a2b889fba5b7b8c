"""Synced folders and network paths: pure detection on fake Windows, macOS and Linux paths."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctgdesk.db.synced_folders import (
    location_warnings,
    mount_of,
    network_location,
    parse_mounts,
    sync_service,
    unc_share,
    warnings_for,
)


@pytest.mark.parametrize(
    ("path", "service"),
    [
        (r"C:\Users\agnes\OneDrive\Documents\ctgdesk.sqlite", "OneDrive"),
        (r"C:\Users\agnes\OneDrive - Communauté de communes\CTG\base.sqlite", "OneDrive"),
        ("/Users/agnes/Library/CloudStorage/OneDrive-Personal/ctg.sqlite", "OneDrive"),
        (r"D:\Dropbox\ctgdesk.sqlite", "Dropbox"),
        ("/home/agnes/Dropbox (Mairie)/ctg.sqlite", "Dropbox"),
        (r"G:\Mon Drive\CTG\ctgdesk.sqlite", "Google Drive"),
        ("/Users/agnes/Library/CloudStorage/GoogleDrive-agnes@example.fr/My Drive/ctg.sqlite", "Google Drive"),
        (r"C:\Users\agnes\iCloudDrive\ctg.sqlite", "iCloud Drive"),
        ("/Users/agnes/Library/Mobile Documents/com~apple~CloudDocs/ctg.sqlite", "iCloud Drive"),
        ("/home/agnes/Nextcloud/CTG/ctg.sqlite", "Nextcloud"),
        (r"C:\Users\agnes\ownCloud\ctg.sqlite", "ownCloud"),
        ("/home/agnes/SynologyDrive/ctg.sqlite", "Synology Drive"),
    ],
)
def test_synced_folders_are_recognised(path, service):
    assert sync_service(path) == service
    warnings = warnings_for(path)
    assert len(warnings) == 1 and f"dossier synchronisé par {service}" in warnings[0]


@pytest.mark.parametrize(
    "path",
    [
        r"C:\Users\agnes\AppData\Local\ctgdesk\ctgdesk.sqlite",
        "/home/agnes/.local/share/ctgdesk/ctgdesk.sqlite",
        "/Users/agnes/Library/Application Support/ctgdesk/ctgdesk.sqlite",
        r"C:\Users\agnes\Documents\Drive-thru\ctg.sqlite",
        "/home/agnes/dropboxes-old/ctg.sqlite",
    ],
)
def test_local_folders_give_no_warning(path):
    assert sync_service(path) is None
    assert warnings_for(path, mounts_text="/dev/sda1 / ext4 rw 0 0\n") == []


def test_onedrive_folder_named_by_the_environment():
    env = {"OneDriveCommercial": r"C:\Users\agnes\Mairie de Sainte-Aulde"}
    assert sync_service(r"C:\Users\agnes\Mairie de Sainte-Aulde\CTG\ctg.sqlite", env=env) == "OneDrive"
    assert sync_service(r"C:\Users\agnes\Mairie de Sainte-Aulde 2\ctg.sqlite", env=env) is None


@pytest.mark.parametrize(
    ("path", "share"),
    [
        (r"\\serveur-mairie\partage\CTG\ctg.sqlite", r"\\serveur-mairie\partage"),
        ("//nas/ctg/ctg.sqlite", r"\\nas\ctg"),
        (r"\\?\UNC\serveur\partage\ctg.sqlite", r"\\serveur\partage"),
        (r"\\?\C:\Users\agnes\ctg.sqlite", None),
        (r"\\.\PhysicalDrive0", None),
        (r"C:\ctg.sqlite", None),
        ("/home/agnes/ctg.sqlite", None),
    ],
)
def test_unc_paths(path, share):
    assert unc_share(path) == share


def test_mapped_network_drive_on_windows():
    remote = {"Z:\\"}
    assert network_location(r"Z:\CTG\ctg.sqlite", drive_is_remote=remote.__contains__) == "le lecteur réseau Z:"
    assert network_location(r"c:\CTG\ctg.sqlite", drive_is_remote=remote.__contains__) is None
    assert "partage réseau" not in " ".join(warnings_for(r"C:\ctg.sqlite", drive_is_remote=remote.__contains__))


MOUNTS = """\
sysfs /sys sysfs rw,nosuid 0 0
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
/dev/nvme0n1p3 /home ext4 rw,relatime 0 0
nas:/export/ctg /home/agnes/partage nfs4 rw,relatime,vers=4.2 0 0
//serveur/commun /mnt/commun\\040mairie cifs rw,relatime 0 0
agnes@vps:/srv /home/agnes/distant fuse.sshfs rw 0 0
tmpfs /home/agnes/partage/tmp tmpfs rw 0 0
"""


def test_network_mounts_on_linux():
    mounts = parse_mounts(MOUNTS)
    assert ("//serveur/commun", "/mnt/commun mairie", "cifs") in mounts
    assert mount_of("/home/agnes/partage/ctg.sqlite", mounts)[2] == "nfs4"
    assert mount_of("/home/agnes/partage-locale/ctg.sqlite", mounts)[2] == "ext4"
    assert mount_of("/home/agnes/partage/tmp/ctg.sqlite", mounts)[2] == "tmpfs"
    assert network_location("/home/agnes/partage/ctg.sqlite", mounts_text=MOUNTS) == (
        "un montage réseau nfs4 (nas:/export/ctg sur /home/agnes/partage)"
    )
    assert "cifs" in network_location("/mnt/commun mairie/ctg.sqlite", mounts_text=MOUNTS)
    assert "fuse.sshfs" in network_location("/home/agnes/distant/ctg.sqlite", mounts_text=MOUNTS)
    assert network_location("/home/agnes/ctg.sqlite", mounts_text=MOUNTS) is None
    warnings = warnings_for("/home/agnes/partage/Dropbox/ctg.sqlite", mounts_text=MOUNTS)
    assert len(warnings) == 2 and "Dropbox" in warnings[0] and "réseau" in warnings[1]


def test_the_test_folder_itself_is_local(tmp_path):
    assert location_warnings(tmp_path / "ctg.sqlite") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80), st.text(max_size=200))
def test_detection_never_fails_on_odd_paths(path, mounts_text):
    result = warnings_for(path, mounts_text=mounts_text, env={"OneDrive": path[:10]})
    assert isinstance(result, list) and all(isinstance(w, str) for w in result)
