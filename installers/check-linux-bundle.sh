#!/usr/bin/env bash
# Checks what build-linux.sh produced, as a coordinator would get it: the archive is unpacked
# in a temporary folder outside the sources, installed with install.sh into a temporary HOME,
# the installed program is run with no virtual environment (`--version`, `--self-test`, see
# installers/check_bundle.py), then uninstall.sh must remove it and keep the user's data.
#   installers/check-linux-bundle.sh [dist/ctgdesk-VERSION-linux-ARCH.tar.gz]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARCHIVE="${1:-$(ls -t "$ROOT"/dist/ctgdesk-*-linux-*.tar.gz 2>/dev/null | head -n 1)}"
[ -f "$ARCHIVE" ] || { echo "Archive introuvable : lancez d'abord installers/build-linux.sh" >&2; exit 1; }
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
unset VIRTUAL_ENV PYTHONPATH PYTHONHOME

WORK="$(mktemp -d /tmp/ctgdesk-check.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home"
unset XDG_DATA_HOME
mkdir -p "$HOME"

echo "== archive : $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1))"
tar -C "$WORK" -xzf "$ARCHIVE"
PACKAGE_DIR="$WORK/$(basename "$ARCHIVE" .tar.gz)"
echo "== installation (utilisateur, sans root)"
sh "$PACKAGE_DIR/install.sh"
INSTALLED="$HOME/.local/opt/ctgdesk"
[ -x "$HOME/.local/bin/ctgdesk" ] || { echo "ÉCHEC : ~/.local/bin/ctgdesk absent" >&2; exit 1; }
grep -q "^Exec=\"$INSTALLED/ctgdesk\"$" "$HOME/.local/share/applications/ctgdesk.desktop" ||
    { echo "ÉCHEC : entrée de menu incorrecte" >&2; exit 1; }
[ -f "$HOME/.local/share/icons/hicolor/256x256/apps/ctgdesk.png" ] ||
    { echo "ÉCHEC : icône absente" >&2; exit 1; }
echo "   programme : $INSTALLED ($(du -sh "$INSTALLED" | cut -f1))"

echo "== bibliothèques : chacune trouvée dans le paquet ou le système"
# Only Wayland's client libraries may come from the desktop (Qt uses them there alone).
missing="$(cd "$INSTALLED/_internal" && find . -name '*.so*' -type f -print0 |
    LD_LIBRARY_PATH="$PWD:$PWD/PySide6/Qt/lib" xargs -0 ldd 2>/dev/null |
    awk '/not found/ {print $1}' | sort -u | grep -v '^libwayland-' || true)"
if [ -n "$missing" ]; then
    echo "ÉCHEC : bibliothèques introuvables : $missing" >&2; exit 1
fi
dangling="$(find "$INSTALLED" -xtype l)"
[ -z "$dangling" ] || { echo "ÉCHEC : liens cassés : $dangling" >&2; exit 1; }

echo "== exécution hors des sources, sans environnement virtuel"
rm -rf "$PACKAGE_DIR"  # the installed copy must stand alone
"$PYTHON" "$ROOT/installers/check_bundle.py" "$INSTALLED/ctgdesk"

echo "== désinstallation : les données restent"
mkdir -p "$HOME/.local/share/ctgdesk"
echo "donnée" > "$HOME/.local/share/ctgdesk/ctgdesk.sqlite"
tar -C "$WORK" -xzf "$ARCHIVE"
sh "$PACKAGE_DIR/uninstall.sh"
[ ! -e "$INSTALLED" ] && [ ! -e "$HOME/.local/bin/ctgdesk" ] &&
    [ ! -e "$HOME/.local/share/applications/ctgdesk.desktop" ] ||
    { echo "ÉCHEC : la désinstallation a laissé le programme" >&2; exit 1; }
[ -f "$HOME/.local/share/ctgdesk/ctgdesk.sqlite" ] ||
    { echo "ÉCHEC : la désinstallation a supprimé les données" >&2; exit 1; }
echo "Paquet Linux vérifié."
