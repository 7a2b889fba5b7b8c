# Sourced by scripts/demo and scripts/test: makes sure the system libraries Qt needs and the
# project's virtual environment are there. Safe to run again: it only does what is missing.
# Usage: source scripts/bootstrap.sh [app|test]
set -euo pipefail

CTG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CTG_VENV="$CTG_ROOT/.venv"
CTG_PURPOSE="${1:-app}"

ctg_log() { printf '[ctgdesk] %s\n' "$*" >&2; }

ctg_apt_install() {
    # Debian/Ubuntu only, and only what is missing; elsewhere we say what to install.
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        ctg_log "Paquets système manquants (à installer) : ${missing[*]}"
        return 0
    fi
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    ctg_log "Installation des paquets système : ${missing[*]}"
    $sudo apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if command -v dpkg-query >/dev/null 2>&1; then
    # Libraries the Qt "xcb" and "offscreen" platforms load, fonts, python venv.
    ctg_apt_install libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
        libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
        libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core
    if [ "$CTG_PURPOSE" = "test" ]; then
        # pdftotext/pdftoppm read the PDF back; LibreOffice proves a real client opens the xlsx.
        ctg_apt_install poppler-utils libreoffice-calc-nogui libreoffice-writer-nogui desktop-file-utils postgresql
    else
        ctg_apt_install xvfb xauth
    fi
fi

CTG_PYTHON="${CTG_PYTHON:-}"
if [ -z "$CTG_PYTHON" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            CTG_PYTHON="$candidate"; break
        fi
    done
fi
[ -n "$CTG_PYTHON" ] || { ctg_log "Python 3.11 ou plus récent est nécessaire."; exit 1; }

if [ ! -x "$CTG_VENV/bin/python" ]; then
    ctg_log "Création de l'environnement virtuel (.venv)"
    if ! "$CTG_PYTHON" -m venv "$CTG_VENV" 2>/dev/null; then
        ctg_apt_install python3-venv
        "$CTG_PYTHON" -m venv "$CTG_VENV"
    fi
fi

# Reinstall only when pyproject.toml changed since the last install.
CTG_STAMP="$CTG_VENV/.stamp-$CTG_PURPOSE"
CTG_HASH="$(sha256sum "$CTG_ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$CTG_STAMP" ] || [ "$(cat "$CTG_STAMP")" != "$CTG_HASH" ]; then
    ctg_log "Installation des dépendances Python"
    "$CTG_VENV/bin/python" -m pip install -q --upgrade pip
    if [ "$CTG_PURPOSE" = "test" ]; then
        "$CTG_VENV/bin/python" -m pip install -q -e "$CTG_ROOT[test]"
    else
        "$CTG_VENV/bin/python" -m pip install -q -e "$CTG_ROOT"
    fi
    echo "$CTG_HASH" > "$CTG_STAMP"
fi
