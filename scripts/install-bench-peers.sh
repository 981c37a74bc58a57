#!/bin/sh
# Installs the benchmark's peers from Debian: Redis (Streams) and NATS (JetStream).
# `npm run bench` runs without them and says which peer it skipped.
set -eu
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends redis-server nats-server
redis-server --version
nats-server --version
