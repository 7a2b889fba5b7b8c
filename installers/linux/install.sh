#!/bin/sh
# Installe ctgdesk pour l'utilisateur courant, sans droits d'administrateur :
#   programme  ~/.local/opt/ctgdesk/         (remplacé à chaque mise à jour)
#   commande   ~/.local/bin/ctgdesk
#   menu       ~/.local/share/applications/ctgdesk.desktop, icônes dans ~/.local/share/icons
# Vos données (~/.local/share/ctgdesk/) ne sont jamais touchées.
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
APP_DIR="$HOME/.local/opt/ctgdesk"
BIN_DIR="$HOME/.local/bin"

if [ ! -x "$HERE/ctgdesk/ctgdesk" ]; then
    echo "Erreur : le dossier « ctgdesk » est introuvable à côté de ce script." >&2
    exit 1
fi

mkdir -p "$HOME/.local/opt" "$BIN_DIR" "$DATA_HOME/applications"
rm -rf "$APP_DIR.new"
cp -R "$HERE/ctgdesk" "$APP_DIR.new"
rm -rf "$APP_DIR"
mv "$APP_DIR.new" "$APP_DIR"
ln -sf "$APP_DIR/ctgdesk" "$BIN_DIR/ctgdesk"

for icon in "$HERE"/icons/ctgdesk-*.png; do
    size="$(basename "$icon" .png | sed 's/^ctgdesk-//')"
    mkdir -p "$DATA_HOME/icons/hicolor/${size}x${size}/apps"
    cp "$icon" "$DATA_HOME/icons/hicolor/${size}x${size}/apps/ctgdesk.png"
done

# The menu entry starts the installed program by its full path: ~/.local/bin is not always
# on the PATH the desktop session sees.
sed "s|^Exec=.*|Exec=\"$APP_DIR/ctgdesk\"|" "$HERE/ctgdesk.desktop" \
    > "$DATA_HOME/applications/ctgdesk.desktop"

command -v update-desktop-database >/dev/null 2>&1 &&
    update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
command -v gtk-update-icon-cache >/dev/null 2>&1 &&
    gtk-update-icon-cache -q -t "$DATA_HOME/icons/hicolor" 2>/dev/null || true

echo "ctgdesk est installé : menu des applications, ou la commande « ctgdesk »."
echo "Pour le désinstaller : $HERE/uninstall.sh (vos données sont conservées)."
