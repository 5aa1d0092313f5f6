#!/usr/bin/env bash
# billctl's main job end to end against the Stripe simulator: no Stripe account needed.
#
#   bash tests/demo.sh
#
# Starts stripe-sim on a free local port, then runs billctl setup-products --plan, the apply,
# the no-op re-run and prices check. Everything printed under "$ billctl ..." is billctl's own
# output. With BILLCTL_STRIPE_API_BASE already set (and BILLCTL_BIN pointing at a built
# binary) it uses that Stripe instead of starting a simulator.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${BILLCTL_BIN:-}" ]; then
  echo "Building billctl and the Stripe simulator (first run takes a few minutes)..." >&2
  cargo build --quiet --locked -p billctl -p stripe-sim
  BILLCTL_BIN=target/debug/billctl
fi

if [ -z "${BILLCTL_STRIPE_API_BASE:-}" ]; then
  target/debug/stripe-sim --port 0 --state "$work/stripe-state.json" >"$work/sim.url" 2>"$work/sim.log" &
  sim_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$work/sim.url" ] && break
    sleep 0.1
  done
  [ -s "$work/sim.url" ] || { echo "stripe-sim did not start:" >&2; cat "$work/sim.log" >&2; exit 2; }
  export BILLCTL_STRIPE_API_BASE=$(head -n 1 "$work/sim.url")
  # The simulator's test-mode key (a throwaway value known to the simulator only).
  export BILLCTL_STRIPE_API_KEY=sk_test_stripesim0000000000000000000000000000
  echo "Stripe simulator at $BILLCTL_STRIPE_API_BASE" >&2
fi
export BILLCTL_DATA_DIR="$work/data"
unset BILLCTL_CONFIG  # the built-in Pro/Team/Enterprise catalog

step() {
  printf '\n$ billctl %s\n' "$*"
  "$BILLCTL_BIN" "$@"
}

step setup-products --plan
step setup-products --yes --write-env "$work/prices.env"
printf '\n$ cat prices.env\n'
cat "$work/prices.env"
# -v logs each Stripe request: the re-run only reads.
step -v setup-products
step prices check --expect "$work/prices.env"
printf '\nDone: the catalog is in place, the re-run changed nothing, and prices check passed.\n'
