#!/usr/bin/env bash
# The gateway's end-to-end tests drive Debian's kcat (librdkafka), a native Kafka
# client. npm test runs this first: it installs the package with apt-get when missing.
set -euo pipefail
if command -v kcat >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
echo "Installing Debian's kcat for the gateway tests (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends kcat >/dev/null 2>&1 \
  || { $SUDO apt-get update -qq && $SUDO apt-get install -y --no-install-recommends kcat >/dev/null; }
kcat -V | head -1
