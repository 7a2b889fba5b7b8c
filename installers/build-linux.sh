#!/usr/bin/env bash
# Builds the Linux bundle of ctgdesk with PyInstaller, on this machine:
#   dist/ctgdesk/                               the application folder (runs without Python)
#   dist/ctgdesk-VERSION-linux-ARCH.tar.gz      what a coordinator downloads: the folder,
#                                               install.sh / uninstall.sh (per user, no root),
#                                               the .desktop file and the icons
# Uses its own virtual environment (build/venv-installer), never the developer's .venv.
# Takes a few minutes: it is not part of .ci/run. Check the result with
# installers/check-linux-bundle.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${CTG_PYTHON:-python3}"
VENV="$ROOT/build/venv-installer"
PYINSTALLER_SPEC="pyinstaller>=6.10,<7"
log() { printf '[build-linux] %s\n' "$*" >&2; }

start=$(date +%s)
VERSION="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' ctgdesk/__init__.py)"
[ -n "$VERSION" ] || { log "version introuvable dans ctgdesk/__init__.py"; exit 1; }
ARCH="$(uname -m)"
log "ctgdesk $VERSION ($ARCH)"

# The X11 libraries Qt's xcb platform needs: present at build time, PyInstaller ships them,
# so the bundle starts on desktops that lack them. Debian/Ubuntu only; only what is missing.
XCB_PACKAGES="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
libxcb-randr0 libxcb-render-util0 libxcb-image0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1
libdbus-1-3 libglib2.0-0"
if command -v dpkg-query >/dev/null 2>&1; then
    missing=""
    for pkg in $XCB_PACKAGES; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $pkg"
    done
    if [ -n "$missing" ]; then
        sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
        log "paquets système :$missing"
        $sudo apt-get update -qq >/dev/null || true
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
fi
command -v desktop-file-validate >/dev/null 2>&1 && desktop-file-validate installers/linux/ctgdesk.desktop

if [ ! -x "$VENV/bin/python" ]; then
    log "environnement de construction : $VENV"
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
# The project as users get it (not editable), and PyInstaller from PyPI.
"$VENV/bin/python" -m pip install -q "$ROOT" "$PYINSTALLER_SPEC"

log "PyInstaller"
rm -rf dist/ctgdesk
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller installers/ctgdesk.spec

log "archive"
PACKAGE="ctgdesk-$VERSION-linux-$ARCH"
STAGE="build/$PACKAGE"
rm -rf "$STAGE"
mkdir -p "$STAGE/icons"
cp -a dist/ctgdesk "$STAGE/ctgdesk"
cp installers/linux/ctgdesk.desktop installers/linux/install.sh installers/linux/uninstall.sh \
   installers/linux/LISEZMOI.txt "$STAGE/"
cp resources/icons/ctgdesk-*.png "$STAGE/icons/"
tar -C build -czf "dist/$PACKAGE.tar.gz" "$PACKAGE"
rm -rf "$STAGE"

elapsed=$(( $(date +%s) - start ))
log "dossier : dist/ctgdesk ($(du -sh dist/ctgdesk | cut -f1))"
log "archive : dist/$PACKAGE.tar.gz ($(du -sh "dist/$PACKAGE.tar.gz" | cut -f1))"
log "durée : ${elapsed} s"
