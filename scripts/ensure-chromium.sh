#!/usr/bin/env bash
# The console's browser tests drive Debian's Chromium (/usr/bin/chromium). npm test
# runs this first: it installs the package with apt-get when it is missing.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
echo "Installing Debian's chromium for the console tests (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
  || { $SUDO apt-get update -qq && $SUDO apt-get install -y --no-install-recommends chromium >/dev/null; }
/usr/bin/chromium --version
