//! billctl: a command-line admin tool for companies that sell API access through Stripe.
//!
//! The binary is a thin shell over [`run`]; every command lives in this library so that it can
//! be tested and embedded.
//!
//! # Module map
//!
//! One line per module; `tests/it/cli.rs` checks that this map lists every file under `src/`.
//! The folders are the layers, and imports only point down:
//!
//! - the doors, at the top: `cli/` and `commands/` (the command line), `api/` (HTTP), `output/`
//!   (everything printed: a `Render` impl per report, a table or lines without `--json`, the
//!   report itself with it) and `context.rs` (what commands ask for). Doors glue: they parse,
//!   call one workflow and answer;
//! - `ops/`: the workflows, the same for both doors: explicit dependencies in, a typed outcome
//!   out, nothing printed, no HTTP types; the embeddable `Verifier` is `ops/verifier/`;
//! - `domain/`: what billctl's world is made of and its rules (billing, catalog, keys, usage,
//!   webhook events, revenue, money, time, the clock, idempotency keys) and its settings
//!   (`config/`); it decides and prints nothing;
//! - `adapters/`: the only doors to the outside world: `store/` (the database), `stripe/`,
//!   `server/` (the HTTP core both services run on) and where secrets come from (`secrets.rs`,
//!   `credentials.rs`, `keystore.rs`); files named by the user are written by `output/`;
//! - `util/`: what knows nothing of billing (terminal-safe text, counts, fault points).
//!
//! A new subcommand goes in `cli/` + `commands/`, an HTTP route in `api/`, both over a
//! workflow in `ops/`; a store query in `adapters/store/`, a Stripe call in `adapters/stripe/`, a
//! rule in `domain/`. `shared/tools/modcycles.py src` finds no cycle among these folders.
//!
//! | module | what it is for |
//! |---|---|
//! | `main.rs` | the binary: parse, run, map the outcome to an exit code |
//! | `lib.rs` | the module list and `run` |
//! | `domain/mod.rs` | the domain group: what billctl's world is made of, its rules and settings |
//! | `adapters/mod.rs` | the adapters group: the database, Stripe, the HTTP server core, where secrets come from |
//! | `util/mod.rs` | the util group: what knows nothing of billing |
//! | `cli/mod.rs` | the clap grammar's top: `Cli`, the global flags, the command list, the moment value parsers |
//! | `cli/parsers.rs` | value parsers shared by the groups (counts, `KEY=VALUE`, usage periods, URLs, rates) |
//! | `cli/early.rs` | what the binary knows before parsing: whether the command is a service that holds SIGHUP (blocked, pending) from its first step |
//! | `cli/refused.rs` | a refused command line's error, rendered unstyled and made safe for a terminal |
//! | `cli/keys_verify.rs` | the `keys verify` fast path, parsed without building the whole grammar |
//! | `cli/audit.rs` | `audit` flags |
//! | `cli/auth.rs` | `auth` flags |
//! | `cli/checkout.rs` | `checkout` flags |
//! | `cli/completions.rs` | `completions` flags |
//! | `cli/customers.rs` | `customers` flags |
//! | `cli/dashboard.rs` | `dashboard` flags |
//! | `cli/db.rs` | `db` flags |
//! | `cli/invoices.rs` | `invoices` flags |
//! | `cli/keys.rs` | `keys` flags |
//! | `cli/payments.rs` | `payment-methods` and `portal` flags |
//! | `cli/prices.rs` | `prices` flags |
//! | `cli/revenue.rs` | `revenue` flags |
//! | `cli/setup_products.rs` | `setup-products` flags |
//! | `cli/subscriptions.rs` | `subscriptions` flags |
//! | `cli/usage.rs` | `usage` flags |
//! | `cli/serve.rs` | `serve` and `serve tokens` flags |
//! | `cli/webhooks.rs` | `webhooks` flags |
//! | `context.rs` | what commands ask for: output, config, store and Stripe client (lazy), runtime |
//! | `commands/mod.rs` | dispatch, and helpers shared by commands (tier lookup, actor, declined prompts) |
//! | `commands/audit.rs` | `audit list` |
//! | `commands/auth.rs` | `auth login/status/logout` |
//! | `commands/checkout.rs` | `checkout create` |
//! | `commands/completions.rs` | `completions SHELL` and `completions --man DIR` |
//! | `commands/doctor.rs` | `doctor`: gathers the config, stores, Stripe client and held secrets |
//! | `commands/customers.rs` | `customers create/update/list/show` |
//! | `commands/db.rs` | `db status/backup/restore/migrate/copy` |
//! | `commands/invoices.rs` | `invoices list/show/pay/void/send` |
//! | `commands/keys.rs` | `keys issue/list/show/revoke/rotate/verify` |
//! | `commands/payments.rs` | `payment-methods list/attach/detach/default`, `portal create` |
//! | `commands/prices.rs` | `prices check/list` |
//! | `commands/dashboard.rs` | `dashboard` (`--out`, `--period`; refuses to write HTML to a terminal) |
//! | `commands/revenue.rs` | `revenue` (flags, `--as-of` to a moment, the HTML file) |
//! | `commands/setup_products.rs` | `setup-products` (the plan, the prompt, the env file) |
//! | `commands/subscriptions.rs` | `subscriptions create/change/cancel/list/show/sync` |
//! | `commands/serve.rs` | `serve` (the listen address, TLS rule, signals) and `serve tokens issue/list/revoke` |
//! | `commands/usage/mod.rs` | `usage record/conflicts`, the group's dispatch |
//! | `commands/usage/import.rs` | `usage import`: the input, the `--rejects` file, the summary (exit 3 when the rejects are lost after the commit) |
//! | `commands/usage/report.rs` | `usage report/alerts` (flags, the HTML file) |
//! | `commands/usage/sync.rs` | `usage sync/reconcile/compact` (flags, prompt, rendering) |
//! | `ops/mod.rs` | workflows: explicit dependencies in, a serializable report out, nothing printed; the tier lookup and the audit writer they share |
//! | `ops/progress.rs` | `Progress`, the one progress handle long workflows take (output's bar, or `Hidden`) |
//! | `ops/usage/mod.rs` | the usage workflows, one file per command |
//! | `ops/usage/conflicts.rs` | `usage conflicts`: usage events refused because their source and id were taken, filtered |
//! | `ops/usage/import/mod.rs` | `usage import`: the two passes (check every line, then write), the report or the refusal |
//! | `ops/usage/import/reader.rs` | the import's chunked reader: bounded lines (BOM, CRLF, over-long, endless) parsed on all cores |
//! | `ops/usage/import/resolve.rs` | an import's events resolved against the store: keys to customers, the compaction horizon |
//! | `ops/usage/import/writers.rs` | an import's batches committed (on Postgres by parallel writer threads), and their tally |
//! | `ops/usage/import/record.rs` | `usage record`: one event by hand, counted once per id |
//! | `ops/usage/import/tests.rs` | the import workflow's tests |
//! | `ops/customers.rs` | `customers create/update/list/show`: Stripe first, then the mirror and the audit log |
//! | `ops/invoices.rs` | `invoices list/show/pay/void/send`: the question before money moves, the action, the audit entry |
//! | `ops/checkout.rs` | `checkout create`: a subscription link for a tier's price, or a setup link |
//! | `ops/db.rs` | `db status/backup/restore/migrate/copy` over the store's files or database |
//! | `ops/doctor/mod.rs` | `doctor`: every check's verdict (Stripe's concurrently), ok, warn, fail or skipped |
//! | `ops/doctor/stripe.rs` | `doctor`'s checks that reach Stripe: the key and clock, the catalog, the webhook endpoint |
//! | `ops/doctor/store.rs` | `doctor`'s checks of the store: integrity, disk, files, deliveries, mirror, meter, keys |
//! | `ops/doctor/tests.rs` | `doctor`'s verdicts at their edges |
//! | `ops/keys.rs` | `keys issue/rotate/list`: new keys stored as hashes with their audit entries |
//! | `ops/payments.rs` | payment methods, a subscription's outcome told honestly, a customer's standing (access, card, dunning) |
//! | `ops/prices.rs` | `prices check/list`: configured prices and the meter against Stripe and the expect file |
//! | `ops/usage/report.rs` | `usage report/alerts`: usage against each tier's quota by customer, key or day, over a period or a range (`Window`); exact days for charts; a customer's usage view |
//! | `ops/dashboard.rs` | `dashboard`: revenue, subscribers at risk and trials ending, usage by share of quota (charts for the first 100), keys, webhook outcomes; the usage section of `usage report --html` |
//! | `ops/revenue.rs` | `revenue`: the history and prices from the store, as of a moment or month by month |
//! | `ops/writes.rs` | the frame of every billing change: the store from either door, a change's idempotency key (its from-state and the journal's sequence), the check of Stripe's answer, the journal and audit record |
//! | `ops/lifecycle.rs` | subscription create, plan change, cancel and resume: one workflow each for the command line and serve, typed refusals, the audit entry |
//! | `ops/subscriptions.rs` | `subscriptions sync`, and the checks and writes of `create` and `change` |
//! | `ops/setup.rs` | `setup-products`: observe and plan, apply in waves, record the audit and the mirror |
//! | `ops/webhooks/mod.rs` | storing events once per id and applying them in order (the apply side) |
//! | `ops/webhooks/intake.rs` | events other than by `listen`: `ingest` (bounded, future events refused), `reprocess`, pending ones, `backfill` |
//! | `ops/webhooks/queries.rs` | `webhooks show/list/verify`: stored events, conflicts, rejected requests, a signature check |
//! | `ops/webhooks/endpoints.rs` | `webhooks endpoint create/list/delete`, with where each signing secret is kept |
//! | `ops/webhooks/listen.rs` | `webhooks listen`'s workflow: the writer that commits deliveries in groups, says what each came to, and applies them; why a delivery is refused |
//! | `ops/webhooks/replay.rs` | `webhooks replay`: choose or resume a run, deliver, record deliveries in groups |
//! | `ops/serve/mod.rs` | `serve`'s workflows, no HTTP: the token gate, the verifiers (plain verifies from the cache, the recorder thread's group commit), what they count (`Observe`), its first and last lines |
//! | `ops/serve/tokens.rs` | service tokens: issue, list, revoke, and the cache callers are checked against |
//! | `ops/serve/selfserve.rs` | the customer's side as workflows: the account view, keys issued, rotated and revoked for their owner, plan change, cancel, resume; typed refusals |
//! | `ops/serve/events.rs` | a batch of usage events (a JSON array or NDJSON) through `usage import`'s workflow, or why it is refused |
//! | `api/mod.rs` | the HTTP door: `serve`'s routes and `webhooks listen`'s receiver on `server/`; handlers parse, call one `ops/` workflow, and map its outcome to a status and dialect |
//! | `api/serve.rs` | `serve` on the server core: the service's state, admission (the token check), the route dispatch, probes, the customer's usage view's body |
//! | `api/verify.rs` | `POST /v1/keys/verify` and `POST /v2/keys.verifyKey`: the bodies, the verdict's answer (503 when the store could not say) |
//! | `api/events.rs` | `POST /v1/usage/events` and `POST /api/v1/events`: the batch recorded, its refusals in each route's words |
//! | `api/metrics.rs` | `serve`'s counters and histograms, in Prometheus's text format |
//! | `api/routes.rs` | `serve`'s route table (method, path, access, body, dialect, metrics label, kind) and what is derived from it: matching, labels, `Allow`, the `--help` listing; its check against `openapi.json` |
//! | `api/error.rs` | `serve`'s one error type (status, code enum, message, headers, log detail), written per dialect: billctl's, Unkey's, problem details; a refused token's status and code |
//! | `api/selfserve.rs` | the customer's side in HTTP: paths and bodies parsed (proration into `billing::Proration`), one workflow each, refusals as statuses and codes |
//! | `api/unkey.rs` | `POST /v2/keys.verifyKey`: Unkey's request and envelope, the code map |
//! | `api/cloudevents.rs` | `POST /api/v1/events`: OpenMeter's CloudEvents ingestion into `usage import` lines |
//! | `api/openapi.rs` | the OpenAPI 3.1 document of every route (`openapi.json` beside it) |
//! | `api/listen.rs` | `webhooks listen`'s receiver: each delivery checked (path, method, size, signature, envelope), handed to the writer, answered once durable; its `/metrics` |
//! | `api/listen_metrics.rs` | `webhooks listen`'s counters and their Prometheus exposition |
//! | `ops/usage/sync.rs` | `usage sync/reconcile/compact`: meter events through the ledger, daily totals against the meter, compaction |
//! | `commands/webhooks/mod.rs` | `webhooks listen/ingest/list/show/reprocess/verify/backfill`, the group's dispatch |
//! | `commands/webhooks/replay.rs` | `webhooks replay` (selection, secret, the delivery printer) |
//! | `commands/webhooks/endpoint.rs` | `webhooks endpoint create/list/delete` |
//! | `domain/config/mod.rs` | settings: the validated `Config` (Stripe, Checkout, usage, access, portal, store URL as a string), and the parts below |
//! | `domain/config/raw.rs` | the config file's raw serde schema, with spans; unknown keys refused |
//! | `domain/config/error.rs` | config mistakes with file, line, column and dotted key |
//! | `domain/config/load.rs` | finding and reading the config: `--config`, the XDG file, the built-in catalog; bounded UTF-8 |
//! | `domain/config/parse.rs` | validating the raw config into `Config`, section by section |
//! | `domain/config/stripe.rs` | `[stripe]`, `[checkout]`, `[portal]`, `[store]` |
//! | `domain/config/access.rs` | `[access]`: statuses that grant access, the `past_due` grace |
//! | `domain/config/api_base.rs` | where the Stripe key may be sent: `BILLCTL_STRIPE_API_BASE`, `stripe.api_base` or api.stripe.com, under the environment's policy |
//! | `domain/config/usage.rs` | `[usage]` and `[meter]` |
//! | `domain/config/tiers.rs` | `[tiers]`: tiers and their prices against Stripe's limits |
//! | `domain/config/tests.rs` | the config's tests |
//! | `domain/clock.rs` | the one "now" (system, or pinned in test builds and by `Clock::manual`) |
//! | `domain/time.rs` | the time grammar of every time flag, calendar days and months (jiff) |
//! | `util/text.rs` | which characters never reach a terminal raw, their escaping (`clean`, `terminal_safe`), and the one JSON writer (commands and serve's bodies): DEL, C1 and bidi controls escaped (`\u009b`), exact for a reader |
//! | `domain/money.rs` | minor units to `$99.00`, `5.120 KWD`; the one exponent table of Stripe's currencies (zero-, two-, three-decimal, ISK and UGX sent x100) and the amounts Stripe refuses |
//! | `util/plural.rs` | a count with its noun for messages (`1 change`, `2 changes`) |
//! | `domain/revenue.rs` | MRR, subscribers, ARPA and movements from the subscription history (the definitions) |
//! | `util/faults.rs` | fault points for crash tests (test builds only) |
//! | `domain/idempotency.rs` | idempotency keys: derived from desired state, or random |
//! | `adapters/server/mod.rs` | the one HTTP server core: accept loop, connection cap, body limit, drain on SIGTERM, JSON errors, access log; what a service is asked (admit a head, handle a request) and told (the core's own answers, timers run out) |
//! | `adapters/server/tests.rs` | the server core's unit tests |
//! | `adapters/server/conn.rs` | one connection of the core: the header and idle timers apart, admission from the head before any body is read, the memory budget of bodies in flight, the body and request timeouts |
//! | `adapters/server/metrics.rs` | Prometheus text helpers (histograms in atomics, counters) for both services |
//! | `adapters/server/slots.rs` | the connection slots of the core: the cap, the idle connection closed to make room, a few slots beyond it for the probes only |
//! | `adapters/server/tls.rs` | TLS for the server core: PEM certificate and key (regular files only), re-read on SIGHUP |
//! | `adapters/server/notify.rs` | systemd's notify protocol: READY, RELOADING (with MONOTONIC_USEC), STOPPING, and WATCHDOG from the accept loop; the socket (a path or `@name`) taken from the environment at the first step |
//! | `adapters/server/reload.rs` | SIGHUP for the services: the handler installed before the address is printed, each part re-read on a blocking thread within a deadline, and logged |
//! | `adapters/secrets.rs` | the Stripe key and webhook secrets: systemd credential, environment, then the OS keyring |
//! | `adapters/credentials.rs` | systemd credentials: secrets read from fixed file names in `$CREDENTIALS_DIRECTORY` |
//! | `adapters/keystore.rs` | the OS keyring store in use (Secret Service, else the kernel keyring) and what survives a reboot |
//! | `output/mod.rs` | all printing: data, JSON, JSON Lines, status, tables, progress, prompts; `Render` |
//! | `output/catalog.rs` | `prices check/list` and `setup-products` plan and result, as tables |
//! | `output/payments.rs` | payment methods, invoices, subscription outcomes, standing and `customers show` |
//! | `output/keys.rs` | issued keys, key lists and details, verifications |
//! | `output/subscriptions.rs` | the subscription table and `subscriptions sync` |
//! | `output/usage.rs` | usage reports (table, CSV), sync, reconcile, compact, import |
//! | `output/dashboard.rs` | the dashboard page: inline CSS, SVG charts and a little sorting and filtering script; the one renderer of usage charts |
//! | `output/chart.rs` | a usage chart's SVG: the plot box, the x axis of days, daily bars, the quota line, the step line and its projection; the grid helpers the webhook chart shares |
//! | `output/revenue.rs` | revenue as tables, CSV, and an HTML page with stacked SVG charts |
//! | `output/svg.rs` | what the HTML pages share: text escaped for HTML and SVG (controls and bidi controls shown escaped), a chart's y axis |
//! | `output/db.rs` | `db status` as tables, and what `backup`, `restore`, `migrate` and `copy` did |
//! | `output/doctor.rs` | `doctor`'s table and counts |
//! | `output/webhooks.rs` | webhook reports, listen's log lines, replay's deliveries and summary |
//! | `output/logq.rs` | the services' log: a bounded queue to a writer thread, lines dropped when full counted |
//! | `output/serve.rs` | service tokens, `serve`'s first and last lines, its access log and notices |
//! | `domain/billing/mod.rs` | customers, subscriptions and the catalog mirror's rows; which statuses are live |
//! | `domain/billing/proration.rs` | how Stripe bills a mid-period plan change (`proration_behavior`), parsed at either door |
//! | `domain/billing/seats.rs` | seats: a subscription's quantity, bounded by its tier's `max_quantity`, and how a change of it reads |
//! | `domain/catalog/mod.rs` | the catalog as Stripe has it, and what an apply wrote |
//! | `domain/catalog/model.rs` | the catalog as configured: tiers, prices (with overage), the meter |
//! | `domain/catalog/plan.rs` | desired vs observed catalog to ordered actions, in waves |
//! | `domain/mode.rs` | the Stripe mode (`test`/`live`) of a key, a store and an API key's prefix, parsed where text comes in |
//! | `domain/keys/mod.rs` | API key format, generation, checksum and hashing |
//! | `ops/verifier/mod.rs` | the embeddable `Verifier`: the checks of a call, in order; the per-request workflow that owns a store |
//! | `ops/verifier/verdict.rs` | the verifier's answer (`Verification`, valid when its code is), its quota and rate views, cache counters |
//! | `ops/verifier/cache.rs` | what the verifier caches (keys, customers, the mode), its freshness, the shared read snapshot, a loader's reads |
//! | `ops/verifier/limits.rs` | the verifier's token buckets and recorded calls: the charge the store made in its transaction |
//! | `domain/keys/token.rs` | service tokens of `serve`: format (`bks_`), generation, checksum, scopes |
//! | `domain/keys/redact.rs` | the one redaction of key- and token-shaped text in paths, error answers, logs and rejected lines |
//! | `domain/usage/mod.rs` | usage events as read from NDJSON and CSV lines |
//! | `domain/usage/series.rs` | a period's usage as a chart draws it: the step line, daily bars, the projection at the current rate, when the quota is reached |
//! | `domain/webhooks/mod.rs` | the `Stripe-Signature` scheme |
//! | `domain/webhooks/apply/mod.rs` | what an event changes in the local mirror, out of order safely: changes for `ops` to write, and their outcomes |
//! | `domain/webhooks/apply/tests.rs` | what events change: statuses, payments, order, catalog objects |
//! | `domain/webhooks/conflict.rs` | one event id with two bodies: what the same body is, and which copy is the stored event |
//! | `domain/webhooks/event.rs` | an event's envelope, and how applying one ended |
//! | `adapters/store/mod.rs` | opening SQLite files, migrations, read snapshots, the data dir's mode |
//! | `adapters/store/backup.rs` | `db backup`: both files at one moment, a manifest, written only to a new path, an empty directory or over an earlier backup |
//! | `adapters/store/check.rs` | reading a backup, bounded, into staging, where every check and the migration run on the bytes a restore then puts in place |
//! | `adapters/store/restore.rs` | `db restore`: under the lock alone, free space, checkpoint, the state before kept by renaming, retention of pre-restore copies |
//! | `adapters/store/swap.rs` | a restore's intent and renames, the same code the first time and after a crash; locked staging directories and the removal of stale ones |
//! | `adapters/store/lock.rs` | the store's lock (a flock on the data dir): shared by every opener of the SQLite store, held alone by a restore; who holds it |
//! | `adapters/store/guard.rs` | the output-path guard: a path named for billctl to write is never one of the store's files, by name, link or inode |
//! | `adapters/store/files.rs` | the store's files in a data dir by name: databases, sidecars, restore intent, pre-restore copies, staging directories |
//! | `adapters/store/db.rs` | `Db`, the one enum that knows whether SQLite or Postgres backs the store: statements, rows, transactions, locks |
//! | `adapters/store/pg.rs` | PostgreSQL: URLs without secrets in argv or config, connecting (rustls), migrations under an advisory lock |
//! | `adapters/store/pg_params.rs` | libpq's connection parameters: each taken, taken for some values, or refused by name with what to do instead |
//! | `adapters/store/copy.rs` | `db copy`: SQLite into an empty Postgres database and back, verified by counts and sums |
//! | `adapters/store/keys.rs` | API keys |
//! | `adapters/store/tokens.rs` | service tokens (hashes only) |
//! | `adapters/store/usage/mod.rs` | usage events (identity: source and id) and their conflicts; recording a batch |
//! | `adapters/store/usage/write.rs` | usage written once per identity (rows, or COPY on Postgres), added to the hourly and daily rollups (one statement per table on Postgres) |
//! | `adapters/store/usage/sums.rs` | exact usage sums over any period: daily and hourly rollups, raw events at the edges |
//! | `adapters/store/usage/calls.rs` | recorded calls checked against their rate and quota in the transaction that records them |
//! | `adapters/store/usage/group.rs` | a group of recorded calls on Postgres in a constant number of round trips (locks, counts, inserts: one statement each) |
//! | `adapters/store/usage/compaction.rs` | `usage compact`'s horizon, and the raw events dropped behind it |
//! | `adapters/store/usage_conflicts.rs` | usage conflicts kept apart, and their filtered listing |
//! | `adapters/store/audit.rs` | the audit log |
//! | `adapters/store/writes.rs` | the write journal: per Stripe object, the changes applied (a part of every derived idempotency key), recorded with their audit entry |
//! | `adapters/store/settings.rs` | store settings (the Stripe mode) |
//! | `adapters/store/subscriptions.rs` | the customer and subscription mirror, with each subscription's payment state |
//! | `adapters/store/catalog.rs` | the catalog mirror and drift notes |
//! | `adapters/store/ledger.rs` | the meter ledger of `usage sync` |
//! | `adapters/store/webhooks/mod.rs` | `webhooks.db`: events, receipts, conflicts, replay runs and deliveries |
//! | `adapters/store/webhooks/arrival.rs` | an event's arrival by the rule: new, a repeat, Stripe's copy replacing ours, or another body kept apart |
//! | `adapters/store/webhooks/select.rs` | the statements a webhook filter builds: the type glob as a regular expression, order, limit |
//! | `adapters/store/webhooks/tests.rs` | the webhook store's tests |
//! | `adapters/stripe/mod.rs` | Stripe access (the only user of async-stripe): catalog reads and writes |
//! | `adapters/stripe/handle.rs` | the read client (`Stripe`) and the write handle (`Writer`), made only by the live-mode check |
//! | `adapters/stripe/proxy.rs` | which proxy a request goes through: curl's proxy variables and `NO_PROXY` rules |
//! | `adapters/stripe/connect.rs` | the one HTTP client: CONNECT tunnels and absolute-form requests through a proxy, bounded |
//! | `adapters/stripe/transport.rs` | the HTTP transport: retries, idempotency keys, timeouts, the `-v` log |
//! | `adapters/stripe/payments.rs` | payment methods, customer updates, subscriptions with payment terms, invoice actions, the billing portal |
//! | `adapters/stripe/error.rs` | Stripe errors with status, code, param and request id |
//! | `adapters/stripe/catalog.rs` | observing the catalog in one round trip, applying actions |
//! | `adapters/stripe/billing.rs` | customers, subscriptions, invoices, Checkout Sessions |
//! | `adapters/stripe/meters.rs` | billing meters, meter events and summaries |
//! | `adapters/stripe/events.rs` | events and webhook endpoints as raw JSON |
//! | `adapters/stripe/send.rs` | the HTTP client of `webhooks replay`: events re-signed as Stripe signs them, delivered at a concurrency and rate |
//!
//! Tests never wait for the wall clock or guess at the machine's speed:
//!
//! - **Clock.** Everything that asks the time asks `billctl::domain::clock`. In test builds (debug
//!   assertions on) `BILLCTL_TEST_NOW=<unix seconds or RFC 3339>` pins a process's clock, and
//!   in-process tests hand the `Verifier` a `Clock::manual(..)` and `advance` it. Expiry, rotation
//!   grace, rate-limit windows and the verifier's freshness bound are tested at exact edges.
//! - **Fault points.** In test builds `BILLCTL_TEST_FAULT=NAME@N` aborts the process the N-th time
//!   it reaches the point NAME (`usage.commit`: a usage batch written, not yet committed), so the
//!   crash test dies where it says, every round.
//! - **Keyring.** Keyring tests run their processes in a fresh kernel session keyring, joined with
//!   the keyctl system call before exec: the real kernel keyring, no keyutils package.
//!
//! Release builds read neither variable.
//!
//! Benchmarks (release builds) print each figure beside an anchor measured in the same run (a bare
//! SQLite query, a bare HMAC, `sqlite3 .import`, `billctl --version`, no-work HTTP), taking turns
//! with it, and BENCHMARKS.md states every target as a ratio to that anchor.

pub mod adapters;
pub mod api;
pub mod cli;
pub mod commands;
pub mod context;
pub mod domain;
pub mod ops;
pub mod output;
pub mod util;

use std::process::ExitCode;

/// `crate::ps![...]`: query parameters, for the store's own modules.
pub(crate) use adapters::store::db::ps;

/// Runs a parsed command line and returns the process exit code
/// (0 ok, 1 a check found a problem, 2 usage or runtime error).
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    let Some(command) = cli.command else {
        use clap::CommandFactory;
        eprintln!("{}", cli::Cli::command().render_help());
        return Ok(ExitCode::from(2));
    };
    let mut ctx = context::Ctx::new(cli.global);
    commands::dispatch(&mut ctx, command).map_err(|e| ctx.explain_refused_key(e))
}

/// An error with a hint after it (`{err:#}`, then `hint: ...`), keeping the error's exit code.
#[derive(Debug)]
pub struct Hinted {
    text: String,
    code: u8,
}

impl Hinted {
    pub fn new(err: anyhow::Error, hint: String) -> Hinted {
        Hinted {
            text: format!("{err:#}\nhint: {hint}"),
            code: exit_code(&err),
        }
    }
}

impl std::fmt::Display for Hinted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Hinted {}

/// True when `err` is a write to a closed pipe (`billctl ... | head`), which is not a failure.
/// The exit code of a failed command: 1 when Stripe did not make a change billctl asked for
/// (a check found a problem), 3 when `usage import` committed its events but lost its
/// `--rejects` file, else 2.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    use ops::lifecycle::PlanError;
    if let Some(h) = err.downcast_ref::<Hinted>() {
        return h.code;
    }
    let not_applied = err.chain().any(|e| {
        e.downcast_ref::<ops::writes::NotApplied>().is_some()
            || matches!(
                e.downcast_ref::<PlanError>(),
                Some(PlanError::NotApplied(_))
            )
    });
    if not_applied {
        1
    } else if err.chain().any(|e| e.is::<commands::usage::RejectsLost>()) {
        commands::usage::REJECTS_LOST
    } else {
        2
    }
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
