#!/usr/bin/env bash
# Runs every test: the whole Swift suite with the MySQL trait on, against a throwaway MariaDB that
# scripts/with-mariadb.sh installs (apt, when missing), starts on a free loopback port and always stops.
# The MariaDB outage and restart tests stop that server, so each runs alone in its own invocation. Then the API is
# fuzzed from its OpenAPI document (schemathesis from PyPI, installed when missing), and the dashboard is
# driven in headless Chromium (Debian's) by Playwright for Python (PyPI), both installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
# The build runs first and unwatched (a cold build on a slow machine takes long); each test run has a
# deadline far above its usual minute, so a hang fails CI quickly and names the tests still running.
# The two-node suites start processes whose leases renew every second against a 3-8 s deadline; beside the
# whole suite on a 2-core machine a renewal can miss it, which they would rightly report as a demotion.
export HA_SUITES="HAFailoverTests|TwoNodeTests|HADatabaseFaultTests|HAProcessFaultTests"
scripts/with-mariadb.sh bash -c '
    set -e
    swift build --build-tests --traits MySQL
    scripts/watch-tests.sh 1200 swift test --disable-xctest --traits MySQL --skip-build --skip "$HA_SUITES" "$@"
    echo "== Two nodes on one MariaDB (lease deadlines are wall-clock: run beside nothing else)"
    scripts/watch-tests.sh 1500 swift test --disable-xctest --traits MySQL --skip-build --filter "$HA_SUITES"
    echo "== Two nodes through a MariaDB restart (stops the shared server: alone)"
    SOKBO_TEST_MYSQL_RESTART=1 scripts/watch-tests.sh 600 \
        swift test --disable-xctest --traits MySQL --skip-build --filter aMariaDBRestartLeavesOneActiveAndSendsNothingTwice
    echo "== MariaDB outage test (server stopped for 10 s mid-stream)"
    SOKBO_TEST_MYSQL_OUTAGE=1 scripts/watch-tests.sh 600 \
        swift test --disable-xctest --traits MySQL --skip-build --filter aTenSecondOutageLosesAndDuplicatesNothing
' test.sh "$@"
echo "== API fuzzing (schemathesis against /openapi.json: no 5xx, no crash)"
scripts/fuzz-api.sh --traits MySQL
echo "== Dashboard in headless Chromium (Playwright for Python; screenshots in .build/dashboard-artifacts/)"
scripts/dashboard-test.sh --traits MySQL
