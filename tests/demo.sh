#!/usr/bin/env bash
# billctl's main job end to end against the Stripe simulator: no Stripe account needed.
#
#   bash tests/demo.sh
#
# Starts stripe-sim on a free local port and `billctl webhooks listen` beside it, registers the
# listener as a webhook endpoint with the simulator (through Stripe's /v1/webhook_endpoints),
# then: the catalog (plan, apply, no-op re-run, prices check), a customer and a Pro
# subscription, an API key issued and verified, usage imported and reported, the key verified
# and a call recorded over HTTP through `billctl serve` (with curl), and the
# simulator's webhook events for that subscription received, stored and applied by listen.
# Everything printed under "$ billctl ..." is billctl's own output; any failing step stops the
# demo with a non-zero exit. With BILLCTL_STRIPE_API_BASE already set (and BILLCTL_BIN pointing
# at a built binary) it uses that Stripe instead of starting a simulator; the webhook part
# then runs only when that base is a simulator on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "demo: $*" >&2; exit 2; }

if [ -z "${BILLCTL_BIN:-}" ]; then
  echo "Building billctl and the Stripe simulator (first run takes a few minutes)..." >&2
  cargo build --quiet --locked -p billctl -p stripe-sim
  BILLCTL_BIN=target/debug/billctl
fi
BILLCTL_BIN=$(cd "$(dirname "$BILLCTL_BIN")" && pwd)/$(basename "$BILLCTL_BIN")

# Waits (without a deadline of its own: a slow machine is only slower) until FILE has a line,
# or fails if process PID has exited first.
first_line() {
  local file=$1 pid=$2 what=$3
  until [ -s "$file" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "$what did not start:" >&2; cat "$work"/*.log >&2; exit 2; }
    sleep 0.05
  done
  head -n 1 "$file"
}

if [ -z "${BILLCTL_STRIPE_API_BASE:-}" ]; then
  target/debug/stripe-sim --port 0 --state "$work/stripe-state.json" >"$work/sim.url" 2>"$work/sim.log" &
  pids+=($!)
  export BILLCTL_STRIPE_API_BASE=$(first_line "$work/sim.url" "$!" stripe-sim)
  # The simulator's test-mode key (a throwaway value known to the simulator only).
  export BILLCTL_STRIPE_API_KEY=sk_test_stripesim0000000000000000000000000000
  echo "Stripe simulator at $BILLCTL_STRIPE_API_BASE" >&2
fi
export BILLCTL_DATA_DIR="$work/data"
unset BILLCTL_CONFIG  # the built-in Pro/Team/Enterprise catalog

# Prints "$ billctl ARGS" (quoting arguments with spaces).
show() {
  printf '\n$ billctl'
  for a in "$@"; do
    case $a in *' '*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac
  done
  printf '\n'
}
step() {
  show "$@"
  "$BILLCTL_BIN" "$@" || fail "'billctl $*' exited $?"
}
# Like step, with the output also kept in $out for the next steps.
out=""
step_keep() {
  show "$@"
  out=$("$BILLCTL_BIN" "$@") || fail "'billctl $*' exited $?"
  printf '%s\n' "$out"
}

# --- The webhook listener, registered with the simulator -----------------------------------
base=$BILLCTL_STRIPE_API_BASE
hostport=${base#http://}
hostport=${hostport%%/*}
webhooks=false
case "$base" in
  http://127.0.0.1:*/ | http://localhost:*/) webhooks=true ;;
esac

# POSTs a form to the Stripe API at $base with bash's own /dev/tcp (no curl needed); prints
# the response body. The key goes through a builtin, never into a process's arguments.
stripe_post() {
  local path=$1 form=$2 response
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  printf 'POST /%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$path" "$hostport" "$BILLCTL_STRIPE_API_KEY" "${#form}" "$form" >&3
  response=$(cat <&3)
  exec 3>&-
  printf '%s' "${response#*$'\r\n\r\n'}"
}

if $webhooks; then
  # Stripe (here, the simulator) makes an endpoint's signing secret, and listen needs it to
  # start; listen's URL is known only once it has bound a free port. So: create the endpoint
  # at a placeholder URL, keep its secret in a variable (never printed), start listen, then
  # point the endpoint at listen's URL.
  created=$(stripe_post v1/webhook_endpoints "url=http%3A%2F%2F127.0.0.1%3A9%2Fplaceholder&enabled_events%5B0%5D=%2A")
  endpoint=$(printf '%s' "$created" | sed -n 's/.*"id": *"\(we_[A-Za-z0-9]*\)".*/\1/p' | head -n 1)
  WHSEC=$(printf '%s' "$created" | sed -n 's/.*"secret": *"\(whsec_[A-Za-z0-9]*\)".*/\1/p' | head -n 1)
  [ -n "$endpoint" ] && [ -n "$WHSEC" ] || fail "the simulator did not create a webhook endpoint: $created"
  export WHSEC
  "$BILLCTL_BIN" webhooks listen --bind 127.0.0.1:0 --secret-env WHSEC >"$work/listen.out" 2>"$work/listen.log" &
  pids+=($!)
  listen_pid=$!
  listen_url=$(first_line "$work/listen.out" "$listen_pid" "billctl webhooks listen")
  listen_url=${listen_url#listening on }
  encoded=$(printf '%s' "$listen_url" | sed 's/:/%3A/g; s#/#%2F#g')
  stripe_post "v1/webhook_endpoints/$endpoint" "url=$encoded" >/dev/null
  printf '\n$ billctl webhooks listen --bind 127.0.0.1:0 --secret-env WHSEC &\n%s\n' "$(head -n 1 "$work/listen.out")"
  printf '(the simulator delivers every event to it as webhook endpoint %s)\n' "$endpoint"
fi

# --- The catalog ---------------------------------------------------------------------------
cd "$work"
step setup-products --plan
step setup-products --yes --write-env prices.env
printf '\n$ cat prices.env\n'
cat prices.env
# -v logs each Stripe request: the re-run only reads.
step -v setup-products
step prices check --expect prices.env

# --- A customer on Pro ---------------------------------------------------------------------
step_keep customers create --email ada@example.com --name "Ada Lovelace" -q
customer=$out
# Ada pays by card: Stripe's Visa test method, attached as her invoice default (in live mode a
# card comes through 'billctl portal create' or 'billctl checkout create --mode setup').
step payment-methods attach --customer "$customer" pm_card_visa --default
step subscriptions create --customer "$customer" --tier pro --yes
step subscriptions list

# --- An API key, issued once and verified --------------------------------------------------
step_keep keys issue --customer "$customer" --name demo -q
key=$out
printf '\n$ billctl keys verify < key.txt\n'
printf '%s\n' "$key" | "$BILLCTL_BIN" keys verify || fail "'billctl keys verify' exited $?"

# --- Usage: a few events imported, then the report -----------------------------------------
key_id=${key#bk_test_}
key_id=${key_id%%_*}
# Stamped now: inside the billing period the subscription has just begun.
now=$(date -u +%s)
: >usage.ndjson
for i in 1 2 3 4 5; do
  printf '{"id":"demo-%s","key":"%s","timestamp":%s,"quantity":%s}\n' "$i" "$key_id" "$now" "$((i * 10))" >>usage.ndjson
done
printf '\n$ cat usage.ndjson\n'
cat usage.ndjson
step usage import usage.ndjson
step usage report --customer "$customer"

# --- The same checks over HTTP: billctl serve, asked with curl ------------------------------
# A service token for the API's middleware, shown once. curl reads the token and the key from
# files (-H @FILE, --data @FILE), so neither is ever in a process's arguments.
step_keep serve tokens issue --name demo-api --scope verify,read -q
umask 077
printf 'Authorization: Bearer %s\n' "$out" >serve-auth.txt
"$BILLCTL_BIN" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
pids+=($!)
serve_pid=$!
serve_url=$(first_line "$work/serve.out" "$serve_pid" "billctl serve")
serve_url=${serve_url#listening on }
printf '\n$ billctl serve --listen 127.0.0.1:0 &\nlistening on %s\n' "$serve_url"
printf '{"key":"%s"}' "$key" >verify.json
printf '{"key":"%s","record":1}' "$key" >record.json
printf '\n$ curl -sS -H @serve-auth.txt --data @verify.json %s/v1/keys/verify\n' "$serve_url"
curl -sS -H @serve-auth.txt --data @verify.json "$serve_url/v1/keys/verify" || fail "curl exited $?"
printf '\n\n$ curl -sS -H @serve-auth.txt --data @record.json %s/v1/keys/verify\n' "$serve_url"
curl -sS -H @serve-auth.txt --data @record.json "$serve_url/v1/keys/verify" || fail "curl exited $?"
printf '\n\n$ curl -sS -H @serve-auth.txt %s/v1/customers/%s/usage\n' "$serve_url" "$customer"
curl -sS -H @serve-auth.txt "$serve_url/v1/customers/$customer/usage" || fail "curl exited $?"
printf '\n'
kill -TERM "$serve_pid"
wait "$serve_pid" || fail "billctl serve exited $? on SIGTERM"
printf '\n$ # billctl serve, stopped with SIGTERM, said:\n'
cat "$work/serve.log"

# --- The simulator's events for that subscription, received by listen ----------------------
if $webhooks; then
  # Deliveries are asynchronous: wait until listen has stored the subscription's events and
  # none is left to apply (an observed state, however long the machine takes).
  settled() {
    local list
    list=$("$BILLCTL_BIN" webhooks list --json 2>/dev/null) || return 1
    case $list in *'"pending"'*) return 1 ;; esac
    case $list in *'"customer.subscription.created"'*'"invoice.paid"'* | *'"invoice.paid"'*'"customer.subscription.created"'*) return 0 ;; esac
    return 1
  }
  until settled; do
    kill -0 "$listen_pid" 2>/dev/null || { cat "$work/listen.log" >&2; fail "webhooks listen exited"; }
    sleep 0.05
  done
  step webhooks list
  kill -TERM "$listen_pid"
  wait "$listen_pid" || fail "webhooks listen exited $? on SIGTERM"
  printf '\n$ # webhooks listen, stopped with SIGTERM, had logged:\n'
  cat "$work/listen.log"
fi

printf '\nDone: catalog in place (the re-run changed nothing, prices check passed), a Pro customer with a verified API key and reported usage, the key verified and a call recorded over HTTP by billctl serve'
if $webhooks; then printf ', and the simulator'"'"'s webhooks received, stored and applied'; fi
printf '.\n'
