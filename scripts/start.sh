#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, then serves app + API + sync on one origin.
# PORT (default 8787) and DATA_DIR (default ./data) override; DEMO=1 seeds demo accounts on an empty folder.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
ensure_deps
ensure_web_build
cd "$ROOT"
exec node sync-server/src/main.ts
