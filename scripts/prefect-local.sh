#!/usr/bin/env bash
# `make prefect`: Prefect on one machine, offline. Starts a local Prefect server (SQLite under
# PREFECT_HOME, demo-out/prefect unless set; analytics off), creates the `dondoc` work pool,
# deploys everything in prefect.yaml, then runs a worker until Ctrl-C or SIGTERM, which stop
# the worker and then the server.
#
# The worker (and every flow run it starts) works on DONDOC_DATABASE_URL; unset, that is the
# demo's database, demo-out/dondoc.db (`make demo` fills it; it also wipes demo-out, Prefect's
# state included, so run it before this, not during). Other DONDOC_ and PREFECT_ settings
# pass through (PREFECT_API_URL excepted: the server started here).
#
#   PREFECT_PORT=4201 make prefect          # another port
#   PREFECT_HOME=~/.prefect make prefect    # keep Prefect's state elsewhere
#   DONDOC_DATABASE_URL=postgresql+psycopg://dondoc@db-host/dondoc make prefect
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" # prefect.yaml's entrypoints are relative to the directory deployed from
BIN="$ROOT/.venv/bin"
PORT="${PREFECT_PORT:-4200}"

export PREFECT_HOME="${PREFECT_HOME:-$ROOT/demo-out/prefect}"
export PREFECT_API_URL="http://127.0.0.1:$PORT/api"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT=false
export DO_NOT_TRACK=1
if [[ -z ${DONDOC_DATABASE_URL:-} ]]; then
    mkdir -p "$ROOT/demo-out"
    export DONDOC_DATABASE_URL="sqlite:///$ROOT/demo-out/dondoc.db"
fi

say() { printf '\n== %s\n' "$*"; }

mkdir -p "$PREFECT_HOME"
LOG="$PREFECT_HOME/server.log"

if "$BIN/python" - "$PORT" <<'EOF'; then
import socket, sys
with socket.socket() as s:
    sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
EOF
    echo "Port $PORT is taken (another Prefect server?). Stop it, or set PREFECT_PORT." >&2
    exit 1
fi

say "Prefect server on http://127.0.0.1:$PORT (state in $PREFECT_HOME, log in $LOG)"
# in its own session, like the worker below: a Ctrl-C reaches this script alone, whose trap
# stops the worker first, then the server
setsid "$BIN/prefect" server start --host 127.0.0.1 --port "$PORT" >"$LOG" 2>&1 &
SERVER=$!

WORKER=""

# The worker first (it stops taking runs), then the server; whatever is left of either
# after a grace period is killed, so that nothing outlives the script.
stop_group() { # NAME PID
    local name=$1 pid=$2
    kill -0 "$pid" 2>/dev/null || return 0
    echo "Stopping the $name (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
stop_all() {
    trap '' INT TERM # a second Ctrl-C does not cut the clean-up short
    if [[ -n $WORKER ]]; then stop_group worker "$WORKER"; fi
    stop_group "Prefect server" "$SERVER"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

healthy() {
    "$BIN/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "$PREFECT_API_URL/health" 2>/dev/null
}

# the first start migrates the server's database: 7-23 s here
for _ in $(seq 1 120); do
    healthy && break
    if ! kill -0 "$SERVER" 2>/dev/null; then
        echo "The Prefect server stopped; its log:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    sleep 1
done
if ! healthy; then
    echo "The Prefect server did not answer within 120 s; its log: $LOG" >&2
    exit 1
fi

say "Work pool dondoc (process)"
if "$BIN/prefect" work-pool inspect dondoc >/dev/null 2>&1; then
    echo "already there"
else
    "$BIN/prefect" work-pool create dondoc --type process
fi

say "Deployments from prefect.yaml"
"$BIN/prefect" --no-prompt deploy --all

say "dondoc's database: $DONDOC_DATABASE_URL"
"$BIN/dondoc" init

say "Worker on pool dondoc — open http://127.0.0.1:$PORT, Deployments, Ctrl-C to stop"
# In its own session too (a Ctrl-C reaches the script alone, and the trap stops the worker
# once: a second signal makes Prefect kill it), and with SIGINT restored: Prefect's worker
# stops on SIGTERM by sending itself a SIGINT, which a background job of a script ignores.
setsid env --default-signal=INT "$BIN/prefect" worker start --pool dondoc &
WORKER=$!
wait "$WORKER" # in the background, so that a signal's trap runs at once
