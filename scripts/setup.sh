# Shared by scripts/run and scripts/test: a virtual environment and the system libraries
# Qt's wheels link to. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

# Debian package names: the libraries Qt's wheels link to (`ldd` on PySide6's
# Qt/plugins/platforms/libqxcb.so, the X11 plugin that draws the window, and the libraries
# under it; libxcb-glx0 for the OpenGL integration Qt loads at run time; libwayland-* for
# its Wayland plugin), and the fonts the reports use. partnerdesk/ui/platform_check.py
# names the same packages when one is missing. fonts-droid-fallback and fonts-nanum:
# Chinese, Japanese and Korean in reports (TrueType; see partnerdesk/reports/fonts.py).
QT_PACKAGES="libegl1 libgl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 \
  libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 \
  libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 \
  libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon0 libxkbcommon-x11-0 \
  libwayland-client0 libwayland-cursor0 libwayland-egl1 zlib1g libzstd1 libstdc++6 libgcc-s1 \
  fonts-dejavu-core fonts-droid-fallback fonts-nanum"
# With no display, PartnerDesk writes reports and opens no window: only their fonts.
REPORT_PACKAGES="fonts-dejavu-core fonts-droid-fallback fonts-nanum"

has_display() {  # as partnerdesk/cli/launch.py decides (macOS and Windows always have one)
  [ "$(uname -s)" != "Linux" ] || [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]
}

# Debian's Python makes a venv only with its pythonX.Y-venv package (ensurepip). Named with
# the other packages, so that someone without root is told everything in one message.
_venv_package() {
  [ -x "$VENV/bin/python" ] && return 0
  "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1 && return 0
  "$PYTHON" -c 'import sys; print(f"python{sys.version_info[0]}.{sys.version_info[1]}-venv")' \
    2>/dev/null || true
}

ensure_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0  # not Debian: nothing to check
  local missing="" venv_package
  venv_package="$(_venv_package)"
  for package in "$@" $venv_package; do
    case " $missing " in *" $package "*) continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $package"
    fi
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = "0" ]; then
    echo "Installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "PartnerDesk needs these system packages:$missing" >&2
    echo "Install them with:  sudo apt-get install$missing" >&2
    echo "then run this command again." >&2
    exit 1
  fi
}

ensure_venv() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "PartnerDesk needs Python 3.11 or newer as '$PYTHON'." >&2
    exit 1
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
      rm -rf "$VENV"
      local version
      version="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
      ensure_debian_packages "python${version}-venv"
      "$PYTHON" -m venv "$VENV"
    fi
  fi
}

# pip runs only when what it would install may have changed. A stamp in the venv, one per
# list of arguments, holds a checksum of pyproject.toml, the venv's Python, the checkout
# and the arguments; and the editable install must still be this checkout's. (Asking pip
# each time took about a minute: upgrading itself, building the editable wheel, asking
# the package index.) To make it ask anyway, delete .venv/.partnerdesk-installed-*.
pip_install() {
  local stamp want
  stamp="$VENV/.partnerdesk-installed-$(printf '%s\n' "$@" | cksum | cut -d' ' -f1)"
  want="$({ cat "$ROOT/pyproject.toml"; "$VENV/bin/python" -VV; printf '%s\n' "$ROOT" "$@"; } | cksum)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && _installed_from_here; then
    return 0
  fi
  rm -f "$stamp"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  # PYTHONWARNINGS: setuptools' editable build warns about folders named like the package
  # in the working directory, a boxed warning that only alarms the person installing.
  (cd "$ROOT" && PYTHONWARNINGS="ignore::Warning:setuptools.command.editable_wheel" \
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$@")
  echo "$want" > "$stamp"
}

_installed_from_here() {
  # asked from outside the checkout, so that the current folder does not answer for it
  local found
  found="$(cd / && "$VENV/bin/python" -c 'import os, partnerdesk
print(os.path.dirname(os.path.dirname(os.path.realpath(partnerdesk.__file__))))' 2>/dev/null)" \
    || return 1
  [ "$found" = "$(cd "$ROOT" && pwd -P)" ]
}
