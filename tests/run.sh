#!/usr/bin/env bash
# The test command (README, CI): the whole suite against the SQLite store, then the integration
# tests again against PostgreSQL (BILLCTL_TEST_BACKEND=postgres: each test environment gets a
# database of its own in a throwaway cluster the harness starts) when PostgreSQL's server
# binaries are installed. Without them the second pass is skipped with a note, unless
# BILLCTL_REQUIRE_POSTGRES is set (CI), which makes it a failure.
#
# With BILLCTL_TEST_STRIPE_KEY=sk_test_... (issue 21) it runs the live-capable tests against
# Stripe test mode instead, and names each test file it skips because it needs the simulator.
set -euo pipefail
cd "$(dirname "$0")/.."

# The integration tests are one binary, `it` (tests/it/main.rs), with one module per file in
# tests/it/. Each file says in its header whether it runs against real Stripe: a line
# "//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): runs." or "...: skipped, as <reason>."
# (tests/it/cli.rs checks that every file has one); a module's tests are picked by the
# filter "<file>::".
MARK='//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): '
if [ -n "${BILLCTL_TEST_STRIPE_KEY:-}" ]; then
    case "$BILLCTL_TEST_STRIPE_KEY" in
        sk_test_*|rk_test_*) ;;
        *) echo "error: BILLCTL_TEST_STRIPE_KEY must be a test-mode key (sk_test_...); a live-mode key is refused" >&2; exit 2 ;;
    esac
    live=()
    for f in tests/it/*.rs; do
        name=$(basename "$f" .rs)
        [ "$name" = main ] && continue
        mark=$(grep -F -m1 "$MARK" "$f" | sed "s|^$MARK||" || true)
        case "$mark" in
            runs.) live+=("$name") ;;
            skipped,*)
                n=$(cargo test --locked -q -p billctl --test it -- "$name::" --list --format terse 2>/dev/null | grep -c ': test$' || true)
                echo "skipped tests/it/$name.rs (tests: $n) against Stripe: ${mark#skipped, as }" ;;
            *) echo "error: tests/it/$name.rs has no line \"$MARK...\" saying whether it runs against Stripe" >&2; exit 2 ;;
        esac
    done
    for name in "${live[@]}"; do
        cargo test --locked -p billctl --test it -- "$name::"
    done
    exit 0
fi

cargo test --workspace --locked
if [ -n "${BILLCTL_REQUIRE_POSTGRES:-}" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    BILLCTL_TEST_BACKEND=postgres cargo test --locked -p billctl --test it
else
    echo "note: the integration tests did not run against Postgres: no PostgreSQL server binaries in /usr/lib/postgresql (Debian: apt-get install postgresql)"
fi
