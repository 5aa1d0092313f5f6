
use builtin;
use str;

set edit:completion:arg-completer[billctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'billctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'billctl'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand setup-products 'Create or update the products and prices in Stripe to match the config'
            cand prices 'Check and list the configured prices against Stripe'
            cand customers 'Create, update, list and show customers'
            cand payment-methods 'List, attach, detach and choose customers'' payment methods'
            cand portal 'Create a Stripe billing portal link, where a customer manages cards, invoices and plan'
            cand subscriptions 'Create, change, cancel, list and sync subscriptions'
            cand checkout 'Create Stripe Checkout links for a tier'
            cand keys 'Issue, list, rotate, revoke and verify API keys (stored only as hashes)'
            cand audit 'Read the audit log of administrative actions'
            cand usage 'Record, import and report API usage; alert on quotas; sync to Stripe meters; compact'
            cand revenue 'Revenue: MRR by tier and currency, subscribers, ARPA and the month''s movements'
            cand dashboard 'Write the billing dashboard: one self-contained HTML page (revenue, subscribers, usage against quota with a chart per customer, API keys, webhooks)'
            cand webhooks 'Receive, store, apply, list, replay and backfill Stripe webhooks; manage the endpoint'
            cand invoices 'List, show, pay, void and send invoices'
            cand auth 'Store, inspect or remove the Stripe key in the OS keyring'
            cand db 'Inspect or back up the local store'
            cand serve 'Serve key verification, quotas and usage over HTTP to API services in any language'
            cand doctor 'Check the whole setup: Stripe key, clock, catalog, webhook endpoint and deliveries, mirror, meters, store (schema, integrity, disk) and keys; exit 0 all ok, 1 any warning or failure, 2 if doctor itself could not run'
            cand completions 'Print a shell completion script, or write man pages (--man DIR)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;setup-products'= {
            cand --write-env 'After applying, write PRICE_<TIER>=price_... lines to FILE for the application'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --plan 'Print the plan and change nothing'
            cand --prune 'Archive products (and their prices) of tiers no longer in the config'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;prices'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Verify every tier''s lookup key resolves to an active price of the configured amount, currency and interval on an active product (exit 1 on drift)'
            cand list 'Show the configured prices beside what Stripe has'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;prices;check'= {
            cand --expect 'Also verify the application''s env file: each PRICE_*=price_... must be that price'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;prices;list'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;prices;help'= {
            cand check 'Verify every tier''s lookup key resolves to an active price of the configured amount, currency and interval on an active product (exit 1 on drift)'
            cand list 'Show the configured prices beside what Stripe has'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;prices;help;check'= {
        }
        &'billctl;prices;help;list'= {
        }
        &'billctl;prices;help;help'= {
        }
        &'billctl;customers'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a customer (asks first when the email is already used)'
            cand list 'List customers, every page'
            cand show 'Show a customer with its subscriptions, tier, access, payment state and API-key count'
            cand update 'Change a customer''s email, name or metadata'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;customers;create'= {
            cand --email 'Email address'
            cand --name 'Name'
            cand --metadata 'Metadata as KEY=VALUE (repeatable)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;customers;list'= {
            cand --email 'Only customers with this exact email'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;customers;show'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;customers;update'= {
            cand --email 'New email address'
            cand --name 'New name'
            cand --metadata 'Set metadata KEY=VALUE (repeatable)'
            cand --unset-metadata 'Remove metadata KEY (repeatable)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;customers;help'= {
            cand create 'Create a customer (asks first when the email is already used)'
            cand list 'List customers, every page'
            cand show 'Show a customer with its subscriptions, tier, access, payment state and API-key count'
            cand update 'Change a customer''s email, name or metadata'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;customers;help;create'= {
        }
        &'billctl;customers;help;list'= {
        }
        &'billctl;customers;help;show'= {
        }
        &'billctl;customers;help;update'= {
        }
        &'billctl;customers;help;help'= {
        }
        &'billctl;payment-methods'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List a customer''s payment methods (brand and last four only)'
            cand attach 'Attach a payment method to a customer (in test mode, Stripe''s test methods such as pm_card_visa; billctl never takes card numbers)'
            cand detach 'Detach a payment method from its customer'
            cand default 'Make a payment method the customer''s default for invoices'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;payment-methods;list'= {
            cand --customer 'Customer id (cus_...)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;payment-methods;attach'= {
            cand --customer 'Customer id (cus_...)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --default 'Also make it the customer''s default for invoices'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;payment-methods;detach'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;payment-methods;default'= {
            cand --customer 'Customer id (cus_...)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;payment-methods;help'= {
            cand list 'List a customer''s payment methods (brand and last four only)'
            cand attach 'Attach a payment method to a customer (in test mode, Stripe''s test methods such as pm_card_visa; billctl never takes card numbers)'
            cand detach 'Detach a payment method from its customer'
            cand default 'Make a payment method the customer''s default for invoices'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;payment-methods;help;list'= {
        }
        &'billctl;payment-methods;help;attach'= {
        }
        &'billctl;payment-methods;help;detach'= {
        }
        &'billctl;payment-methods;help;default'= {
        }
        &'billctl;payment-methods;help;help'= {
        }
        &'billctl;portal'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a billing portal session and print its URL (valid for a short while)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;portal;create'= {
            cand --customer 'Customer id (cus_...)'
            cand --return-url 'Where the portal''s return link goes [default: portal.return_url in the config]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;portal;help'= {
            cand create 'Create a billing portal session and print its URL (valid for a short while)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;portal;help;create'= {
        }
        &'billctl;portal;help;help'= {
        }
        &'billctl;subscriptions'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Subscribe a customer to a tier (refused if the customer already has one: use change)'
            cand change 'Move a subscription to another tier (upgrade or downgrade)'
            cand cancel 'Cancel a subscription now, or at the end of its period (asks first)'
            cand resume 'Undo a cancellation at the period end, before the period ends'
            cand list 'List subscriptions from Stripe, every page'
            cand show 'Show one subscription, with its access and dunning state'
            cand sync 'Refresh the local mirror of customers and subscriptions from Stripe'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;subscriptions;create'= {
            cand --customer 'Customer id (cus_...)'
            cand --tier 'Tier id from the config (pro, team, enterprise...)'
            cand --quantity 'Seats (units) of the tier''s price, 1 to the tier''s max_quantity in the config (a tier without one is sold one at a time) [default: 1 for a new subscription; a change keeps the subscription''s]'
            cand --trial-days 'Days of free trial [default: the tier''s trial_days in the config, else none]'
            cand --collection 'How the invoices are paid: charged to the default payment method, or sent to the customer to pay by a due date'
            cand --days-until-due 'With --collection invoice: days the customer has to pay each invoice'
            cand --payment-behavior 'What to do when the first payment does not go through'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;subscriptions;change'= {
            cand --tier 'The tier to move to [default: the one it is on, with --quantity]'
            cand --quantity 'Seats (units) of the tier''s price, 1 to the tier''s max_quantity in the config (a tier without one is sold one at a time) [default: 1 for a new subscription; a change keeps the subscription''s]'
            cand --proration 'How to bill the change'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;subscriptions;cancel'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --at-period-end 'Keep it until the end of the current period instead of ending it now'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;subscriptions;resume'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;subscriptions;list'= {
            cand --customer 'Only this customer''s subscriptions'
            cand --tier 'Only subscriptions on this tier ("unknown" for prices outside the catalog)'
            cand --status 'Only these Stripe statuses, comma-separated (active, past_due, unpaid, trialing, incomplete, canceled...); default: all'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;subscriptions;show'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;subscriptions;sync'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --backfill-history 'Also build the subscription history (for `revenue`) from Stripe: the last 30 days from its events, older changes from each subscription''s start date and canceled times; only before what the history already holds'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;subscriptions;help'= {
            cand create 'Subscribe a customer to a tier (refused if the customer already has one: use change)'
            cand change 'Move a subscription to another tier (upgrade or downgrade)'
            cand cancel 'Cancel a subscription now, or at the end of its period (asks first)'
            cand resume 'Undo a cancellation at the period end, before the period ends'
            cand list 'List subscriptions from Stripe, every page'
            cand show 'Show one subscription, with its access and dunning state'
            cand sync 'Refresh the local mirror of customers and subscriptions from Stripe'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;subscriptions;help;create'= {
        }
        &'billctl;subscriptions;help;change'= {
        }
        &'billctl;subscriptions;help;cancel'= {
        }
        &'billctl;subscriptions;help;resume'= {
        }
        &'billctl;subscriptions;help;list'= {
        }
        &'billctl;subscriptions;help;show'= {
        }
        &'billctl;subscriptions;help;sync'= {
        }
        &'billctl;subscriptions;help;help'= {
        }
        &'billctl;checkout'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a Checkout Session for a tier and print its URL'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;checkout;create'= {
            cand --tier 'Tier id from the config (needed in subscription mode)'
            cand --quantity 'Seats (units) of the tier''s price, 1 to the tier''s max_quantity in the config (a tier without one is sold one at a time) [default: 1 for a new subscription; a change keeps the subscription''s]'
            cand --customer 'An existing customer (cus_...)'
            cand --email 'Email for a new customer, created by Stripe when they pay'
            cand --client-reference-id 'Your own reference, returned on the session and its webhook'
            cand --mode 'subscription: the customer subscribes to the tier; setup: the customer only enters a card for later charges (needs --customer)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;checkout;help'= {
            cand create 'Create a Checkout Session for a tier and print its URL'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;checkout;help;create'= {
        }
        &'billctl;checkout;help;help'= {
        }
        &'billctl;keys'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand issue 'Issue a key to a customer; the key is printed once and never again'
            cand list 'List keys (never their secrets)'
            cand show 'Show one key''s record'
            cand revoke 'Revoke keys now (asks first)'
            cand rotate 'Replace a key: the new one copies name, customer and expiry policy; the old one keeps working until the grace period ends'
            cand verify 'Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;keys;issue'= {
            cand --customer 'Customer id (cus_...)'
            cand --name 'A name to tell keys apart ("production", "ci")'
            cand --expires-in 'Lifetime, like 90d, 12h or 2w (at most 100 years); default: no expiry'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;keys;list'= {
            cand --customer 'Only this customer''s keys'
            cand --status 'Only keys in this state'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;keys;show'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;keys;revoke'= {
            cand --reason 'Why, for the audit log'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;keys;rotate'= {
            cand --grace 'How long the old key keeps working, like 24h or 0s'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;keys;verify'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --record 'Also record one usage event when the key is valid'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;keys;help'= {
            cand issue 'Issue a key to a customer; the key is printed once and never again'
            cand list 'List keys (never their secrets)'
            cand show 'Show one key''s record'
            cand revoke 'Revoke keys now (asks first)'
            cand rotate 'Replace a key: the new one copies name, customer and expiry policy; the old one keeps working until the grace period ends'
            cand verify 'Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;keys;help;issue'= {
        }
        &'billctl;keys;help;list'= {
        }
        &'billctl;keys;help;show'= {
        }
        &'billctl;keys;help;revoke'= {
        }
        &'billctl;keys;help;rotate'= {
        }
        &'billctl;keys;help;verify'= {
        }
        &'billctl;keys;help;help'= {
        }
        &'billctl;audit'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List audit entries, oldest first'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;audit;list'= {
            cand --since 'Only entries since this time: RFC 3339, a date (2026-11-24), unix seconds, or an age like 7d'
            cand --action 'Only this action (key.issue, key.rotate, key.revoke, catalog.apply)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;audit;help'= {
            cand list 'List audit entries, oldest first'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;audit;help;list'= {
        }
        &'billctl;audit;help;help'= {
        }
        &'billctl;usage'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand record 'Record one usage event for a key'
            cand import 'Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)'
            cand report 'Usage against each tier''s quota for a billing period'
            cand alerts 'List customers at or above a share of their quota (exit 1 when any)'
            cand sync 'Send usage not yet sent to the Stripe meter, one event per customer and hour'
            cand reconcile 'Compare local daily totals per customer with Stripe''s meter summaries (exit 1 on any difference)'
            cand compact 'Drop raw events before a date, keeping rollups (and so reports) exact'
            cand conflicts 'List usage events refused because their source and id were taken by an event with other content, from any route, newest first (exit 1 when any is listed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;usage;record'= {
            cand --key 'Key id (the 8 characters after bk_test_ / bk_live_)'
            cand --quantity 'Units of usage'
            cand --at 'When the call happened: RFC 3339, a date, unix seconds, or an age like 5m [default: now]'
            cand --id 'Event id; an id already recorded with the same content is counted once, with other content it is a conflict (exit 1) [default: a new random id]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;usage;import'= {
            cand --format 'Input format [default: from the extension: .ndjson/.jsonl/.json or .csv]'
            cand --rejects 'Where --skip-invalid writes rejected lines, with reasons (JSON lines); an existing file is refused without --force, and the input itself and the store''s files always. If it cannot be written once the events are committed, the summary says so and the exit code is 3'
            cand --batch-size 'Events per transaction'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --derive-ids 'Give events without an id one made from a hash of their fields (key, customer, time in whole seconds, quantity, endpoint, meta, type). Two identical calls in the same second get the same id and count once: where that can happen, give each call its own id'
            cand --skip-invalid 'Commit the valid events and write the invalid ones to --rejects'
            cand --force 'Overwrite an existing --rejects file'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;usage;report'= {
            cand --customer 'Only this customer'
            cand --key 'Only this key id (its customer''s period and quota)'
            cand --period '`current` (each customer''s billing period, else the calendar month) or a month YYYY-MM'
            cand --from 'Start of an explicit period: RFC 3339, a date, unix seconds, or an age like 7d [default with --to: 1970-01-01]'
            cand --to 'End of an explicit period, exclusive (same forms as --from) [default with --from: now]'
            cand --by 'One row per customer, per key, or per day'
            cand --html 'Also write one self-contained HTML page (no network): the usage section of `billctl dashboard`, with a chart per customer (cumulative usage by day, quota, today, projection)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --csv 'Print CSV instead of a table'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;usage;alerts'= {
            cand --threshold 'Percent of the quota at or above which a customer is listed (100 = over quota)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;usage;sync'= {
            cand --since 'Oldest usage to consider: RFC 3339, a date, unix seconds, or an age like 7d [default: Stripe''s limit, 35 days ago]'
            cand --rate 'Meter events per second at most [default: usage.sync_rate in the config, else 25]'
            cand --concurrency 'Requests in flight at once'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --dry-run 'Show what would be sent; send and record nothing'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;usage;reconcile'= {
            cand --from 'First UTC day: a date (2026-11-24), or any time (RFC 3339, unix seconds, an age like 30d) within it [default: 30 days before --to]'
            cand --to 'Day after the last one compared (exclusive; same forms as --from) [default: tomorrow]'
            cand --customer 'Only this customer'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;usage;compact'= {
            cand --before 'Drop raw events before this UTC day: a date (2026-11-24), or any time within it (RFC 3339, unix seconds, an age like 60d); it must be older than the dedup window'
            cand --batch-size 'Events deleted per transaction'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;usage;conflicts'= {
            cand --customer 'Only conflicts where either event is this customer''s'
            cand --source 'Only events from this source (a CloudEvent''s `source`; '''' is the events that name none)'
            cand --id 'Only this event id'
            cand --route 'Only this route: usage import, usage record, /v1/usage/events, /api/v1/events, keys verify'
            cand --since 'Only conflicts last seen at or after this time: RFC 3339, a date, unix seconds, or an age like 7d'
            cand --limit 'The newest N'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;usage;help'= {
            cand record 'Record one usage event for a key'
            cand import 'Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)'
            cand report 'Usage against each tier''s quota for a billing period'
            cand alerts 'List customers at or above a share of their quota (exit 1 when any)'
            cand sync 'Send usage not yet sent to the Stripe meter, one event per customer and hour'
            cand reconcile 'Compare local daily totals per customer with Stripe''s meter summaries (exit 1 on any difference)'
            cand compact 'Drop raw events before a date, keeping rollups (and so reports) exact'
            cand conflicts 'List usage events refused because their source and id were taken by an event with other content, from any route, newest first (exit 1 when any is listed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;usage;help;record'= {
        }
        &'billctl;usage;help;import'= {
        }
        &'billctl;usage;help;report'= {
        }
        &'billctl;usage;help;alerts'= {
        }
        &'billctl;usage;help;sync'= {
        }
        &'billctl;usage;help;reconcile'= {
        }
        &'billctl;usage;help;compact'= {
        }
        &'billctl;usage;help;conflicts'= {
        }
        &'billctl;usage;help;help'= {
        }
        &'billctl;revenue'= {
            cand --as-of 'Report as of the end of this UTC day (default: now): MRR then, and its month''s movements up to it'
            cand --by 'tier: MRR and subscribers by tier; month: MRR and movements month by month'
            cand --from 'First month of --by month (YYYY-MM; default: eleven months before --to)'
            cand --to 'Last month of --by month (YYYY-MM; default: the month of --as-of)'
            cand --html 'Also write a self-contained HTML page with SVG charts (MRR by month stacked by tier, subscribers by tier) to FILE'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --csv 'Print CSV instead of a table'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;dashboard'= {
            cand --out 'Write the page to FILE (mode 0600) instead of stdout'
            cand --period 'The usage section''s billing period: `current` (each customer''s) or a month YYYY-MM'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand listen 'Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply'
            cand ingest 'Store events from a file (one JSON event or NDJSON, ''-'' for stdin) and apply them, as listen would (no signature: the file is trusted). Exits 1 if an event failed or an id is stored with another body (a conflict: the stored event stays)'
            cand reprocess 'Re-apply stored events, oldest first (all matching, or only --failed)'
            cand list 'List stored events (or rejected requests with --status rejected, conflicts with --status conflict), oldest first'
            cand show 'Show one stored event: its outcome, the requests that brought it, replays, and the payload'
            cand verify 'Check a Stripe-Signature header against a body read from stdin (for debugging)'
            cand replay 'POST stored events to a URL again, each re-signed with a fresh timestamp'
            cand backfill 'Page through Stripe''s /v1/events (kept 30 days) and store and apply the events this store lacks, oldest first: after listen was down, then ''replay'' pushes them on. Where the store holds another body under an id, Stripe''s copy replaces and is applied (the other kept as a conflict; exits 1)'
            cand endpoint 'Register, list and delete the Stripe webhook endpoints billctl receives on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;webhooks;listen'= {
            cand --bind 'Address to listen on (port 0 picks a free one; the address is printed first)'
            cand --path 'URL path that receives deliveries'
            cand --secret-env 'Environment variable holding an endpoint secret (whsec_...); repeat it during a rotation. Default: the secrets ''webhooks endpoint create'' kept (the keyring, else the data dir''s secret file with [webhooks] secret_file)'
            cand --tolerance 'Seconds the signature''s timestamp may be from now'
            cand --max-body 'Largest body accepted, in bytes (larger ones get 413)'
            cand --max-rejected 'Refused requests kept at most, for ''webhooks list --status rejected'' (oldest dropped first): time, peer, path, status, reason and allow-listed headers; an unsigned or badly signed body only as its length and SHA-256, never the body'
            cand --rejected-retention 'How long refused requests are kept (older ones are dropped as new requests are stored)'
            cand --max-connections 'Connections at once; past it, the connection idle longest (or in its TLS handshake) is closed to make room, else the unfinished head begun longest ago (never a request in flight), else a new one is answered 503. serve keeps 8 more slots that answer only /healthz and /readyz; webhooks listen has no probes, so its 8 answer only 503. A connection costs 10 to 40 KB; one with an unfinished head of 64 KiB, about 90 KB'
            cand --header-timeout 'Time to read a request''s headers: from accept for a connection''s first request, from its first byte for a later one (and to finish a TLS handshake, on a TLS server)'
            cand --body-timeout 'Time to read a request''s body; after 2 s, a body coming slower than 16 KiB/s on average is cut off too (408)'
            cand --request-timeout 'Time for a whole request, answer included'
            cand --idle-timeout 'A keep-alive connection without a request is closed after this (apart from --header-timeout, which starts at a request''s first byte)'
            cand --max-body-memory 'Bytes of request bodies held in memory at once, all connections together, counted as they come, for admitted requests of routes that take a body; each body''s first 64 KiB are its connection''s own and not counted (at most --max-connections × 64 KiB more in all). One caller (an address; on a Unix socket, a process) holds at most a quarter of it, or --max-body if more. Past it a request is answered 503 with Retry-After and nothing recorded. At least --max-body'
            cand --log-format 'Logs on stderr: text (access lines at -v), or json (one object per request and notice: time, level, request id, route, status, duration, outcome)'
            cand --tls-cert 'PEM certificate chain for HTTPS (re-read with the key on SIGHUP; an expired or not yet valid certificate is refused)'
            cand --tls-key 'PEM private key for HTTPS'
            cand --metrics-path 'URL path of the Prometheus metrics (deliveries, refusals, apply outcomes and lag, group commits, connections), for a service token with the read scope (''billctl serve tokens issue''); empty: none'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --refetch 'Apply the object as Stripe has it now (fetched with the Stripe key) instead of the event''s copy'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;ingest'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --refetch 'Apply the objects as Stripe has them now instead of the events'' copies'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;reprocess'= {
            cand --type 'Only event types matching this glob (customer.subscription.*, invoice.*)'
            cand --since 'Only events created since: RFC 3339, a date, unix seconds, or an age like 72h'
            cand --until 'Only events created before this time (same forms as --since)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --failed 'Only events whose last apply failed'
            cand --refetch 'Apply the objects as Stripe has them now instead of the events'' copies'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;list'= {
            cand --type 'Only event types matching this glob (customer.subscription.*, invoice.*)'
            cand --since 'Only events created since: RFC 3339, a date, unix seconds, or an age like 72h'
            cand --until 'Only events created before this time (same forms as --since)'
            cand --status 'Only events with this outcome, or the rejected requests, or the conflicts (bodies kept apart from the stored event of their id)'
            cand --limit 'At most this many rows (the oldest matching)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;show'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;verify'= {
            cand --secret-env 'Environment variable holding an endpoint secret (whsec_...); repeat it for the secrets of a rotation. Secrets never go on the command line'
            cand --header 'The Stripe-Signature header value (t=...,v1=...)'
            cand --tolerance 'Seconds the signature''s timestamp may be from now'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;replay'= {
            cand --type 'Only event types matching this glob (customer.subscription.*, invoice.*)'
            cand --since 'Only events created since: RFC 3339, a date, unix seconds, or an age like 72h'
            cand --until 'Only events created before this time (same forms as --since)'
            cand --to 'Where to POST (http:// or https://); with --resume, the run''s URL is used'
            cand --secret-env 'Environment variable holding the secret to sign with (whsec_...). Default: the first webhook secret in the keyring'
            cand --concurrency 'Deliveries in flight at once'
            cand --rate 'At most this many deliveries per second (N or N/s)'
            cand --timeout 'Seconds to wait for each answer'
            cand --resume 'Continue run RUN_ID: same URL and selection, skipping events it delivered'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --include-unverified 'Also send events that came in through ''webhooks ingest'' (their origin was never verified; they are signed with the endpoint secret all the same)'
            cand --failed 'Only events whose last apply failed'
            cand --dry-run 'List what would be sent, send nothing'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;backfill'= {
            cand --since 'How far back: an age like 72h or 7d, a date, unix seconds or RFC 3339 (Stripe keeps events for 30 days)'
            cand --type 'Only event types matching this glob (customer.subscription.*)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --no-apply 'Store the missing events without applying them'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;endpoint'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a Stripe webhook endpoint for the event types billctl applies, and keep its signing secret in the keyring (listen and replay use it from there)'
            cand list 'List the account''s webhook endpoints'
            cand delete 'Delete a webhook endpoint (asks first) and forget its secret'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;webhooks;endpoint;create'= {
            cand --url 'The public URL Stripe will POST to (https://.../stripe/webhooks)'
            cand --description 'A description shown in the Stripe Dashboard'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;endpoint;list'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;endpoint;delete'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;webhooks;endpoint;help'= {
            cand create 'Create a Stripe webhook endpoint for the event types billctl applies, and keep its signing secret in the keyring (listen and replay use it from there)'
            cand list 'List the account''s webhook endpoints'
            cand delete 'Delete a webhook endpoint (asks first) and forget its secret'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;webhooks;endpoint;help;create'= {
        }
        &'billctl;webhooks;endpoint;help;list'= {
        }
        &'billctl;webhooks;endpoint;help;delete'= {
        }
        &'billctl;webhooks;endpoint;help;help'= {
        }
        &'billctl;webhooks;help'= {
            cand listen 'Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply'
            cand ingest 'Store events from a file (one JSON event or NDJSON, ''-'' for stdin) and apply them, as listen would (no signature: the file is trusted). Exits 1 if an event failed or an id is stored with another body (a conflict: the stored event stays)'
            cand reprocess 'Re-apply stored events, oldest first (all matching, or only --failed)'
            cand list 'List stored events (or rejected requests with --status rejected, conflicts with --status conflict), oldest first'
            cand show 'Show one stored event: its outcome, the requests that brought it, replays, and the payload'
            cand verify 'Check a Stripe-Signature header against a body read from stdin (for debugging)'
            cand replay 'POST stored events to a URL again, each re-signed with a fresh timestamp'
            cand backfill 'Page through Stripe''s /v1/events (kept 30 days) and store and apply the events this store lacks, oldest first: after listen was down, then ''replay'' pushes them on. Where the store holds another body under an id, Stripe''s copy replaces and is applied (the other kept as a conflict; exits 1)'
            cand endpoint 'Register, list and delete the Stripe webhook endpoints billctl receives on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;webhooks;help;listen'= {
        }
        &'billctl;webhooks;help;ingest'= {
        }
        &'billctl;webhooks;help;reprocess'= {
        }
        &'billctl;webhooks;help;list'= {
        }
        &'billctl;webhooks;help;show'= {
        }
        &'billctl;webhooks;help;verify'= {
        }
        &'billctl;webhooks;help;replay'= {
        }
        &'billctl;webhooks;help;backfill'= {
        }
        &'billctl;webhooks;help;endpoint'= {
            cand create 'Create a Stripe webhook endpoint for the event types billctl applies, and keep its signing secret in the keyring (listen and replay use it from there)'
            cand list 'List the account''s webhook endpoints'
            cand delete 'Delete a webhook endpoint (asks first) and forget its secret'
        }
        &'billctl;webhooks;help;endpoint;create'= {
        }
        &'billctl;webhooks;help;endpoint;list'= {
        }
        &'billctl;webhooks;help;endpoint;delete'= {
        }
        &'billctl;webhooks;help;help'= {
        }
        &'billctl;invoices'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List a customer''s invoices, newest first'
            cand show 'Show one invoice, with why its payment failed when it did'
            cand pay 'Charge an open invoice now (asks first: money moves)'
            cand void 'Void an open invoice for good (asks first)'
            cand send 'E-mail an open send-invoice invoice to the customer'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;invoices;list'= {
            cand --customer 'Customer id (cus_...)'
            cand --status 'Only invoices with this status'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;invoices;show'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;invoices;pay'= {
            cand --payment-method 'Charge this payment method instead of the default (pm_...)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;invoices;void'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;invoices;send'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;invoices;help'= {
            cand list 'List a customer''s invoices, newest first'
            cand show 'Show one invoice, with why its payment failed when it did'
            cand pay 'Charge an open invoice now (asks first: money moves)'
            cand void 'Void an open invoice for good (asks first)'
            cand send 'E-mail an open send-invoice invoice to the customer'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;invoices;help;list'= {
        }
        &'billctl;invoices;help;show'= {
        }
        &'billctl;invoices;help;pay'= {
        }
        &'billctl;invoices;help;void'= {
        }
        &'billctl;invoices;help;send'= {
        }
        &'billctl;invoices;help;help'= {
        }
        &'billctl;auth'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand login 'Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)'
            cand status 'Show which key is in use: source, store (and whether a reboot clears it), mode, type and last 4 characters (exit 1 if none)'
            cand logout 'Remove the stored key of the profile from the OS keyring'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;auth;login'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --stdin 'Read the key from the first line of stdin instead of prompting'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;auth;status'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;auth;logout'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;auth;help'= {
            cand login 'Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)'
            cand status 'Show which key is in use: source, store (and whether a reboot clears it), mode, type and last 4 characters (exit 1 if none)'
            cand logout 'Remove the stored key of the profile from the OS keyring'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;auth;help;login'= {
        }
        &'billctl;auth;help;status'= {
        }
        &'billctl;auth;help;logout'= {
        }
        &'billctl;auth;help;help'= {
        }
        &'billctl;db'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Show both store files'' paths, schema versions and row counts'
            cand backup 'Back up both store files (billctl.db and webhooks.db), consistently, into a new directory'
            cand restore 'Restore both store files from a backup directory (asks first; keeps the current state)'
            cand migrate 'Apply the store''s migrations (SQLite, or Postgres under an advisory lock)'
            cand copy 'Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;db;status'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;db;backup'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --force 'Replace an earlier billctl backup at the destination (asks first; never anything else)'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;db;restore'= {
            cand --wait 'Wait up to this long (like 30s or 5m) for other billctl processes to close the store, instead of refusing at once'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --check 'Check the backup as a restore would (manifest, checksums, integrity, foreign keys, schema, migration) and change nothing'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;db;migrate'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;db;copy'= {
            cand --to 'Copy the SQLite store in the data dir into this empty Postgres database (postgres://user@host/db, no password: set BILLCTL_DATABASE_PASSWORD)'
            cand --from 'Copy this Postgres database into the empty SQLite store in the data dir'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;db;help'= {
            cand status 'Show both store files'' paths, schema versions and row counts'
            cand backup 'Back up both store files (billctl.db and webhooks.db), consistently, into a new directory'
            cand restore 'Restore both store files from a backup directory (asks first; keeps the current state)'
            cand migrate 'Apply the store''s migrations (SQLite, or Postgres under an advisory lock)'
            cand copy 'Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;db;help;status'= {
        }
        &'billctl;db;help;backup'= {
        }
        &'billctl;db;help;restore'= {
        }
        &'billctl;db;help;migrate'= {
        }
        &'billctl;db;help;copy'= {
        }
        &'billctl;db;help;help'= {
        }
        &'billctl;serve'= {
            cand --listen 'Where to listen: ADDR:PORT (port 0 picks a free one; the address is printed first) or unix:PATH. An address outside loopback needs --tls-cert and --tls-key, or --plain-http'
            cand --tls-cert 'PEM certificate chain for HTTPS (re-read with the key on SIGHUP; an expired or not yet valid certificate is refused)'
            cand --tls-key 'PEM private key for HTTPS'
            cand --refresh 'How stale cached keys, customers and tokens may be: a revocation or tier change made elsewhere is seen within this'
            cand --max-events 'Most usage events in one request (POST /v1/usage/events, POST /api/v1/events); more get 413'
            cand --max-body 'Largest body accepted, in bytes (larger ones get 413)'
            cand --max-connections 'Connections at once; past it, the connection idle longest (or in its TLS handshake) is closed to make room, else the unfinished head begun longest ago (never a request in flight), else a new one is answered 503. serve keeps 8 more slots that answer only /healthz and /readyz; webhooks listen has no probes, so its 8 answer only 503. A connection costs 10 to 40 KB; one with an unfinished head of 64 KiB, about 90 KB'
            cand --header-timeout 'Time to read a request''s headers: from accept for a connection''s first request, from its first byte for a later one (and to finish a TLS handshake, on a TLS server)'
            cand --body-timeout 'Time to read a request''s body; after 2 s, a body coming slower than 16 KiB/s on average is cut off too (408)'
            cand --request-timeout 'Time for a whole request, answer included'
            cand --idle-timeout 'A keep-alive connection without a request is closed after this (apart from --header-timeout, which starts at a request''s first byte)'
            cand --max-body-memory 'Bytes of request bodies held in memory at once, all connections together, counted as they come, for admitted requests of routes that take a body; each body''s first 64 KiB are its connection''s own and not counted (at most --max-connections × 64 KiB more in all). One caller (an address; on a Unix socket, a process) holds at most a quarter of it, or --max-body if more. Past it a request is answered 503 with Retry-After and nothing recorded. At least --max-body'
            cand --log-format 'Logs on stderr: text (access lines at -v), or json (one object per request and notice: time, level, request id, route, status, duration, outcome)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --plain-http 'Serve plain HTTP on an address outside loopback (API keys and tokens then cross the network in clear: only behind a TLS-terminating proxy on a private network)'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand tokens 'Issue, list and revoke the service tokens callers of ''serve'' authenticate with'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;serve;tokens'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand issue 'Issue a token; it is printed once and never again (billctl keeps only its hash)'
            cand list 'List tokens (never their secrets)'
            cand revoke 'Revoke a token by id or name (asks first); serve refuses it within its refresh interval'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;serve;tokens;issue'= {
            cand --name 'A name to tell tokens apart ("api-gateway", "web-app"); one token in use per name'
            cand --scope 'What the token may do: verify (POST /v1/keys/verify, /v2/keys.verifyKey), usage (POST /v1/usage/events, /api/v1/events), read (GET /v1/customers/{id}/usage, GET /metrics of serve and of webhooks listen), self-service (a customer''s account, usage, keys, portal, checkout and plan); repeat it or separate with commas'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;serve;tokens;list'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;serve;tokens;revoke'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;serve;tokens;help'= {
            cand issue 'Issue a token; it is printed once and never again (billctl keeps only its hash)'
            cand list 'List tokens (never their secrets)'
            cand revoke 'Revoke a token by id or name (asks first); serve refuses it within its refresh interval'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;serve;tokens;help;issue'= {
        }
        &'billctl;serve;tokens;help;list'= {
        }
        &'billctl;serve;tokens;help;revoke'= {
        }
        &'billctl;serve;tokens;help;help'= {
        }
        &'billctl;serve;help'= {
            cand tokens 'Issue, list and revoke the service tokens callers of ''serve'' authenticate with'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;serve;help;tokens'= {
            cand issue 'Issue a token; it is printed once and never again (billctl keeps only its hash)'
            cand list 'List tokens (never their secrets)'
            cand revoke 'Revoke a token by id or name (asks first); serve refuses it within its refresh interval'
        }
        &'billctl;serve;help;tokens;issue'= {
        }
        &'billctl;serve;help;tokens;list'= {
        }
        &'billctl;serve;help;tokens;revoke'= {
        }
        &'billctl;serve;help;help'= {
        }
        &'billctl;doctor'= {
            cand --integrity-timeout 'How long the store''s integrity check may run (SQLite quick_check on a large store); past it the check is a warning, not a verdict; 0 leaves it out (also a warning)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;completions'= {
            cand --man 'Write a man page for every command and subcommand into DIR instead (billctl.1, billctl-keys.1, billctl-keys-issue.1, ...; created if missing)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]'
            cand --data-dir 'Directory of the local store [default: $XDG_DATA_HOME/billctl]'
            cand --profile 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]'
            cand --color 'When to color tables'
            cand --json 'Print one JSON document (or JSON lines for streams) instead of tables'
            cand -q 'Print only data and errors'
            cand --quiet 'Print only data and errors'
            cand -v 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand --verbose 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged'
            cand -y 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --yes 'Answer yes to confirmations (with a live-mode key, only together with --live)'
            cand --live 'Allow writes with a live-mode Stripe key'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'billctl;help'= {
            cand setup-products 'Create or update the products and prices in Stripe to match the config'
            cand prices 'Check and list the configured prices against Stripe'
            cand customers 'Create, update, list and show customers'
            cand payment-methods 'List, attach, detach and choose customers'' payment methods'
            cand portal 'Create a Stripe billing portal link, where a customer manages cards, invoices and plan'
            cand subscriptions 'Create, change, cancel, list and sync subscriptions'
            cand checkout 'Create Stripe Checkout links for a tier'
            cand keys 'Issue, list, rotate, revoke and verify API keys (stored only as hashes)'
            cand audit 'Read the audit log of administrative actions'
            cand usage 'Record, import and report API usage; alert on quotas; sync to Stripe meters; compact'
            cand revenue 'Revenue: MRR by tier and currency, subscribers, ARPA and the month''s movements'
            cand dashboard 'Write the billing dashboard: one self-contained HTML page (revenue, subscribers, usage against quota with a chart per customer, API keys, webhooks)'
            cand webhooks 'Receive, store, apply, list, replay and backfill Stripe webhooks; manage the endpoint'
            cand invoices 'List, show, pay, void and send invoices'
            cand auth 'Store, inspect or remove the Stripe key in the OS keyring'
            cand db 'Inspect or back up the local store'
            cand serve 'Serve key verification, quotas and usage over HTTP to API services in any language'
            cand doctor 'Check the whole setup: Stripe key, clock, catalog, webhook endpoint and deliveries, mirror, meters, store (schema, integrity, disk) and keys; exit 0 all ok, 1 any warning or failure, 2 if doctor itself could not run'
            cand completions 'Print a shell completion script, or write man pages (--man DIR)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'billctl;help;setup-products'= {
        }
        &'billctl;help;prices'= {
            cand check 'Verify every tier''s lookup key resolves to an active price of the configured amount, currency and interval on an active product (exit 1 on drift)'
            cand list 'Show the configured prices beside what Stripe has'
        }
        &'billctl;help;prices;check'= {
        }
        &'billctl;help;prices;list'= {
        }
        &'billctl;help;customers'= {
            cand create 'Create a customer (asks first when the email is already used)'
            cand list 'List customers, every page'
            cand show 'Show a customer with its subscriptions, tier, access, payment state and API-key count'
            cand update 'Change a customer''s email, name or metadata'
        }
        &'billctl;help;customers;create'= {
        }
        &'billctl;help;customers;list'= {
        }
        &'billctl;help;customers;show'= {
        }
        &'billctl;help;customers;update'= {
        }
        &'billctl;help;payment-methods'= {
            cand list 'List a customer''s payment methods (brand and last four only)'
            cand attach 'Attach a payment method to a customer (in test mode, Stripe''s test methods such as pm_card_visa; billctl never takes card numbers)'
            cand detach 'Detach a payment method from its customer'
            cand default 'Make a payment method the customer''s default for invoices'
        }
        &'billctl;help;payment-methods;list'= {
        }
        &'billctl;help;payment-methods;attach'= {
        }
        &'billctl;help;payment-methods;detach'= {
        }
        &'billctl;help;payment-methods;default'= {
        }
        &'billctl;help;portal'= {
            cand create 'Create a billing portal session and print its URL (valid for a short while)'
        }
        &'billctl;help;portal;create'= {
        }
        &'billctl;help;subscriptions'= {
            cand create 'Subscribe a customer to a tier (refused if the customer already has one: use change)'
            cand change 'Move a subscription to another tier (upgrade or downgrade)'
            cand cancel 'Cancel a subscription now, or at the end of its period (asks first)'
            cand resume 'Undo a cancellation at the period end, before the period ends'
            cand list 'List subscriptions from Stripe, every page'
            cand show 'Show one subscription, with its access and dunning state'
            cand sync 'Refresh the local mirror of customers and subscriptions from Stripe'
        }
        &'billctl;help;subscriptions;create'= {
        }
        &'billctl;help;subscriptions;change'= {
        }
        &'billctl;help;subscriptions;cancel'= {
        }
        &'billctl;help;subscriptions;resume'= {
        }
        &'billctl;help;subscriptions;list'= {
        }
        &'billctl;help;subscriptions;show'= {
        }
        &'billctl;help;subscriptions;sync'= {
        }
        &'billctl;help;checkout'= {
            cand create 'Create a Checkout Session for a tier and print its URL'
        }
        &'billctl;help;checkout;create'= {
        }
        &'billctl;help;keys'= {
            cand issue 'Issue a key to a customer; the key is printed once and never again'
            cand list 'List keys (never their secrets)'
            cand show 'Show one key''s record'
            cand revoke 'Revoke keys now (asks first)'
            cand rotate 'Replace a key: the new one copies name, customer and expiry policy; the old one keeps working until the grace period ends'
            cand verify 'Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid'
        }
        &'billctl;help;keys;issue'= {
        }
        &'billctl;help;keys;list'= {
        }
        &'billctl;help;keys;show'= {
        }
        &'billctl;help;keys;revoke'= {
        }
        &'billctl;help;keys;rotate'= {
        }
        &'billctl;help;keys;verify'= {
        }
        &'billctl;help;audit'= {
            cand list 'List audit entries, oldest first'
        }
        &'billctl;help;audit;list'= {
        }
        &'billctl;help;usage'= {
            cand record 'Record one usage event for a key'
            cand import 'Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)'
            cand report 'Usage against each tier''s quota for a billing period'
            cand alerts 'List customers at or above a share of their quota (exit 1 when any)'
            cand sync 'Send usage not yet sent to the Stripe meter, one event per customer and hour'
            cand reconcile 'Compare local daily totals per customer with Stripe''s meter summaries (exit 1 on any difference)'
            cand compact 'Drop raw events before a date, keeping rollups (and so reports) exact'
            cand conflicts 'List usage events refused because their source and id were taken by an event with other content, from any route, newest first (exit 1 when any is listed)'
        }
        &'billctl;help;usage;record'= {
        }
        &'billctl;help;usage;import'= {
        }
        &'billctl;help;usage;report'= {
        }
        &'billctl;help;usage;alerts'= {
        }
        &'billctl;help;usage;sync'= {
        }
        &'billctl;help;usage;reconcile'= {
        }
        &'billctl;help;usage;compact'= {
        }
        &'billctl;help;usage;conflicts'= {
        }
        &'billctl;help;revenue'= {
        }
        &'billctl;help;dashboard'= {
        }
        &'billctl;help;webhooks'= {
            cand listen 'Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply'
            cand ingest 'Store events from a file (one JSON event or NDJSON, ''-'' for stdin) and apply them, as listen would (no signature: the file is trusted). Exits 1 if an event failed or an id is stored with another body (a conflict: the stored event stays)'
            cand reprocess 'Re-apply stored events, oldest first (all matching, or only --failed)'
            cand list 'List stored events (or rejected requests with --status rejected, conflicts with --status conflict), oldest first'
            cand show 'Show one stored event: its outcome, the requests that brought it, replays, and the payload'
            cand verify 'Check a Stripe-Signature header against a body read from stdin (for debugging)'
            cand replay 'POST stored events to a URL again, each re-signed with a fresh timestamp'
            cand backfill 'Page through Stripe''s /v1/events (kept 30 days) and store and apply the events this store lacks, oldest first: after listen was down, then ''replay'' pushes them on. Where the store holds another body under an id, Stripe''s copy replaces and is applied (the other kept as a conflict; exits 1)'
            cand endpoint 'Register, list and delete the Stripe webhook endpoints billctl receives on'
        }
        &'billctl;help;webhooks;listen'= {
        }
        &'billctl;help;webhooks;ingest'= {
        }
        &'billctl;help;webhooks;reprocess'= {
        }
        &'billctl;help;webhooks;list'= {
        }
        &'billctl;help;webhooks;show'= {
        }
        &'billctl;help;webhooks;verify'= {
        }
        &'billctl;help;webhooks;replay'= {
        }
        &'billctl;help;webhooks;backfill'= {
        }
        &'billctl;help;webhooks;endpoint'= {
            cand create 'Create a Stripe webhook endpoint for the event types billctl applies, and keep its signing secret in the keyring (listen and replay use it from there)'
            cand list 'List the account''s webhook endpoints'
            cand delete 'Delete a webhook endpoint (asks first) and forget its secret'
        }
        &'billctl;help;webhooks;endpoint;create'= {
        }
        &'billctl;help;webhooks;endpoint;list'= {
        }
        &'billctl;help;webhooks;endpoint;delete'= {
        }
        &'billctl;help;invoices'= {
            cand list 'List a customer''s invoices, newest first'
            cand show 'Show one invoice, with why its payment failed when it did'
            cand pay 'Charge an open invoice now (asks first: money moves)'
            cand void 'Void an open invoice for good (asks first)'
            cand send 'E-mail an open send-invoice invoice to the customer'
        }
        &'billctl;help;invoices;list'= {
        }
        &'billctl;help;invoices;show'= {
        }
        &'billctl;help;invoices;pay'= {
        }
        &'billctl;help;invoices;void'= {
        }
        &'billctl;help;invoices;send'= {
        }
        &'billctl;help;auth'= {
            cand login 'Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)'
            cand status 'Show which key is in use: source, store (and whether a reboot clears it), mode, type and last 4 characters (exit 1 if none)'
            cand logout 'Remove the stored key of the profile from the OS keyring'
        }
        &'billctl;help;auth;login'= {
        }
        &'billctl;help;auth;status'= {
        }
        &'billctl;help;auth;logout'= {
        }
        &'billctl;help;db'= {
            cand status 'Show both store files'' paths, schema versions and row counts'
            cand backup 'Back up both store files (billctl.db and webhooks.db), consistently, into a new directory'
            cand restore 'Restore both store files from a backup directory (asks first; keeps the current state)'
            cand migrate 'Apply the store''s migrations (SQLite, or Postgres under an advisory lock)'
            cand copy 'Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums'
        }
        &'billctl;help;db;status'= {
        }
        &'billctl;help;db;backup'= {
        }
        &'billctl;help;db;restore'= {
        }
        &'billctl;help;db;migrate'= {
        }
        &'billctl;help;db;copy'= {
        }
        &'billctl;help;serve'= {
            cand tokens 'Issue, list and revoke the service tokens callers of ''serve'' authenticate with'
        }
        &'billctl;help;serve;tokens'= {
            cand issue 'Issue a token; it is printed once and never again (billctl keeps only its hash)'
            cand list 'List tokens (never their secrets)'
            cand revoke 'Revoke a token by id or name (asks first); serve refuses it within its refresh interval'
        }
        &'billctl;help;serve;tokens;issue'= {
        }
        &'billctl;help;serve;tokens;list'= {
        }
        &'billctl;help;serve;tokens;revoke'= {
        }
        &'billctl;help;doctor'= {
        }
        &'billctl;help;completions'= {
        }
        &'billctl;help;help'= {
        }
    ]
    $completions[$command]
}
