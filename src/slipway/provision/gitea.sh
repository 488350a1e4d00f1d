#!/usr/bin/env bash
# A real Gitea server on loopback for tests and the demo: GitOps repositories over HTTP with
# token auth, and the pull-request API. `gitea.sh build|up|down|status`.
#   build   build the gitea binary from the Go module proxy at $GITEA_VERSION into
#           $SLIPWAY_CACHE/gitea/v$GITEA_VERSION/gitea, with its static root (templates, options,
#           public) next to it; cached: a second run prints one "cached" line
#   up      build if needed, then start Gitea in the background on 127.0.0.1:$SLIPWAY_GITEA_PORT
#           (default 3000), SQLite data in $SLIPWAY_CACHE/gitea/data, with the admin user
#           `slipway` and an all-scopes access token in $SLIPWAY_CACHE/gitea/token (0600; its
#           password, for the web UI, in $SLIPWAY_CACHE/gitea/password). Idempotent.
#   down    stop it (the data is kept; `rm -rf $SLIPWAY_CACHE/gitea/data` for a fresh start)
#   status  one line
#
# Clients: base URL http://127.0.0.1:$SLIPWAY_GITEA_PORT, header `Authorization: token $(cat
# $SLIPWAY_CACHE/gitea/token)`; git over HTTP with user `slipway` and the token as password.
source "$(dirname "$0")/lib.sh"

# The newest release whose whole dependency graph the module proxy serves. 1.27 declares the
# module path gitea.dev and requires gitea.dev/sdk and gitea.dev/actions-proto-go, a host the
# proxy refuses ("Go module host not permitted"), plus gitlab.com/gitlab-org/api/client-go/v2
# v2.42.0 ("This module version is not available"); v1.26.5 itself is not available either.
GITEA_VERSION="${GITEA_VERSION:-1.26.4}"
GITEA_MODULE="code.gitea.io/gitea"
GITEA_TAGS="sqlite sqlite_unlock_notify" # 1.26 and older: SQLite through cgo (mattn/go-sqlite3)
GITEA_PORT="${SLIPWAY_GITEA_PORT:-3000}"
GITEA_USER="slipway"

GITEA_HOME="$SLIPWAY_CACHE/gitea"
GITEA_BUILD="$GITEA_HOME/v$GITEA_VERSION"
GITEA_BIN="$GITEA_BUILD/gitea"
GITEA_STATIC="$GITEA_BUILD/static"
GITEA_DATA="$GITEA_HOME/data"
GITEA_INI="$GITEA_HOME/app.ini"
GITEA_SECRETS="$GITEA_HOME/secrets"     # generated once, 0600; app.ini is rewritten on each `up`
GITEA_PID="$GITEA_HOME/gitea.pid"
GITEA_PORT_FILE="$GITEA_HOME/gitea.port" # the port the running server was started on
GITEA_LOG="$GITEA_HOME/gitea.log"
GITEA_TOKEN="$GITEA_HOME/token"
GITEA_PASSWORD="$GITEA_HOME/password"
GITEA_URL="http://127.0.0.1:$GITEA_PORT"
STAMP="$GITEA_BUILD/.built"
WANT="gitea=$GITEA_MODULE@v$GITEA_VERSION tags=$GITEA_TAGS static=$GITEA_STATIC"

# Hashes pinned here as well as checked by the checksum database.
declare -A PINNED_SUMS=(
  ["code.gitea.io/gitea@v1.26.4"]="h1:VDA00oYg16VrQf3sES0NuS/oiDLAIVng/7jKHsBMP/w="
)

# Gitea refuses to run as root unless told; on this single-user test machine the server only
# listens on loopback, so running it as the invoking user (root included) is accepted.
if [ "$(id -u)" = 0 ]; then export GITEA_I_AM_BEING_UNSAFE_RUNNING_AS_ROOT=true; fi

gdie() { echo "slipway gitea: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------- build

fetch_source() {
  local dir
  dir=$(module_dir "$GITEA_MODULE@v$GITEA_VERSION")
  writable_copy "$dir" "$GITEA_BUILD/src"
}

build_gitea() {
  cd "$GITEA_BUILD/src"
  # As Gitea's Makefile, minus the frontend (bindata is off: templates, options and public are
  # read from STATIC_ROOT_PATH, which is compiled in; a missing JS/CSS bundle only affects the UI).
  CGO_ENABLED=1 nice -n 10 go build -trimpath -tags "$GITEA_TAGS" -ldflags "-s -w \
    -X 'main.Version=$GITEA_VERSION' -X 'main.Tags=$GITEA_TAGS' \
    -X '$GITEA_MODULE/modules/setting.StaticRootPath=$GITEA_STATIC'" -o "$GITEA_BIN.new" .
  mv "$GITEA_BIN.new" "$GITEA_BIN"
  "$GITEA_BIN" --version
}

install_static() { # keep only what the server reads at run time; drop the build copy
  rm -rf "$GITEA_STATIC"; mkdir -p "$GITEA_STATIC"
  cp -r "$GITEA_BUILD/src/templates" "$GITEA_BUILD/src/options" "$GITEA_BUILD/src/public" "$GITEA_STATIC/"
  rm -rf "$GITEA_BUILD/src"
}

cmd_build() {
  if stamp_ok "$STAMP" "$WANT"; then
    echo "==> gitea v$GITEA_VERSION: cached in $GITEA_BUILD"
    return 0
  fi
  mkdir -p "$GITEA_BUILD"
  step gitea-fetch-source fetch_source
  step gitea-build build_gitea
  step gitea-static install_static
  echo "$WANT" >"$STAMP"
}

# ------------------------------------------------------------------------------------- server

healthy() { curl -fsS -m 3 -o /dev/null "$GITEA_URL/api/healthz" 2>/dev/null; }

running_pid() { # the pid of our server, if it runs (a stale pid file or a reused pid is not)
  local pid exe
  pid=$(cat "$GITEA_PID" 2>/dev/null) || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  case "${exe% (deleted)}" in
    "$(readlink -f "$GITEA_HOME")"/v*/gitea) echo "$pid" ;; # any version we built, even if rebuilt since
    *) return 1 ;;
  esac
}

running_current_build() { # pid -> true if it runs the binary of $GITEA_VERSION as it is now
  [ "$(readlink "/proc/$1/exe")" = "$(readlink -f "$GITEA_BIN")" ]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$GITEA_PORT") 2>/dev/null; }

token_works() {
  [ -s "$GITEA_TOKEN" ] || return 1
  [ "$(curl -sS -m 10 -o /dev/null -w '%{http_code}' \
        -H "Authorization: token $(cat "$GITEA_TOKEN")" "$GITEA_URL/api/v1/user")" = 200 ]
}

gitea_cli() { "$GITEA_BIN" --config "$GITEA_INI" --work-path "$GITEA_DATA" "$@"; }

write_secrets() { # once: Gitea would otherwise write them into app.ini, which `up` rewrites
  [ -s "$GITEA_SECRETS" ] && return 0
  (
    umask 077
    {
      for key in INTERNAL_TOKEN SECRET_KEY JWT_SECRET LFS_JWT_SECRET; do
        echo "$key='$("$GITEA_BIN" generate secret "$key")'"
      done
    } >"$GITEA_SECRETS.new"
    mv "$GITEA_SECRETS.new" "$GITEA_SECRETS"
  )
}

write_config() {
  local INTERNAL_TOKEN SECRET_KEY JWT_SECRET LFS_JWT_SECRET
  # shellcheck disable=SC1090
  source "$GITEA_SECRETS"
  (
    umask 077
    cat >"$GITEA_INI" <<EOF
; Written by slipway's gitea.sh on each \`up\`: edits are lost (secrets live in $GITEA_SECRETS).
APP_NAME = slipway gitea
RUN_USER = $(id -un)
RUN_MODE = prod
WORK_PATH = $GITEA_DATA

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = $GITEA_PORT
DOMAIN = 127.0.0.1
ROOT_URL = $GITEA_URL/
DISABLE_SSH = true
START_SSH_SERVER = false
OFFLINE_MODE = true
LFS_START_SERVER = false
LFS_JWT_SECRET = $LFS_JWT_SECRET
APP_DATA_PATH = $GITEA_DATA/data

[database]
DB_TYPE = sqlite3
PATH = $GITEA_DATA/gitea.db
SQLITE_JOURNAL_MODE = WAL

[repository]
ROOT = $GITEA_DATA/repositories
DEFAULT_BRANCH = main
ENABLE_PUSH_CREATE_USER = true

[security]
INSTALL_LOCK = true
INTERNAL_TOKEN = $INTERNAL_TOKEN
SECRET_KEY = $SECRET_KEY

[oauth2]
JWT_SECRET = $JWT_SECRET

[service]
DISABLE_REGISTRATION = true
REQUIRE_SIGNIN_VIEW = false

[queue]
TYPE = immediate

[indexer]
ISSUE_INDEXER_TYPE = db

[session]
PROVIDER = file

[mailer]
ENABLED = false

[actions]
ENABLED = false

[webhook]
ALLOWED_HOST_LIST = loopback,private

[cron.update_checker]
ENABLED = false

[log]
MODE = console
LEVEL = Info
EOF
  )
}

ensure_admin() { # the admin user and a working token; neither is printed
  token_works && return 0
  local password
  if ! gitea_cli admin user list --admin | awk 'NR > 1 {print $2}' | grep -qx "$GITEA_USER"; then
    password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
    gitea_cli admin user create --username "$GITEA_USER" --password "$password" \
      --email "$GITEA_USER@slipway.invalid" --admin --must-change-password=false >/dev/null
    (umask 077; echo "$password" >"$GITEA_PASSWORD")
  fi
  (
    umask 077
    # --raw prints the token as the last line (a warning about running as root may precede it).
    gitea_cli admin user generate-access-token --username "$GITEA_USER" \
      --token-name "slipway-$(date +%Y%m%d%H%M%S)-$RANDOM" --scopes all --raw \
      | tail -n 1 >"$GITEA_TOKEN.new"
    grep -qxE '[0-9a-f]{40}' "$GITEA_TOKEN.new" || { echo "generate-access-token printed no token" >&2; exit 1; }
    mv "$GITEA_TOKEN.new" "$GITEA_TOKEN"
  )
  token_works || { echo "the new token is refused by GET /api/v1/user" >&2; return 1; }
  echo "user $GITEA_USER: token saved to $GITEA_TOKEN"
}

start_server() {
  : >"$GITEA_LOG"
  GITEA_WORK_DIR="$GITEA_DATA" nohup "$GITEA_BIN" web --config "$GITEA_INI" \
    --work-path "$GITEA_DATA" >>"$GITEA_LOG" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$GITEA_PID"
  echo "$GITEA_PORT" >"$GITEA_PORT_FILE"
  for _ in $(seq 1 120); do
    healthy && { echo "gitea pid $pid healthy on $GITEA_URL"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "gitea exited; its log:" >&2; tail -n 20 "$GITEA_LOG" >&2; return 1; }
    sleep 0.5
  done
  echo "gitea did not answer $GITEA_URL/api/healthz within 60s; see $GITEA_LOG" >&2
  return 1
}

prepare() {
  mkdir -p "$GITEA_DATA"
  write_secrets
  write_config
  gitea_cli migrate
}

cmd_up() {
  local pid start=$SECONDS
  cmd_build
  if pid=$(running_pid); then
    local port
    port=$(cat "$GITEA_PORT_FILE" 2>/dev/null || echo "?")
    running_current_build "$pid" \
      || gdie "already running (pid $pid) an older build ($(readlink "/proc/$pid/exe")); run: gitea.sh down, then up"
    [ "$port" = "$GITEA_PORT" ] || gdie "already running (pid $pid) on port $port, not $GITEA_PORT; run: gitea.sh down"
    healthy || gdie "running (pid $pid) but $GITEA_URL/api/healthz does not answer; see $GITEA_LOG"
    step gitea-admin ensure_admin
    echo "==> gitea v$GITEA_VERSION: already running (pid $pid) on $GITEA_URL"
    return 0
  fi
  rm -f "$GITEA_PID"
  port_in_use && gdie "port $GITEA_PORT on 127.0.0.1 is taken by another process; set SLIPWAY_GITEA_PORT"
  step gitea-prepare prepare
  step gitea-start start_server
  step gitea-admin ensure_admin
  echo "==> gitea v$GITEA_VERSION ready on $GITEA_URL in $((SECONDS - start))s (token: $GITEA_TOKEN, log: $GITEA_LOG)"
}

cmd_down() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$GITEA_PID"
    echo "==> gitea: not running"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$GITEA_PID"
  echo "==> gitea: stopped (pid $pid)"
}

cmd_status() {
  local pid port
  if pid=$(running_pid); then
    port=$(cat "$GITEA_PORT_FILE" 2>/dev/null || echo "$GITEA_PORT")
    GITEA_URL="http://127.0.0.1:$port"
    if healthy; then
      echo "gitea v$GITEA_VERSION: running (pid $pid) on $GITEA_URL, healthy, token $(token_works && echo ok || echo missing)"
    else
      echo "gitea v$GITEA_VERSION: running (pid $pid) on $GITEA_URL, NOT healthy (see $GITEA_LOG)"
    fi
  elif [ -x "$GITEA_BIN" ]; then
    echo "gitea v$GITEA_VERSION: stopped (built: $GITEA_BIN)"
  else
    echo "gitea v$GITEA_VERSION: not built (run: gitea.sh build)"
  fi
}

case "${1:-}" in
  build) serialize gitea "$@"; cmd_build ;;
  up) serialize gitea "$@"; cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: gitea.sh build|up|down|status" >&2
    exit 2
    ;;
esac
