#!/usr/bin/env bash
# Installs what the console's browser test (dev.cairn.console.ConsoleBrowserTest) needs: Debian's Chromium at
# /usr/bin/chromium, and playwright-core from npm in this folder (playwright-core downloads no browser).
# Run it as root, from anywhere; it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are needed (node 20 or later, for playwright-core); install them first" >&2
  exit 1
fi

if [ ! -f node_modules/playwright-core/package.json ] \
    || [ "$(node -p "require('./node_modules/playwright-core/package.json').version")" != \
         "$(node -p "require('./package-lock.json').packages['node_modules/playwright-core'].version")" ]; then
  echo "installing playwright-core (npm ci in $(pwd))"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi

/usr/bin/chromium --version
echo "playwright-core $(node -p "require('./node_modules/playwright-core/package.json').version")"
