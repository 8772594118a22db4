#!/usr/bin/env bash
# The whole test suite — exactly what CI runs (.ci/run). Works on a fresh machine with only a system
# Node 20 and npm: installs Node 24 + pnpm (cached), the workspace (frozen lockfile), builds, installs
# the pinned real n8n (cached) and Debian's Chromium (apt-get, when missing and allowed), then runs
# lint, typecheck, unit + in-process workflow tests (tiers 1 and 2), the end-to-end tests against the
# real n8n (tier 3), the browser tier (n8n's editor in Chromium, test/src/browser) and the package
# tier (the packed tarballs installed with npm outside the workspace, every README block run as ESM
# and CommonJS, type-checked under zod 3 and 4 and, where marked, in Chromium: test/src/packages;
# part of `test:int`) and the queue tier (n8n main + workers on PostgreSQL and Redis, Debian's, installed
# with apt-get when missing and allowed: test/src/queue) and the playground tier (the course playground's
# five panels in Chromium, axe-core, screenshots: test/src/playground). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/toolchain.sh
source scripts/lib/n8n-runtime.sh
source scripts/lib/chromium.sh
source scripts/lib/queue-services.sh

setup_failed() {
  echo "[firth] set-up failed: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}
firth_ensure_toolchain || setup_failed "installing Node 24 and pnpm"
firth_install_and_build || setup_failed "pnpm install --frozen-lockfile / build"
firth_ensure_n8n || setup_failed "installing the pinned n8n"
firth_ensure_chromium # never fails: without Chromium the browser tier is skipped, with the reason
# without PostgreSQL and Redis (none could be installed) the queue tier is skipped, with the reason
firth_ensure_queue_services || true

rm -rf packages/*/.reports apps/*/.reports test/.reports .turbo/runs
biome_status=0
pnpm exec biome check . || biome_status=$?
turbo_status=0
pnpm turbo run lint typecheck test test:int --continue --concurrency=2 --summarize || turbo_status=$?
node scripts/summarize-tests.mjs "$turbo_status" "$biome_status"
