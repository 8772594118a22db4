# shellcheck shell=bash
# Sourced by scripts/start.sh (--queue / FIRTH_MODE=queue) and scripts/test.sh (after toolchain.sh).
# n8n's queue mode runs Debian's PostgreSQL and Redis as child processes of `firth-n8n start --queue`
# (apps/n8n-host/src/services.ts) — never as system services.
#
# firth_ensure_queue_services: exports FIRTH_PG_BINDIR (PostgreSQL's bin folder) and
# FIRTH_REDIS_SERVER when both are there or could be installed with apt-get (as root, or through
# passwordless sudo; `postgresql` and `redis-server`, their services kept from starting); otherwise
# exports FIRTH_QUEUE_SKIP with the reason (naming what to install) and returns 1. scripts/test.sh
# then skips the queue tier with that reason (counted as skipped in the closing line);
# scripts/start.sh --queue stops with it. FIRTH_QUEUE=off skips the tier.

firth_find_pg_bindir() {
  local dir
  if [ -n "${FIRTH_PG_BINDIR:-}" ] && [ -x "$FIRTH_PG_BINDIR/postgres" ]; then
    printf '%s\n' "$FIRTH_PG_BINDIR"
    return 0
  fi
  # Debian's layout, newest version first
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -rn); do
    if [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/psql" ]; then
      printf '%s\n' "$dir"
      return 0
    fi
  done
  return 1
}

firth_find_redis() {
  local candidate
  for candidate in "${FIRTH_REDIS_SERVER:-}" "$(command -v redis-server 2>/dev/null)" /usr/bin/redis-server; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

firth_ensure_queue_services() {
  local pg redis missing=() sudo_cmd="" log policy=/usr/sbin/policy-rc.d made_policy=""
  unset FIRTH_QUEUE_SKIP
  if [[ "${FIRTH_QUEUE:-}" =~ ^(off|0|false|no)$ ]]; then
    export FIRTH_QUEUE_SKIP="FIRTH_QUEUE=off: the queue tier was turned off"
    firth_log "queue tier skipped: $FIRTH_QUEUE_SKIP"
    return 1
  fi
  pg="$(firth_find_pg_bindir)" || missing+=(postgresql)
  redis="$(firth_find_redis)" || missing+=(redis-server)
  if [ "${#missing[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      export FIRTH_QUEUE_SKIP="no ${missing[*]}, and no apt-get to install it with (install PostgreSQL and Redis, and set FIRTH_PG_BINDIR / FIRTH_REDIS_SERVER)"
    elif [ "$(id -u)" -ne 0 ] && ! { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
      export FIRTH_QUEUE_SKIP="no ${missing[*]}, and installing it needs root (run \`sudo apt-get install ${missing[*]}\`)"
    else
      [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo -n"
      firth_log "installing ${missing[*]} for n8n's queue mode (apt-get; once per machine; no service is started)"
      log="$(mktemp)"
      # Debian starts a package's service on install unless policy-rc.d says no (container images
      # ship one); queue mode runs its own PostgreSQL and Redis, so none may start here.
      if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee "$policy" >/dev/null && $sudo_cmd chmod 755 "$policy" && made_policy=1
      fi
      if $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 &&
        $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1 &&
        pg="$(firth_find_pg_bindir)" && redis="$(firth_find_redis)"; then
        rm -f "$log"
      else
        export FIRTH_QUEUE_SKIP="apt-get install ${missing[*]} failed: $(tail -n 3 "$log" | tr '\n' ' ')"
        rm -f "$log"
      fi
      [ -n "$made_policy" ] && $sudo_cmd rm -f "$policy"
    fi
  fi
  if [ -n "${FIRTH_QUEUE_SKIP:-}" ]; then
    firth_log "queue mode unavailable: $FIRTH_QUEUE_SKIP"
    return 1
  fi
  export FIRTH_PG_BINDIR="$pg" FIRTH_REDIS_SERVER="$redis"
  return 0
}
