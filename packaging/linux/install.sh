#!/bin/sh
# Add PartnerDesk to this person's applications menu and make .partnerdesk files open in it.
# Everything goes under ~/.local/share (no administrator rights needed); nothing else changes.
#
#   linux/install.sh               install (PartnerDesk also runs this itself on first start)
#   linux/install.sh --uninstall   take it out of the menu again (your data is not touched)
#   linux/install.sh --quiet       say nothing unless something goes wrong
#   linux/install.sh --exec PATH   the program to start (default: the bundle's PartnerDesk)
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
APP_ID="org.partnerdesk.PartnerDesk"
MIME_ICON="application-x-partnerdesk-bundle"
SIZES="16 24 32 48 64 128 256 512"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
ACTION=install
QUIET=0
EXEC=""

while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) ACTION=uninstall ;;
    --quiet) QUIET=1 ;;
    --exec) shift; EXEC="$1" ;;
    *) echo "install.sh: unknown option $1 (use --uninstall, --quiet or --exec PATH)" >&2; exit 2 ;;
  esac
  shift
done

say() { [ "$QUIET" = 1 ] || echo "$@"; }

# The bundle keeps the icons inside; a source checkout keeps them in resources/icons.
if [ -d "$HERE/../_internal/partnerdesk/resources/icons" ]; then
  ICONS="$HERE/../_internal/partnerdesk/resources/icons"
else
  ICONS="$HERE/../../resources/icons"
fi
if [ -z "$EXEC" ]; then
  EXEC="$(cd "$HERE/.." && pwd)/PartnerDesk"
fi

refresh() {
  if command -v update-mime-database >/dev/null 2>&1; then
    update-mime-database "$DATA/mime" >/dev/null 2>&1 || true
  fi
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database "$DATA/applications" >/dev/null 2>&1 || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DATA/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$DATA/icons/hicolor" >/dev/null 2>&1 || true
  fi
}

if [ "$ACTION" = uninstall ]; then
  rm -f "$DATA/applications/$APP_ID.desktop" "$DATA/metainfo/$APP_ID.metainfo.xml" \
        "$DATA/mime/packages/$APP_ID.xml" "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
  for size in $SIZES; do
    rm -f "$DATA/icons/hicolor/${size}x${size}/apps/$APP_ID.png" \
          "$DATA/icons/hicolor/${size}x${size}/mimetypes/$MIME_ICON.png"
  done
  refresh
  say "PartnerDesk was taken out of the applications menu. Your data was not touched."
  exit 0
fi

if [ ! -x "$EXEC" ]; then
  echo "install.sh: the program $EXEC is missing. Keep this script in the PartnerDesk folder." >&2
  exit 1
fi

mkdir -p "$DATA/applications" "$DATA/metainfo" "$DATA/mime/packages" \
         "$DATA/icons/hicolor/scalable/apps"
# Desktop entry: the program's full path, quoted for the Exec rules (spaces, quotes).
QUOTED="$(printf '%s' "$EXEC" | sed -e 's/\\/\\\\\\\\/g' -e 's/"/\\\\"/g' -e 's/`/\\\\`/g' -e 's/\$/\\\\$/g')"
while IFS= read -r line; do
  case "$line" in
    Exec=*) printf 'Exec="%s" %%f\n' "$QUOTED" ;;
    TryExec=*) printf 'TryExec=%s\n' "$EXEC" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$HERE/$APP_ID.desktop" > "$DATA/applications/$APP_ID.desktop.new"
mv "$DATA/applications/$APP_ID.desktop.new" "$DATA/applications/$APP_ID.desktop"
cp "$HERE/$APP_ID.metainfo.xml" "$DATA/metainfo/$APP_ID.metainfo.xml"
cp "$HERE/$APP_ID.mime.xml" "$DATA/mime/packages/$APP_ID.xml"
cp "$ICONS/partnerdesk.svg" "$DATA/icons/hicolor/scalable/apps/$APP_ID.svg"
for size in $SIZES; do
  mkdir -p "$DATA/icons/hicolor/${size}x${size}/apps" "$DATA/icons/hicolor/${size}x${size}/mimetypes"
  cp "$ICONS/partnerdesk-$size.png" "$DATA/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
  cp "$ICONS/partnerdesk-$size.png" "$DATA/icons/hicolor/${size}x${size}/mimetypes/$MIME_ICON.png"
done
refresh
if command -v xdg-mime >/dev/null 2>&1; then
  xdg-mime default "$APP_ID.desktop" application/x-partnerdesk-bundle >/dev/null 2>&1 || true
fi
say "PartnerDesk is now in your applications menu, and .partnerdesk files open in it."
