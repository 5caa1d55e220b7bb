#!/usr/bin/env bash
# `npm test`: installs what is missing (Node 26, pnpm, dependencies, Chromium), then runs the checks
# (format, lint, types), the unit and integration tests (Vitest) and the end-to-end tests (Playwright),
# and prints one total line: "N passed, N failed, N skipped".
set -uo pipefail
source "$(dirname "$0")/toolchain.sh"
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

echo "› Tests de bout en bout (Playwright, Chromium) …"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" \
  pnpm exec playwright test -c tests/playwright.config.ts --reporter=list,json || status=1

node scripts/summarize-tests.ts --check="$check" "$results/vitest.json" "$results/playwright.json" || status=1
exit $status
