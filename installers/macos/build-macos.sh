#!/usr/bin/env bash
# Builds the macOS application of ctgdesk on a Mac:
#   dist/ctgdesk.app                       the application bundle (PyInstaller)
#   dist/ctgdesk-VERSION-macos-ARCH.dmg    the disk image: drag ctgdesk onto Applications
# Uses its own virtual environment (build/venv-installer). The app is signed ad hoc only
# (no Apple Developer ID): on first launch, right-click > Ouvrir (see installers/README.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PYTHON="${CTG_PYTHON:-python3}"
VENV="$ROOT/build/venv-installer"
log() { printf '[build-macos] %s\n' "$*" >&2; }

start=$(date +%s)
VERSION="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' ctgdesk/__init__.py)"
ARCH="$(uname -m)"
log "ctgdesk $VERSION ($ARCH)"

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "$ROOT" "pyinstaller>=6.10,<7"

rm -rf dist/ctgdesk dist/ctgdesk.app
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller installers/ctgdesk.spec
codesign --force --deep --sign - dist/ctgdesk.app

log "image disque"
STAGE="build/dmg"
rm -rf "$STAGE" && mkdir -p "$STAGE"
cp -R dist/ctgdesk.app "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="dist/ctgdesk-$VERSION-macos-$ARCH.dmg"
rm -f "$DMG"
hdiutil create -quiet -volname "ctgdesk $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"

log "application : dist/ctgdesk.app ($(du -sh dist/ctgdesk.app | cut -f1))"
log "image : $DMG ($(du -sh "$DMG" | cut -f1))"
log "durée : $(( $(date +%s) - start )) s"
