#!/usr/bin/env bash
# Installs what the browser tests need, idempotently, with no CDN downloads:
# Debian's Chromium and redis-server, the pinned Playwright driver and axe-core
# from npm. Prints the environment to export (eval "$(scripts/e2e-setup.sh)").
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fc-list 2>/dev/null | grep -qi liberation || need+=(fonts-liberation)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (apt)" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

if [ ! -f e2e/tools/node_modules/playwright-core/cli.js ] || [ ! -f e2e/tools/node_modules/axe-core/axe.min.js ] \
   || ! grep -q '"version": "1.52.0"' e2e/tools/node_modules/playwright-core/package.json; then
  echo "installing the Playwright driver and axe-core (npm)" >&2
  npm ci --prefix e2e/tools --no-audit --no-fund --loglevel=error >&2
fi

DRV="$PWD/.pwdriver"
mkdir -p "$DRV"
ln -sfn "$PWD/e2e/tools/node_modules/playwright-core" "$DRV/package"
ln -sfn "$(command -v node)" "$DRV/node"
"$DRV/node" "$DRV/package/cli.js" --version >&2

CHROMIUM="$(command -v chromium)"
[ -x /usr/lib/chromium/chromium ] && CHROMIUM=/usr/lib/chromium/chromium
echo "export PLAYWRIGHT_DRIVER_PATH='$DRV' CHROMIUM_PATH='$CHROMIUM' AXE_JS='$PWD/e2e/tools/node_modules/axe-core/axe.min.js' REDIS_SERVER='$(command -v redis-server)'"
