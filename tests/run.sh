#!/usr/bin/env bash
# The test command (README, CI): the whole suite against the SQLite store, then the integration
# tests again against PostgreSQL (BILLCTL_TEST_BACKEND=postgres: each test environment gets a
# database of its own in a throwaway cluster the harness starts) when PostgreSQL's server
# binaries are installed. Without them the second pass is skipped with a note, unless
# BILLCTL_REQUIRE_POSTGRES is set (CI), which makes it a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked
if [ -n "${BILLCTL_REQUIRE_POSTGRES:-}" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    BILLCTL_TEST_BACKEND=postgres cargo test --locked -p billctl --test '*'
else
    echo "note: the integration tests did not run against Postgres: no PostgreSQL server binaries in /usr/lib/postgresql (Debian: apt-get install postgresql)"
fi
