#!/usr/bin/env bash
# Runs the project: the pinned n8n on http://127.0.0.1:${N8N_PORT:-5678} with n8n-nodes-firth installed as
# a community node and every workflows/*.json imported; prints the login. Ctrl-C stops it.
# Firth's model server runs beside it on http://127.0.0.1:${FIRTH_SERVER_PORT:-8787} (FIRTH_SERVER=off: not).
#
# First run installs Node 24 + pnpm and n8n into ~/.cache/firth (~8 min); later runs start in ~40 s.
# State (database, owner login) lives in ${FIRTH_N8N_USER_FOLDER:-.n8n-user/} and survives restarts.
#
# --queue (or FIRTH_MODE=queue): n8n's queue mode instead — PostgreSQL and Redis (installed with
# apt-get when missing and allowed) as child processes, n8n main + ${FIRTH_WORKERS:-2} workers
# (--workers=N), state in ${FIRTH_QUEUE_DIR:-.n8n-queue/}. Ctrl-C stops all of them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/toolchain.sh
source scripts/lib/n8n-runtime.sh
firth_ensure_toolchain
firth_install_and_build
firth_ensure_n8n
if [ "${FIRTH_MODE:-}" = queue ] || [[ " $* " == *" --queue "* ]]; then
  source scripts/lib/queue-services.sh
  firth_ensure_queue_services || { echo "[firth] cannot start queue mode: $FIRTH_QUEUE_SKIP" >&2; exit 1; }
fi
exec node apps/n8n-host/dist/cli.js start "$@"
