#!/usr/bin/env bash
# Runs every test: the whole Swift suite with the MySQL trait on, against a throwaway MariaDB that
# scripts/with-mariadb.sh installs (apt, when missing), starts on a free loopback port and always stops.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
scripts/with-mariadb.sh swift test --disable-xctest --traits MySQL "$@"
