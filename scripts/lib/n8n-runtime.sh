# shellcheck shell=bash
# Sourced after toolchain.sh. Installs the pinned n8n (apps/n8n-host/runtime/package-lock.json) once
# per machine and exports FIRTH_N8N_BIN.
#
# Measured in ../shared/notes/n8n.md: a plain install fails (a dependency's install script downloads
# binaries from outside the registry), so we install with --ignore-scripts and then run the one
# script n8n needs, sqlite3's native build, against Node 24's headers. ~7 min cold, instant after.

firth_ensure_n8n() {
  local dir
  dir="$(FIRTH_AFTER_INSTALL='npm rebuild sqlite3 --loglevel=error' firth_cached_npm_ci n8n "$FIRTH_ROOT/apps/n8n-host/runtime")" || return 1
  export FIRTH_N8N_BIN="$dir/node_modules/n8n/bin/n8n"
  [ -f "$FIRTH_N8N_BIN" ] || { firth_log "n8n is missing from $dir"; return 1; }
}
