"""The installers' static parts (no PyInstaller run: installers/build-linux.sh does that)."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import tomllib
from pathlib import Path, PureWindowsPath

import pytest

import ctgdesk
from ctgdesk import APP_DISPLAY_NAME, __version__

ROOT = Path(__file__).resolve().parent.parent
INSTALLERS = ROOT / "installers"
ICONS = ROOT / "resources" / "icons"
HICOLOR_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]


def load_script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- Linux: .desktop file, install.sh / uninstall.sh -----------------------------------


def read_desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(INSTALLERS / "linux" / "ctgdesk.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_names_the_app_in_french_and_launches_it():
    entry = read_desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_DISPLAY_NAME == "ctgdesk — Coopération territoriale CTG"
    assert entry["Name[fr]"] == APP_DISPLAY_NAME
    assert entry["Exec"].split()[0] == "ctgdesk"
    assert entry["Terminal"] == "false"
    categories = entry["Categories"]
    assert categories.endswith(";") and "Office" in categories.split(";")
    assert entry["Icon"] == "ctgdesk"
    for size in HICOLOR_SIZES:  # what install.sh copies into the hicolor theme
        assert (ICONS / f"ctgdesk-{size}.png").is_file()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian desktop-file-utils) is not installed")
def test_desktop_entry_passes_freedesktop_validator():
    result = subprocess.run(["desktop-file-validate", str(INSTALLERS / "linux" / "ctgdesk.desktop")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def fake_linux_package(tmp_path: Path) -> Path:
    package = tmp_path / "ctgdesk-0.0.0-linux-x86_64"
    (package / "ctgdesk").mkdir(parents=True)
    program = package / "ctgdesk" / "ctgdesk"
    program.write_text("#!/bin/sh\necho ctgdesk-factice\n")
    program.chmod(0o755)
    (package / "icons").mkdir()
    for size in (16, 256):
        shutil.copy(ICONS / f"ctgdesk-{size}.png", package / "icons")
    for name in ("install.sh", "uninstall.sh", "ctgdesk.desktop"):
        shutil.copy(INSTALLERS / "linux" / name, package)
    return package


def test_linux_install_is_per_user_and_uninstall_keeps_the_data(tmp_path):
    package = fake_linux_package(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    run = lambda script: subprocess.run(["sh", str(package / script)], env=env,  # noqa: E731
                                        capture_output=True, text=True, check=True)

    run("install.sh")
    app = home / ".local" / "opt" / "ctgdesk" / "ctgdesk"
    assert subprocess.run([str(home / ".local" / "bin" / "ctgdesk")], capture_output=True,
                          text=True).stdout == "ctgdesk-factice\n"
    menu = home / ".local" / "share" / "applications" / "ctgdesk.desktop"
    assert f'Exec="{app}"' in menu.read_text(encoding="utf-8").splitlines()
    assert (home / ".local/share/icons/hicolor/256x256/apps/ctgdesk.png").is_file()

    data = home / ".local" / "share" / "ctgdesk"  # platformdirs' user_data_path on Linux
    data.mkdir()
    (data / "ctgdesk.sqlite").write_bytes(b"base")
    (data / "sauvegardes").mkdir()
    result = run("uninstall.sh")
    assert not app.parent.exists()
    assert not (home / ".local" / "bin" / "ctgdesk").exists()
    assert not menu.exists()
    assert not (home / ".local/share/icons/hicolor/256x256/apps/ctgdesk.png").exists()
    assert (data / "ctgdesk.sqlite").read_bytes() == b"base"
    assert (data / "sauvegardes").is_dir()
    assert "données sont conservées" in result.stdout


# --- Windows: Inno Setup script --------------------------------------------------------


def read_inno() -> tuple[str, dict[str, list[str]]]:
    text = (INSTALLERS / "windows" / "ctgdesk.iss").read_text(encoding="utf-8-sig")
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"\[\w+\]", stripped):
            current = stripped[1:-1]
            sections[current] = []
        elif current and stripped and not stripped.startswith(";"):
            sections[current].append(stripped)
    return text, sections


def setup_directives() -> dict[str, str]:
    _, sections = read_inno()
    return dict(line.split("=", 1) for line in sections["Setup"])


def test_inno_installer_is_french_and_per_user_without_admin():
    text, sections = read_inno()
    setup = setup_directives()
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup  # no way to ask for admin
    assert setup["DefaultDirName"].startswith("{autopf}\\")  # %LOCALAPPDATA%\Programs when lowest
    assert sections["Languages"] == ['Name: "french"; MessagesFile: "compiler:Languages\\French.isl"']
    assert setup["ShowLanguageDialog"] == "no"
    assert f'#define AppDisplayName "{APP_DISPLAY_NAME}"' in text
    assert setup["SetupIconFile"] == "..\\..\\resources\\icons\\ctgdesk.ico"
    icon = (INSTALLERS / "windows").joinpath(*PureWindowsPath(setup["SetupIconFile"]).parts)
    assert icon.resolve() == ICONS / "ctgdesk.ico"


def test_inno_installer_makes_start_menu_and_desktop_shortcuts():
    _, sections = read_inno()
    icons = sections["Icons"]
    assert any(line.startswith('Name: "{autoprograms}\\{#AppDisplayName}"') for line in icons)
    desktop = [line for line in icons if line.startswith('Name: "{autodesktop}\\')]
    assert desktop and "Tasks: desktopicon" in desktop[0]
    assert any(line.startswith('Name: "desktopicon"') and "unchecked" not in line
               for line in sections["Tasks"])


def test_inno_uninstaller_keeps_the_users_data_folder():
    text, sections = read_inno()
    # {app} when installed per user; the data folder is platformdirs'
    # user_data_path("ctgdesk", appauthor=False, roaming=False) = %LOCALAPPDATA%\ctgdesk.
    app = setup_directives()["DefaultDirName"].replace("{autopf}", "{localappdata}\\Programs")
    data = "{localappdata}\\ctgdesk"
    assert not app.lower().startswith(data.lower())
    deleted = sections.get("UninstallDelete", []) + sections.get("InstallDelete", [])
    assert deleted == ['Type: filesandordirs; Name: "{app}"']
    for line in deleted:
        target = re.search(r'Name: "([^"]+)"', line)[1].replace("{app}", app).lower()
        assert not target.startswith(data.lower())
        assert "{userappdata}" not in target and "{localappdata}\\ctgdesk" not in target
    code = "\n".join(sections.get("Code", []))
    assert not re.search(r"DelTree|DeleteFile|RemoveDir", code)
    assert "Vos données" in code  # and the user is told where they stay


def test_inno_version_is_not_written_in_the_script():
    text, _ = read_inno()
    assert "#ifndef AppVersion" in text
    assert not re.search(r"\d+\.\d+\.\d+", text)


# --- PyInstaller recipe ----------------------------------------------------------------


def spec_definitions(*names: str) -> dict:
    """Run the spec's top-level definitions of `names` (not the PyInstaller calls)."""
    tree = ast.parse((INSTALLERS / "ctgdesk.spec").read_text(encoding="utf-8"))
    nodes = [
        node for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name in names)
        or (isinstance(node, ast.Assign) and any(getattr(t, "id", None) in names for t in node.targets))
    ]
    namespace: dict = {"Path": Path}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), "ctgdesk.spec", "exec"), namespace)
    return namespace


def test_spec_excludes_heavy_qt_modules_and_keeps_the_used_ones():
    excluded = set(spec_definitions("EXCLUDED_QT_MODULES")["EXCLUDED_QT_MODULES"])
    heavy = {"QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "Qt3DCore",
             "Qt3DRender", "QtMultimedia", "QtQuick", "QtQml", "QtQuick3D", "QtPdf",
             "QtCharts", "QtDataVisualization", "QtGraphs"}
    assert heavy <= excluded
    assert not excluded & {"QtCore", "QtGui", "QtWidgets", "QtSvg"}


def test_spec_keeps_pillow_which_reportlab_needs_for_every_pdf():
    """reportlab 4 imports Pillow unconditionally (reportlab.lib.utils) and reads PNG logos
    through it: excluding Pillow breaks the COPIL PDF and the signatories' logos."""
    excludes = spec_definitions("EXCLUDED_QT_MODULES", "EXCLUDES")["EXCLUDES"]
    assert not {"PIL", "Pillow"} & set(excludes)


def test_spec_keeps_only_french_translations_and_locale_data():
    wanted = spec_definitions("BABEL_LOCALES_KEPT", "wanted")["wanted"]
    assert wanted("babel/locale-data/fr.dat") and wanted("babel/locale-data/fr_FR.dat")
    assert wanted("babel/locale-data/root.dat") and wanted("babel/global.dat")
    assert not wanted("babel/locale-data/de.dat") and not wanted("babel/locale-data/ja_JP.dat")
    assert wanted("PySide6/Qt/translations/qtbase_fr.qm")
    assert not wanted("PySide6/Qt/translations/qtbase_de.qm")
    assert wanted("ctgdesk/db/migrations/versions/0001_initial_schema.py")
    assert wanted("resources/referential/national.toml")


def test_spec_drops_embedded_qt_plugins_but_keeps_desktop_ones():
    wanted_binary = spec_definitions("UNWANTED_BINARIES", "wanted_binary")["wanted_binary"]
    for kept in ("PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqwayland.so",
                 "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/lib/libQt6Widgets.so.6",
                 "PySide6/Qt/plugins/platforms/qwindows.dll", "libfontconfig.so.1",
                 "pillow.libs/libjpeg-6dc8d115.so.62.4.0"):  # Pillow's own JPEG, needed by every PDF
        assert wanted_binary(kept), kept
    for dropped in ("PySide6/Qt/plugins/platforms/libqeglfs.so", "PySide6/Qt/plugins/platforms/libqvnc.so",
                    "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "libcairo.so.2", "libpango-1.0.so.0",
                    "libjpeg.so.62"):
        assert not wanted_binary(dropped), dropped


def test_spec_bundles_resources_and_migrations_as_files():
    spec = (INSTALLERS / "ctgdesk.spec").read_text(encoding="utf-8")
    assert '(str(ROOT / "resources"), "resources")' in spec  # ctgdesk/resources.py: _MEIPASS/resources
    assert 'ROOT / "ctgdesk" / "db" / "migrations"' in spec
    assert '{".py", ".mako"}' in spec
    migrations = ROOT / "ctgdesk" / "db" / "migrations"
    assert (migrations / "script.py.mako").is_file() and list((migrations / "versions").glob("*.py"))
    assert 'collect_submodules("ctgdesk")' in spec  # cli.py imports its commands by name


def test_one_version_read_from_the_package():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"] and "version" not in pyproject["project"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ctgdesk.__version__"}
    spec = (INSTALLERS / "ctgdesk.spec").read_text(encoding="utf-8")
    assert "from ctgdesk import APP_DISPLAY_NAME, APP_NAME, __version__" in spec
    assert load_script(INSTALLERS / "check_bundle.py").source_version() == ctgdesk.__version__
    for script in ("build-linux.sh", "macos/build-macos.sh"):
        line = next(l for l in (INSTALLERS / script).read_text().splitlines() if l.startswith("VERSION="))
        out = subprocess.run(["bash", "-c", f'{line}; echo "$VERSION"'], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        assert out == __version__, script


# --- Icons -----------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_ico_holds_png_images_16_to_256():
    data = (ICONS / "ctgdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i: 22 + 16 * i])
        side = png_size(data[offset: offset + length])
        assert side == ((width or 256), (height or 256))
        sizes.append(side[0])
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_icns_holds_png_images_up_to_1024():
    data = (ICONS / "ctgdesk.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    found, i = {}, 8
    while i < len(data):
        kind, length = data[i:i + 4], struct.unpack(">I", data[i + 4:i + 8])[0]
        found[kind] = png_size(data[i + 8:i + length])[0]
        i += length
    assert found[b"ic07"] == 128 and found[b"ic09"] == 512 and found[b"ic10"] == 1024
    assert found[b"icp4"] == 16


def test_icon_generator_draws_a_filled_square_with_transparent_corners(qapp, tmp_path):
    make_icons = load_script(INSTALLERS / "make_icons.py")
    written = make_icons.write_icons(tmp_path)
    assert {p.name for p in written} >= {"ctgdesk-16.png", "ctgdesk-512.png", "ctgdesk.ico", "ctgdesk.icns"}
    image = make_icons.draw_icon(64)
    assert image.pixelColor(0, 0).alpha() == 0
    centre = image.pixelColor(8, 32)  # inside the blue square, left of the Hexagone
    assert centre.alpha() == 255 and centre.blue() > 100 and centre.red() < 80
    assert image.pixelColor(33, 25).red() > 200  # the red centre of the network


# --- Bundle check script ---------------------------------------------------------------


def test_bundle_check_tolerates_only_modules_absent_from_the_sources():
    check_bundle = load_script(INSTALLERS / "check_bundle.py")
    assert check_bundle.tolerated("module manquant : ctgdesk.services.pas_encore_ecrit") == [
        "ctgdesk.services.pas_encore_ecrit"]
    # Present in the sources but missing from the bundle: a packaging fault.
    assert check_bundle.tolerated("module manquant : ctgdesk.db.migrate") is None
    assert check_bundle.tolerated("module manquant : openpyxl (nécessaire à ctgdesk.exchange.x)") is None
    assert check_bundle.tolerated("le fichier PDF est vide (bilan.pdf)") is None
    assert check_bundle.tolerated(
        "module manquant : ctgdesk.commands.a_venir ; module manquant : ctgdesk.cli") is None


def test_build_scripts_are_executable_and_valid_shell():
    for script in ("build-linux.sh", "check-linux-bundle.sh", "macos/build-macos.sh",
                   "linux/install.sh", "linux/uninstall.sh"):
        path = INSTALLERS / script
        assert os.access(path, os.X_OK), script
        subprocess.run(["bash", "-n", str(path)], check=True)
    assert "build/" in (ROOT / ".gitignore").read_text().split() and "dist/" in (ROOT / ".gitignore").read_text().split()
    assert "build-linux.sh" not in (ROOT / ".ci" / "run").read_text()  # too long for every CI run
