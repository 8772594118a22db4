# shellcheck shell=bash
# Sourced by scripts/test.sh (after toolchain.sh). The browser tier (test/src/browser) drives
# Debian's Chromium through playwright-core, which downloads no browser of its own.
#
# firth_ensure_chromium: exports FIRTH_CHROMIUM (the binary) when Chromium is there or could be
# installed with apt-get (as root, or through passwordless sudo); otherwise exports
# FIRTH_BROWSER_SKIP with the reason, and the tier is skipped with that message (counted as skipped
# in the suite's closing line). Never fails the suite by itself. FIRTH_BROWSER=off skips the tier.

firth_find_chromium() {
  local candidate
  for candidate in "${FIRTH_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser \
    "$(command -v chromium 2>/dev/null)" "$(command -v chromium-browser 2>/dev/null)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

firth_ensure_chromium() {
  local found sudo_cmd="" log
  unset FIRTH_BROWSER_SKIP
  if [[ "${FIRTH_BROWSER:-}" =~ ^(off|0|false|no)$ ]]; then
    export FIRTH_BROWSER_SKIP="FIRTH_BROWSER=off: the browser tier was turned off"
    firth_log "browser tier skipped: $FIRTH_BROWSER_SKIP"
    return 0
  fi
  if found="$(firth_find_chromium)"; then
    export FIRTH_CHROMIUM="$found"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    export FIRTH_BROWSER_SKIP="no Chromium, and no apt-get to install it with (install Chromium and set FIRTH_CHROMIUM to its binary)"
  elif [ "$(id -u)" -ne 0 ] && ! { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
    export FIRTH_BROWSER_SKIP="no Chromium, and installing it needs root (run \`sudo apt-get install chromium\`, or set FIRTH_CHROMIUM)"
  else
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo -n"
    firth_log "installing Chromium for the browser tier (apt-get install chromium; once per machine)"
    log="$(mktemp)"
    if $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 &&
      $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >>"$log" 2>&1 &&
      found="$(firth_find_chromium)"; then
      export FIRTH_CHROMIUM="$found"
      rm -f "$log"
      firth_log "Chromium: $("$FIRTH_CHROMIUM" --version 2>/dev/null | head -1)"
      return 0
    fi
    export FIRTH_BROWSER_SKIP="apt-get install chromium failed: $(tail -n 3 "$log" | tr '\n' ' ')"
    rm -f "$log"
  fi
  firth_log "browser tier skipped: $FIRTH_BROWSER_SKIP"
  return 0
}
