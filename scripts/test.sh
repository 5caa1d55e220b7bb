#!/usr/bin/env bash
# `npm test`: installs what is missing (Node 26, pnpm, dependencies, Chromium, PostgreSQL, Redis), then runs
# the checks (format, lint, types), the unit and integration tests (Vitest), the server's suites again on
# PostgreSQL, and the end-to-end tests (Playwright), and prints one total line: "N passed, N failed, N skipped".
set -uo pipefail
source "$(dirname "$0")/toolchain.sh"
source "$(dirname "$0")/services.sh"
cd "$ROOT"
set -e
ensure_deps

if ! command -v chromium >/dev/null 2>&1; then
  echo "› Installation de Chromium (paquet Debian) …"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
ensure_web_build
ensure_postgres
ensure_redis
set +e

results="$ROOT/test-results"
rm -rf "$results" && mkdir -p "$results"
status=0

echo "› Vérifications (format, lint, types) …"
check=passed
if pnpm run --silent check; then
  echo "check: ok"
else
  echo "check: ÉCHEC" && check=failed && status=1
fi

echo "› Tests unitaires et d'intégration (Vitest) …"
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || status=1

echo "› Tests du serveur sur PostgreSQL …"
# The same suites, each test server in a PostgreSQL schema of its own (PERSIST7). The suites that already
# cover both backends (storage contract, schema parity, several instances, bus) are not run twice.
COMPAGNON_TEST_STORAGE=postgres pnpm exec vitest run sync-server \
  --exclude '**/storage/**' --exclude '**/multi-instance.test.ts' --exclude '**/bus.test.ts' \
  --reporter=default --reporter=json --outputFile.json="$results/vitest-postgres.json" || status=1

echo "› Tests de bout en bout (Playwright, Chromium) …"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" \
  pnpm exec playwright test -c tests/playwright.config.ts --reporter=list,json || status=1

node scripts/summarize-tests.ts --check="$check" "vitest:$results/vitest.json" \
  "vitest:$results/vitest-postgres.json" "playwright:$results/playwright.json" || status=1
exit $status
