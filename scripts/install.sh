#!/usr/bin/env bash
# The one install script: `make` (a developer's .venv) and docker/Dockerfile (the image) both
# call it, so the Debian packages and the Python install cannot drift apart.
#
#   scripts/install.sh packages run|build|test|backup ...  Debian packages (missing ones only)
#   scripts/install.sh venv DIR prod|dev                   a venv with the pinned requirements
#
# Package sets:
#   run     WeasyPrint's native libraries and fonts with full Polish glyphs (every process)
#   build   Python and its venv module (the image's builder stage)
#   python  Python alone (the image's runtime stage)
#   backup  the MariaDB client tools the backup command runs (mariadb-dump, mysqlbinlog)
#   image   what only the image needs: tini as PID 1 (signals reach the app, zombies reaped)
#   test    Chromium for the browser tests
#   stack   rootful podman and mmdebstrap for the stack test (make test-stack)
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation"
BUILD_PACKAGES="python3 python3-venv"
PYTHON_PACKAGES="python3"
BACKUP_PACKAGES="mariadb-client"
IMAGE_PACKAGES="tini"
TEST_PACKAGES="chromium"
STACK_PACKAGES="podman buildah runc mmdebstrap debian-archive-keyring"

packages_of() {
  case "$1" in
    run) echo "$RUN_PACKAGES" ;;
    build) echo "$BUILD_PACKAGES" ;;
    python) echo "$PYTHON_PACKAGES" ;;
    backup) echo "$BACKUP_PACKAGES" ;;
    image) echo "$IMAGE_PACKAGES" ;;
    test) echo "$TEST_PACKAGES" ;;
    stack) echo "$STACK_PACKAGES" ;;
    *) echo "unknown package set: $1" >&2; exit 2 ;;
  esac
}

install_packages() {
  local wanted="" missing="" p sudo=""
  for set in "$@"; do wanted="$wanted $(packages_of "$set")"; done
  if ! command -v dpkg >/dev/null; then
    echo "No dpkg here: install the equivalents of$wanted yourself."
    return 0
  fi
  for p in $wanted; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  [ -z "$missing" ] && return 0
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "Installing system packages:$missing"
  $sudo apt-get update -q
  # shellcheck disable=SC2086  # a list of package names
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
  # In an image build, leave no apt lists in the layer.
  if [ "${INSTALL_CLEAN_APT:-0}" = 1 ]; then $sudo rm -rf /var/lib/apt/lists/*; fi
}

# The pinned runtime (prod) or runtime plus tools (dev); a developer's venv also gets the
# project editable for the `mikroporada` command (the image runs from its source tree).
make_venv() {
  local dir="$1" kind="$2" python="${PYTHON:-python3}"
  local pip=("$dir/bin/pip" install --quiet --disable-pip-version-check)
  "$python" -m venv "$dir"
  case "$kind" in
    prod) "${pip[@]}" --no-cache-dir -r requirements.txt ;;
    dev)
      "${pip[@]}" -r requirements-dev.txt
      "${pip[@]}" --no-deps -e .
      ;;
    *) echo "venv kind must be prod or dev, got: $kind" >&2; exit 2 ;;
  esac
}

case "${1:-}" in
  packages) shift; install_packages "$@" ;;
  venv) make_venv "$2" "$3" ;;
  *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac
