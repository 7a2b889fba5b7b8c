#!/bin/sh
# Désinstalle ctgdesk de l'utilisateur courant (ce qu'a posé install.sh).
# Vos données ne sont PAS supprimées : la base et ses sauvegardes restent dans
# ~/.local/share/ctgdesk/ (le dossier de données de l'application).
set -eu

DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
APP_DIR="$HOME/.local/opt/ctgdesk"

rm -rf "$APP_DIR"
[ -L "$HOME/.local/bin/ctgdesk" ] && rm -f "$HOME/.local/bin/ctgdesk"
rm -f "$DATA_HOME/applications/ctgdesk.desktop"
for icon in "$DATA_HOME"/icons/hicolor/*/apps/ctgdesk.png; do
    [ -e "$icon" ] && rm -f "$icon"
done

command -v update-desktop-database >/dev/null 2>&1 &&
    update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true

echo "ctgdesk est désinstallé."
echo "Vos données sont conservées dans $DATA_HOME/ctgdesk/ (supprimez ce dossier vous-même si vous n'en avez plus besoin)."
