# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_billctl_global_optspecs
    string join \n config= data-dir= profile= json color= q/quiet v/verbose y/yes live h/help V/version
end

function __fish_billctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_billctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_billctl_using_subcommand
    set -l cmd (__fish_billctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c billctl -n "__fish_billctl_needs_command" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_needs_command" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_needs_command" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_needs_command" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_needs_command" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_needs_command" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_needs_command" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_needs_command" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_needs_command" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c billctl -n "__fish_billctl_needs_command" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "setup-products" -d 'Create or update the products and prices in Stripe to match the config'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "prices" -d 'Check and list the configured prices against Stripe'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "customers" -d 'Create, update, list and show customers'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "payment-methods" -d 'List, attach, detach and choose customers\' payment methods'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "portal" -d 'Create a Stripe billing portal link, where a customer manages cards, invoices and plan'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "subscriptions" -d 'Create, change, cancel, list and sync subscriptions'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "checkout" -d 'Create Stripe Checkout links for a tier'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "keys" -d 'Issue, list, rotate, revoke and verify API keys (stored only as hashes)'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "audit" -d 'Read the audit log of administrative actions'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "usage" -d 'Record, import and report API usage; alert on quotas; sync to Stripe meters; compact'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "revenue" -d 'Revenue: MRR by tier and currency, subscribers, ARPA and the month\'s movements'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "dashboard" -d 'Write the billing dashboard: one self-contained HTML page (revenue, subscribers, usage against quota with a chart per customer, API keys, webhooks)'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "webhooks" -d 'Receive, store, apply, list, replay and backfill Stripe webhooks; manage the endpoint'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "invoices" -d 'List, show, pay, void and send invoices'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "auth" -d 'Store, inspect or remove the Stripe key in the OS keyring'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "db" -d 'Inspect or back up the local store'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "serve" -d 'Serve key verification, quotas and usage over HTTP to API services in any language'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "doctor" -d 'Check the whole setup: Stripe key, clock, catalog, webhook endpoint and deliveries, mirror, meters, store (schema, integrity, disk) and keys; exit 0 all ok, 1 any warning or failure, 2 if doctor itself could not run'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "completions" -d 'Print a shell completion script, or write man pages (--man DIR)'
complete -c billctl -n "__fish_billctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -l write-env -d 'After applying, write PRICE_<TIER>=price_... lines to FILE for the application' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -l plan -d 'Print the plan and change nothing'
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -l prune -d 'Archive products (and their prices) of tiers no longer in the config'
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c billctl -n "__fish_billctl_using_subcommand setup-products" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -f -a "check" -d 'Verify every tier\'s lookup key resolves to an active price of the configured amount, currency and interval on an active product (exit 1 on drift)'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -f -a "list" -d 'Show the configured prices beside what Stripe has'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and not __fish_seen_subcommand_from check list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -l expect -d 'Also verify the application\'s env file: each PRICE_*=price_... must be that price' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from help" -f -a "check" -d 'Verify every tier\'s lookup key resolves to an active price of the configured amount, currency and interval on an active product (exit 1 on drift)'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show the configured prices beside what Stripe has'
complete -c billctl -n "__fish_billctl_using_subcommand prices; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -f -a "create" -d 'Create a customer (asks first when the email is already used)'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -f -a "list" -d 'List customers, every page'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -f -a "show" -d 'Show a customer with its subscriptions, tier, access, payment state and API-key count'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -f -a "update" -d 'Change a customer\'s email, name or metadata'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and not __fish_seen_subcommand_from create list show update help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -l email -d 'Email address' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -l name -d 'Name' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -l metadata -d 'Metadata as KEY=VALUE (repeatable)' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -l email -d 'Only customers with this exact email' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l email -d 'New email address' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l name -d 'New name' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l metadata -d 'Set metadata KEY=VALUE (repeatable)' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l unset-metadata -d 'Remove metadata KEY (repeatable)' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a customer (asks first when the email is already used)'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from help" -f -a "list" -d 'List customers, every page'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a customer with its subscriptions, tier, access, payment state and API-key count'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a customer\'s email, name or metadata'
complete -c billctl -n "__fish_billctl_using_subcommand customers; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -f -a "list" -d 'List a customer\'s payment methods (brand and last four only)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -f -a "attach" -d 'Attach a payment method to a customer (in test mode, Stripe\'s test methods such as pm_card_visa; billctl never takes card numbers)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -f -a "detach" -d 'Detach a payment method from its customer'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -f -a "default" -d 'Make a payment method the customer\'s default for invoices'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and not __fish_seen_subcommand_from list attach detach default help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -l customer -d 'Customer id (cus_...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -l customer -d 'Customer id (cus_...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -l default -d 'Also make it the customer\'s default for invoices'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from attach" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from detach" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -l customer -d 'Customer id (cus_...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from default" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from help" -f -a "list" -d 'List a customer\'s payment methods (brand and last four only)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from help" -f -a "attach" -d 'Attach a payment method to a customer (in test mode, Stripe\'s test methods such as pm_card_visa; billctl never takes card numbers)'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from help" -f -a "detach" -d 'Detach a payment method from its customer'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from help" -f -a "default" -d 'Make a payment method the customer\'s default for invoices'
complete -c billctl -n "__fish_billctl_using_subcommand payment-methods; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -f -a "create" -d 'Create a billing portal session and print its URL (valid for a short while)'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and not __fish_seen_subcommand_from create help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -l customer -d 'Customer id (cus_...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -l return-url -d 'Where the portal\'s return link goes [default: portal.return_url in the config]' -r
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a billing portal session and print its URL (valid for a short while)'
complete -c billctl -n "__fish_billctl_using_subcommand portal; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -f -a "create" -d 'Subscribe a customer to a tier (refused if the customer already has one: use change)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -f -a "change" -d 'Move a subscription to another tier (upgrade or downgrade)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -f -a "cancel" -d 'Cancel a subscription now, or at the end of its period (asks first)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -f -a "resume" -d 'Undo a cancellation at the period end, before the period ends'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -f -a "list" -d 'List subscriptions from Stripe, every page'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -f -a "show" -d 'Show one subscription, with its access and dunning state'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -f -a "sync" -d 'Refresh the local mirror of customers and subscriptions from Stripe'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and not __fish_seen_subcommand_from create change cancel resume list show sync help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l customer -d 'Customer id (cus_...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l tier -d 'Tier id from the config (pro, team, enterprise...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l quantity -d 'Seats (units) of the tier\'s price, 1 to the tier\'s max_quantity in the config (a tier without one is sold one at a time) [default: 1 for a new subscription; a change keeps the subscription\'s]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l trial-days -d 'Days of free trial [default: the tier\'s trial_days in the config, else none]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l collection -d 'How the invoices are paid: charged to the default payment method, or sent to the customer to pay by a due date' -r -f -a "charge\t'Charged automatically to the default payment method'
invoice\t'Sent to the customer, who pays by the due date'"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l days-until-due -d 'With --collection invoice: days the customer has to pay each invoice' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l payment-behavior -d 'What to do when the first payment does not go through' -r -f -a "allow-incomplete\t'Create it even when the first payment fails (status incomplete)'
default-incomplete\t'Create it incomplete without trying to charge; the customer pays the first invoice'
error-if-incomplete\t'Create nothing when the first payment fails'"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -l tier -d 'The tier to move to [default: the one it is on, with --quantity]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -l quantity -d 'Seats (units) of the tier\'s price, 1 to the tier\'s max_quantity in the config (a tier without one is sold one at a time) [default: 1 for a new subscription; a change keeps the subscription\'s]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -l proration -d 'How to bill the change' -r -f -a "create-prorations\t'Credit and charge the difference on the next invoice (Stripe\'s default)'
none\t'No proration: the new price applies from the next period\'s invoice'
always-invoice\t'Invoice the difference now'"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from change" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -l at-period-end -d 'Keep it until the end of the current period instead of ending it now'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from cancel" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l customer -d 'Only this customer\'s subscriptions' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l tier -d 'Only subscriptions on this tier ("unknown" for prices outside the catalog)' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l status -d 'Only these Stripe statuses, comma-separated (active, past_due, unpaid, trialing, incomplete, canceled...); default: all' -r -f -a "active\t''
trialing\t''
past_due\t''
unpaid\t''
incomplete\t''
incomplete_expired\t''
paused\t''
canceled\t''"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -l backfill-history -d 'Also build the subscription history (for `revenue`) from Stripe: the last 30 days from its events, older changes from each subscription\'s start date and canceled times; only before what the history already holds'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from sync" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "create" -d 'Subscribe a customer to a tier (refused if the customer already has one: use change)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "change" -d 'Move a subscription to another tier (upgrade or downgrade)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Cancel a subscription now, or at the end of its period (asks first)'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Undo a cancellation at the period end, before the period ends'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "list" -d 'List subscriptions from Stripe, every page'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one subscription, with its access and dunning state'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "sync" -d 'Refresh the local mirror of customers and subscriptions from Stripe'
complete -c billctl -n "__fish_billctl_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -f -a "create" -d 'Create a Checkout Session for a tier and print its URL'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and not __fish_seen_subcommand_from create help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l tier -d 'Tier id from the config (needed in subscription mode)' -r
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l quantity -d 'Seats (units) of the tier\'s price, 1 to the tier\'s max_quantity in the config (a tier without one is sold one at a time) [default: 1 for a new subscription; a change keeps the subscription\'s]' -r
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l customer -d 'An existing customer (cus_...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l email -d 'Email for a new customer, created by Stripe when they pay' -r
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l client-reference-id -d 'Your own reference, returned on the session and its webhook' -r
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l mode -d 'subscription: the customer subscribes to the tier; setup: the customer only enters a card for later charges (needs --customer)' -r -f -a "subscription\t''
setup\t''"
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a Checkout Session for a tier and print its URL'
complete -c billctl -n "__fish_billctl_using_subcommand checkout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -f -a "issue" -d 'Issue a key to a customer; the key is printed once and never again'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -f -a "list" -d 'List keys (never their secrets)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -f -a "show" -d 'Show one key\'s record'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -f -a "revoke" -d 'Revoke keys now (asks first)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -f -a "rotate" -d 'Replace a key: the new one copies name, customer and expiry policy; the old one keeps working until the grace period ends'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -f -a "verify" -d 'Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and not __fish_seen_subcommand_from issue list show revoke rotate verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -l customer -d 'Customer id (cus_...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -l name -d 'A name to tell keys apart ("production", "ci")' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -l expires-in -d 'Lifetime, like 90d, 12h or 2w (at most 100 years); default: no expiry' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from issue" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l customer -d 'Only this customer\'s keys' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l status -d 'Only keys in this state' -r -f -a "active\t''
revoked\t''
expired\t''"
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l reason -d 'Why, for the audit log' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l grace -d 'How long the old key keeps working, like 24h or 0s' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l record -d 'Also record one usage event when the key is valid'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "issue" -d 'Issue a key to a customer; the key is printed once and never again'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "list" -d 'List keys (never their secrets)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one key\'s record'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke keys now (asks first)'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace a key: the new one copies name, customer and expiry policy; the old one keeps working until the grace period ends'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid'
complete -c billctl -n "__fish_billctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -f -a "list" -d 'List audit entries, oldest first'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and not __fish_seen_subcommand_from list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l since -d 'Only entries since this time: RFC 3339, a date (2026-11-24), unix seconds, or an age like 7d' -r
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l action -d 'Only this action (key.issue, key.rotate, key.revoke, catalog.apply)' -r
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "list" -d 'List audit entries, oldest first'
complete -c billctl -n "__fish_billctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -f -a "record" -d 'Record one usage event for a key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -f -a "import" -d 'Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -f -a "report" -d 'Usage against each tier\'s quota for a billing period'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -f -a "alerts" -d 'List customers at or above a share of their quota (exit 1 when any)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -f -a "sync" -d 'Send usage not yet sent to the Stripe meter, one event per customer and hour'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -f -a "reconcile" -d 'Compare local daily totals per customer with Stripe\'s meter summaries (exit 1 on any difference)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -f -a "compact" -d 'Drop raw events before a date, keeping rollups (and so reports) exact'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -f -a "conflicts" -d 'List usage events refused because their source and id were taken by an event with other content, from any route, newest first (exit 1 when any is listed)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and not __fish_seen_subcommand_from record import report alerts sync reconcile compact conflicts help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l key -d 'Key id (the 8 characters after bk_test_ / bk_live_)' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l quantity -d 'Units of usage' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l at -d 'When the call happened: RFC 3339, a date, unix seconds, or an age like 5m [default: now]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l id -d 'Event id; an id already recorded with the same content is counted once, with other content it is a conflict (exit 1) [default: a new random id]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from record" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l format -d 'Input format [default: from the extension: .ndjson/.jsonl/.json or .csv]' -r -f -a "ndjson\t''
csv\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l rejects -d 'Where --skip-invalid writes rejected lines, with reasons (JSON lines); an existing file is refused without --force, and the input itself and the store\'s files always. If it cannot be written once the events are committed, the summary says so and the exit code is 3' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l batch-size -d 'Events per transaction' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l derive-ids -d 'Give events without an id one made from a hash of their fields (key, customer, time in whole seconds, quantity, endpoint, meta, type). Two identical calls in the same second get the same id and count once: where that can happen, give each call its own id'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l skip-invalid -d 'Commit the valid events and write the invalid ones to --rejects'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l force -d 'Overwrite an existing --rejects file'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l customer -d 'Only this customer' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l key -d 'Only this key id (its customer\'s period and quota)' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l period -d '`current` (each customer\'s billing period, else the calendar month) or a month YYYY-MM' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l from -d 'Start of an explicit period: RFC 3339, a date, unix seconds, or an age like 7d [default with --to: 1970-01-01]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l to -d 'End of an explicit period, exclusive (same forms as --from) [default with --from: now]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l by -d 'One row per customer, per key, or per day' -r -f -a "customer\t''
key\t''
day\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l html -d 'Also write one self-contained HTML page (no network): the usage section of `billctl dashboard`, with a chart per customer (cumulative usage by day, quota, today, projection)' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l csv -d 'Print CSV instead of a table'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from report" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -l threshold -d 'Percent of the quota at or above which a customer is listed (100 = over quota)' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from alerts" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l since -d 'Oldest usage to consider: RFC 3339, a date, unix seconds, or an age like 7d [default: Stripe\'s limit, 35 days ago]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l rate -d 'Meter events per second at most [default: usage.sync_rate in the config, else 25]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l concurrency -d 'Requests in flight at once' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l dry-run -d 'Show what would be sent; send and record nothing'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from sync" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -l from -d 'First UTC day: a date (2026-11-24), or any time (RFC 3339, unix seconds, an age like 30d) within it [default: 30 days before --to]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -l to -d 'Day after the last one compared (exclusive; same forms as --from) [default: tomorrow]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -l customer -d 'Only this customer' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from reconcile" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -l before -d 'Drop raw events before this UTC day: a date (2026-11-24), or any time within it (RFC 3339, unix seconds, an age like 60d); it must be older than the dedup window' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -l batch-size -d 'Events deleted per transaction' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from compact" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l customer -d 'Only conflicts where either event is this customer\'s' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l source -d 'Only events from this source (a CloudEvent\'s `source`; \'\' is the events that name none)' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l id -d 'Only this event id' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l route -d 'Only this route: usage import, usage record, /v1/usage/events, /api/v1/events, keys verify' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l since -d 'Only conflicts last seen at or after this time: RFC 3339, a date, unix seconds, or an age like 7d' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l limit -d 'The newest N' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from conflicts" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from help" -f -a "record" -d 'Record one usage event for a key'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from help" -f -a "report" -d 'Usage against each tier\'s quota for a billing period'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from help" -f -a "alerts" -d 'List customers at or above a share of their quota (exit 1 when any)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from help" -f -a "sync" -d 'Send usage not yet sent to the Stripe meter, one event per customer and hour'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from help" -f -a "reconcile" -d 'Compare local daily totals per customer with Stripe\'s meter summaries (exit 1 on any difference)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from help" -f -a "compact" -d 'Drop raw events before a date, keeping rollups (and so reports) exact'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from help" -f -a "conflicts" -d 'List usage events refused because their source and id were taken by an event with other content, from any route, newest first (exit 1 when any is listed)'
complete -c billctl -n "__fish_billctl_using_subcommand usage; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l as-of -d 'Report as of the end of this UTC day (default: now): MRR then, and its month\'s movements up to it' -r
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l by -d 'tier: MRR and subscribers by tier; month: MRR and movements month by month' -r -f -a "tier\t''
month\t''"
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l from -d 'First month of --by month (YYYY-MM; default: eleven months before --to)' -r
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l to -d 'Last month of --by month (YYYY-MM; default: the month of --as-of)' -r
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l html -d 'Also write a self-contained HTML page with SVG charts (MRR by month stacked by tier, subscribers by tier) to FILE' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l csv -d 'Print CSV instead of a table'
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand revenue" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -l out -d 'Write the page to FILE (mode 0600) instead of stdout' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -l period -d 'The usage section\'s billing period: `current` (each customer\'s) or a month YYYY-MM' -r
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c billctl -n "__fish_billctl_using_subcommand dashboard" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "listen" -d 'Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "ingest" -d 'Store events from a file (one JSON event or NDJSON, \'-\' for stdin) and apply them, as listen would (no signature: the file is trusted). Exits 1 if an event failed or an id is stored with another body (a conflict: the stored event stays)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "reprocess" -d 'Re-apply stored events, oldest first (all matching, or only --failed)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "list" -d 'List stored events (or rejected requests with --status rejected, conflicts with --status conflict), oldest first'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "show" -d 'Show one stored event: its outcome, the requests that brought it, replays, and the payload'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "verify" -d 'Check a Stripe-Signature header against a body read from stdin (for debugging)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "replay" -d 'POST stored events to a URL again, each re-signed with a fresh timestamp'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "backfill" -d 'Page through Stripe\'s /v1/events (kept 30 days) and store and apply the events this store lacks, oldest first: after listen was down, then \'replay\' pushes them on. Where the store holds another body under an id, Stripe\'s copy replaces and is applied (the other kept as a conflict; exits 1)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "endpoint" -d 'Register, list and delete the Stripe webhook endpoints billctl receives on'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and not __fish_seen_subcommand_from listen ingest reprocess list show verify replay backfill endpoint help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l bind -d 'Address to listen on (port 0 picks a free one; the address is printed first)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l path -d 'URL path that receives deliveries' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l secret-env -d 'Environment variable holding an endpoint secret (whsec_...); repeat it during a rotation. Default: the secrets \'webhooks endpoint create\' kept (the keyring, else the data dir\'s secret file with [webhooks] secret_file)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l tolerance -d 'Seconds the signature\'s timestamp may be from now' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l max-body -d 'Largest body accepted, in bytes (larger ones get 413)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l max-rejected -d 'Refused requests kept at most, for \'webhooks list --status rejected\' (oldest dropped first): time, peer, path, status, reason and allow-listed headers; an unsigned or badly signed body only as its length and SHA-256, never the body' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l rejected-retention -d 'How long refused requests are kept (older ones are dropped as new requests are stored)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l max-connections -d 'Connections at once; past it, the connection idle longest (or in its TLS handshake) is closed to make room, else the unfinished head begun longest ago (never a request in flight), else a new one is answered 503. serve keeps 8 more slots that answer only /healthz and /readyz; webhooks listen has no probes, so its 8 answer only 503. A connection costs 10 to 40 KB; one with an unfinished head of 64 KiB, about 90 KB' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l header-timeout -d 'Time to read a request\'s headers: from accept for a connection\'s first request, from its first byte for a later one (and to finish a TLS handshake, on a TLS server)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l body-timeout -d 'Time to read a request\'s body; after 2 s, a body coming slower than 16 KiB/s on average is cut off too (408)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l request-timeout -d 'Time for a whole request, answer included' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l idle-timeout -d 'A keep-alive connection without a request is closed after this (apart from --header-timeout, which starts at a request\'s first byte)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l max-body-memory -d 'Bytes of request bodies held in memory at once, all connections together, counted as they come, for admitted requests of routes that take a body; each body\'s first 64 KiB are its connection\'s own and not counted (at most --max-connections × 64 KiB more in all). One caller (an address; on a Unix socket, a process) holds at most a quarter of it, or --max-body if more. Past it a request is answered 503 with Retry-After and nothing recorded. At least --max-body' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l log-format -d 'Logs on stderr: text (access lines at -v), or json (one object per request and notice: time, level, request id, route, status, duration, outcome)' -r -f -a "text\t''
json\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l tls-cert -d 'PEM certificate chain for HTTPS (re-read with the key on SIGHUP; an expired or not yet valid certificate is refused)' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l tls-key -d 'PEM private key for HTTPS' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l metrics-path -d 'URL path of the Prometheus metrics (deliveries, refusals, apply outcomes and lag, group commits, connections), for a service token with the read scope (\'billctl serve tokens issue\'); empty: none' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l refetch -d 'Apply the object as Stripe has it now (fetched with the Stripe key) instead of the event\'s copy'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from listen" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -l refetch -d 'Apply the objects as Stripe has them now instead of the events\' copies'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from ingest" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l type -d 'Only event types matching this glob (customer.subscription.*, invoice.*)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l since -d 'Only events created since: RFC 3339, a date, unix seconds, or an age like 72h' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l until -d 'Only events created before this time (same forms as --since)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l failed -d 'Only events whose last apply failed'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l refetch -d 'Apply the objects as Stripe has them now instead of the events\' copies'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from reprocess" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l type -d 'Only event types matching this glob (customer.subscription.*, invoice.*)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l since -d 'Only events created since: RFC 3339, a date, unix seconds, or an age like 72h' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l until -d 'Only events created before this time (same forms as --since)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l status -d 'Only events with this outcome, or the rejected requests, or the conflicts (bodies kept apart from the stored event of their id)' -r -f -a "applied\t''
ignored\t''
failed\t''
pending\t''
rejected\t'Requests listen refused (bad signature, malformed, too large)'
conflict\t'Bodies that came with the id of a stored event and differ from it, kept apart'"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l limit -d 'At most this many rows (the oldest matching)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -l secret-env -d 'Environment variable holding an endpoint secret (whsec_...); repeat it for the secrets of a rotation. Secrets never go on the command line' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -l header -d 'The Stripe-Signature header value (t=...,v1=...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -l tolerance -d 'Seconds the signature\'s timestamp may be from now' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l type -d 'Only event types matching this glob (customer.subscription.*, invoice.*)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l since -d 'Only events created since: RFC 3339, a date, unix seconds, or an age like 72h' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l until -d 'Only events created before this time (same forms as --since)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l to -d 'Where to POST (http:// or https://); with --resume, the run\'s URL is used' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l secret-env -d 'Environment variable holding the secret to sign with (whsec_...). Default: the first webhook secret in the keyring' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l concurrency -d 'Deliveries in flight at once' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l rate -d 'At most this many deliveries per second (N or N/s)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l timeout -d 'Seconds to wait for each answer' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l resume -d 'Continue run RUN_ID: same URL and selection, skipping events it delivered' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l include-unverified -d 'Also send events that came in through \'webhooks ingest\' (their origin was never verified; they are signed with the endpoint secret all the same)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l failed -d 'Only events whose last apply failed'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l dry-run -d 'List what would be sent, send nothing'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from replay" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -l since -d 'How far back: an age like 72h or 7d, a date, unix seconds or RFC 3339 (Stripe keeps events for 30 days)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -l type -d 'Only event types matching this glob (customer.subscription.*)' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -l no-apply -d 'Store the missing events without applying them'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from backfill" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -f -a "create" -d 'Create a Stripe webhook endpoint for the event types billctl applies, and keep its signing secret in the keyring (listen and replay use it from there)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -f -a "list" -d 'List the account\'s webhook endpoints'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -f -a "delete" -d 'Delete a webhook endpoint (asks first) and forget its secret'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from endpoint" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "listen" -d 'Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "ingest" -d 'Store events from a file (one JSON event or NDJSON, \'-\' for stdin) and apply them, as listen would (no signature: the file is trusted). Exits 1 if an event failed or an id is stored with another body (a conflict: the stored event stays)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "reprocess" -d 'Re-apply stored events, oldest first (all matching, or only --failed)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "list" -d 'List stored events (or rejected requests with --status rejected, conflicts with --status conflict), oldest first'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one stored event: its outcome, the requests that brought it, replays, and the payload'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check a Stripe-Signature header against a body read from stdin (for debugging)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "replay" -d 'POST stored events to a URL again, each re-signed with a fresh timestamp'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "backfill" -d 'Page through Stripe\'s /v1/events (kept 30 days) and store and apply the events this store lacks, oldest first: after listen was down, then \'replay\' pushes them on. Where the store holds another body under an id, Stripe\'s copy replaces and is applied (the other kept as a conflict; exits 1)'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "endpoint" -d 'Register, list and delete the Stripe webhook endpoints billctl receives on'
complete -c billctl -n "__fish_billctl_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -f -a "list" -d 'List a customer\'s invoices, newest first'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -f -a "show" -d 'Show one invoice, with why its payment failed when it did'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -f -a "pay" -d 'Charge an open invoice now (asks first: money moves)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -f -a "void" -d 'Void an open invoice for good (asks first)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -f -a "send" -d 'E-mail an open send-invoice invoice to the customer'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and not __fish_seen_subcommand_from list show pay void send help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -l customer -d 'Customer id (cus_...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -l status -d 'Only invoices with this status' -r -f -a "draft\t''
open\t''
paid\t''
void\t''
uncollectible\t''"
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -l payment-method -d 'Charge this payment method instead of the default (pm_...)' -r
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from pay" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from void" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from send" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from help" -f -a "list" -d 'List a customer\'s invoices, newest first'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one invoice, with why its payment failed when it did'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from help" -f -a "pay" -d 'Charge an open invoice now (asks first: money moves)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from help" -f -a "void" -d 'Void an open invoice for good (asks first)'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from help" -f -a "send" -d 'E-mail an open send-invoice invoice to the customer'
complete -c billctl -n "__fish_billctl_using_subcommand invoices; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -f -a "login" -d 'Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -f -a "status" -d 'Show which key is in use: source, store (and whether a reboot clears it), mode, type and last 4 characters (exit 1 if none)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -f -a "logout" -d 'Remove the stored key of the profile from the OS keyring'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and not __fish_seen_subcommand_from login status logout help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l stdin -d 'Read the key from the first line of stdin instead of prompting'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from login" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from logout" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "login" -d 'Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show which key is in use: source, store (and whether a reboot clears it), mode, type and last 4 characters (exit 1 if none)'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "logout" -d 'Remove the stored key of the profile from the OS keyring'
complete -c billctl -n "__fish_billctl_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -f -a "status" -d 'Show both store files\' paths, schema versions and row counts'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -f -a "backup" -d 'Back up both store files (billctl.db and webhooks.db), consistently, into a new directory'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -f -a "restore" -d 'Restore both store files from a backup directory (asks first; keeps the current state)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -f -a "migrate" -d 'Apply the store\'s migrations (SQLite, or Postgres under an advisory lock)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -f -a "copy" -d 'Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums'
complete -c billctl -n "__fish_billctl_using_subcommand db; and not __fish_seen_subcommand_from status backup restore migrate copy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l force -d 'Replace an earlier billctl backup at the destination (asks first; never anything else)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from backup" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l wait -d 'Wait up to this long (like 30s or 5m) for other billctl processes to close the store, instead of refusing at once' -r
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l check -d 'Check the backup as a restore would (manifest, checksums, integrity, foreign keys, schema, migration) and change nothing'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l to -d 'Copy the SQLite store in the data dir into this empty Postgres database (postgres://user@host/db, no password: set BILLCTL_DATABASE_PASSWORD)' -r
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l from -d 'Copy this Postgres database into the empty SQLite store in the data dir' -r
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from copy" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show both store files\' paths, schema versions and row counts'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "backup" -d 'Back up both store files (billctl.db and webhooks.db), consistently, into a new directory'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore both store files from a backup directory (asks first; keeps the current state)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Apply the store\'s migrations (SQLite, or Postgres under an advisory lock)'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums'
complete -c billctl -n "__fish_billctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l listen -d 'Where to listen: ADDR:PORT (port 0 picks a free one; the address is printed first) or unix:PATH. An address outside loopback needs --tls-cert and --tls-key, or --plain-http' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l tls-cert -d 'PEM certificate chain for HTTPS (re-read with the key on SIGHUP; an expired or not yet valid certificate is refused)' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l tls-key -d 'PEM private key for HTTPS' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l refresh -d 'How stale cached keys, customers and tokens may be: a revocation or tier change made elsewhere is seen within this' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l max-events -d 'Most usage events in one request (POST /v1/usage/events, POST /api/v1/events); more get 413' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l max-body -d 'Largest body accepted, in bytes (larger ones get 413)' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l max-connections -d 'Connections at once; past it, the connection idle longest (or in its TLS handshake) is closed to make room, else the unfinished head begun longest ago (never a request in flight), else a new one is answered 503. serve keeps 8 more slots that answer only /healthz and /readyz; webhooks listen has no probes, so its 8 answer only 503. A connection costs 10 to 40 KB; one with an unfinished head of 64 KiB, about 90 KB' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l header-timeout -d 'Time to read a request\'s headers: from accept for a connection\'s first request, from its first byte for a later one (and to finish a TLS handshake, on a TLS server)' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l body-timeout -d 'Time to read a request\'s body; after 2 s, a body coming slower than 16 KiB/s on average is cut off too (408)' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l request-timeout -d 'Time for a whole request, answer included' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l idle-timeout -d 'A keep-alive connection without a request is closed after this (apart from --header-timeout, which starts at a request\'s first byte)' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l max-body-memory -d 'Bytes of request bodies held in memory at once, all connections together, counted as they come, for admitted requests of routes that take a body; each body\'s first 64 KiB are its connection\'s own and not counted (at most --max-connections × 64 KiB more in all). One caller (an address; on a Unix socket, a process) holds at most a quarter of it, or --max-body if more. Past it a request is answered 503 with Retry-After and nothing recorded. At least --max-body' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l log-format -d 'Logs on stderr: text (access lines at -v), or json (one object per request and notice: time, level, request id, route, status, duration, outcome)' -r -f -a "text\t''
json\t''"
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l plain-http -d 'Serve plain HTTP on an address outside loopback (API keys and tokens then cross the network in clear: only behind a TLS-terminating proxy on a private network)'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -f -a "tokens" -d 'Issue, list and revoke the service tokens callers of \'serve\' authenticate with'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and not __fish_seen_subcommand_from tokens help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -f -a "issue" -d 'Issue a token; it is printed once and never again (billctl keeps only its hash)'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -f -a "list" -d 'List tokens (never their secrets)'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -f -a "revoke" -d 'Revoke a token by id or name (asks first); serve refuses it within its refresh interval'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from tokens" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from help" -f -a "tokens" -d 'Issue, list and revoke the service tokens callers of \'serve\' authenticate with'
complete -c billctl -n "__fish_billctl_using_subcommand serve; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -l integrity-timeout -d 'How long the store\'s integrity check may run (SQLite quick_check on a large store); past it the check is a warning, not a verdict; 0 leaves it out (also a warning)' -r
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand completions" -l man -d 'Write a man page for every command and subcommand into DIR instead (billctl.1, billctl-keys.1, billctl-keys-issue.1, ...; created if missing)' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand completions" -l config -d 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand completions" -l data-dir -d 'Directory of the local store [default: $XDG_DATA_HOME/billctl]' -r -F
complete -c billctl -n "__fish_billctl_using_subcommand completions" -l profile -d 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]' -r
complete -c billctl -n "__fish_billctl_using_subcommand completions" -l color -d 'When to color tables' -r -f -a "auto\t''
always\t''
never\t''"
complete -c billctl -n "__fish_billctl_using_subcommand completions" -l json -d 'Print one JSON document (or JSON lines for streams) instead of tables'
complete -c billctl -n "__fish_billctl_using_subcommand completions" -s q -l quiet -d 'Print only data and errors'
complete -c billctl -n "__fish_billctl_using_subcommand completions" -s v -l verbose -d 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl\'s own steps. Secrets are never logged'
complete -c billctl -n "__fish_billctl_using_subcommand completions" -s y -l yes -d 'Answer yes to confirmations (with a live-mode key, only together with --live)'
complete -c billctl -n "__fish_billctl_using_subcommand completions" -l live -d 'Allow writes with a live-mode Stripe key'
complete -c billctl -n "__fish_billctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c billctl -n "__fish_billctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "setup-products" -d 'Create or update the products and prices in Stripe to match the config'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "prices" -d 'Check and list the configured prices against Stripe'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "customers" -d 'Create, update, list and show customers'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "payment-methods" -d 'List, attach, detach and choose customers\' payment methods'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "portal" -d 'Create a Stripe billing portal link, where a customer manages cards, invoices and plan'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "subscriptions" -d 'Create, change, cancel, list and sync subscriptions'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "checkout" -d 'Create Stripe Checkout links for a tier'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "keys" -d 'Issue, list, rotate, revoke and verify API keys (stored only as hashes)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "audit" -d 'Read the audit log of administrative actions'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "usage" -d 'Record, import and report API usage; alert on quotas; sync to Stripe meters; compact'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "revenue" -d 'Revenue: MRR by tier and currency, subscribers, ARPA and the month\'s movements'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "dashboard" -d 'Write the billing dashboard: one self-contained HTML page (revenue, subscribers, usage against quota with a chart per customer, API keys, webhooks)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "webhooks" -d 'Receive, store, apply, list, replay and backfill Stripe webhooks; manage the endpoint'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "invoices" -d 'List, show, pay, void and send invoices'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "auth" -d 'Store, inspect or remove the Stripe key in the OS keyring'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "db" -d 'Inspect or back up the local store'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "serve" -d 'Serve key verification, quotas and usage over HTTP to API services in any language'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "doctor" -d 'Check the whole setup: Stripe key, clock, catalog, webhook endpoint and deliveries, mirror, meters, store (schema, integrity, disk) and keys; exit 0 all ok, 1 any warning or failure, 2 if doctor itself could not run'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "completions" -d 'Print a shell completion script, or write man pages (--man DIR)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and not __fish_seen_subcommand_from setup-products prices customers payment-methods portal subscriptions checkout keys audit usage revenue dashboard webhooks invoices auth db serve doctor completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from prices" -f -a "check" -d 'Verify every tier\'s lookup key resolves to an active price of the configured amount, currency and interval on an active product (exit 1 on drift)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from prices" -f -a "list" -d 'Show the configured prices beside what Stripe has'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from customers" -f -a "create" -d 'Create a customer (asks first when the email is already used)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from customers" -f -a "list" -d 'List customers, every page'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from customers" -f -a "show" -d 'Show a customer with its subscriptions, tier, access, payment state and API-key count'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from customers" -f -a "update" -d 'Change a customer\'s email, name or metadata'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from payment-methods" -f -a "list" -d 'List a customer\'s payment methods (brand and last four only)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from payment-methods" -f -a "attach" -d 'Attach a payment method to a customer (in test mode, Stripe\'s test methods such as pm_card_visa; billctl never takes card numbers)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from payment-methods" -f -a "detach" -d 'Detach a payment method from its customer'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from payment-methods" -f -a "default" -d 'Make a payment method the customer\'s default for invoices'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from portal" -f -a "create" -d 'Create a billing portal session and print its URL (valid for a short while)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from subscriptions" -f -a "create" -d 'Subscribe a customer to a tier (refused if the customer already has one: use change)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from subscriptions" -f -a "change" -d 'Move a subscription to another tier (upgrade or downgrade)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from subscriptions" -f -a "cancel" -d 'Cancel a subscription now, or at the end of its period (asks first)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from subscriptions" -f -a "resume" -d 'Undo a cancellation at the period end, before the period ends'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from subscriptions" -f -a "list" -d 'List subscriptions from Stripe, every page'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from subscriptions" -f -a "show" -d 'Show one subscription, with its access and dunning state'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from subscriptions" -f -a "sync" -d 'Refresh the local mirror of customers and subscriptions from Stripe'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from checkout" -f -a "create" -d 'Create a Checkout Session for a tier and print its URL'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "issue" -d 'Issue a key to a customer; the key is printed once and never again'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "list" -d 'List keys (never their secrets)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "show" -d 'Show one key\'s record'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "revoke" -d 'Revoke keys now (asks first)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "rotate" -d 'Replace a key: the new one copies name, customer and expiry policy; the old one keeps working until the grace period ends'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "verify" -d 'Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "list" -d 'List audit entries, oldest first'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from usage" -f -a "record" -d 'Record one usage event for a key'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from usage" -f -a "import" -d 'Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from usage" -f -a "report" -d 'Usage against each tier\'s quota for a billing period'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from usage" -f -a "alerts" -d 'List customers at or above a share of their quota (exit 1 when any)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from usage" -f -a "sync" -d 'Send usage not yet sent to the Stripe meter, one event per customer and hour'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from usage" -f -a "reconcile" -d 'Compare local daily totals per customer with Stripe\'s meter summaries (exit 1 on any difference)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from usage" -f -a "compact" -d 'Drop raw events before a date, keeping rollups (and so reports) exact'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from usage" -f -a "conflicts" -d 'List usage events refused because their source and id were taken by an event with other content, from any route, newest first (exit 1 when any is listed)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "listen" -d 'Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "ingest" -d 'Store events from a file (one JSON event or NDJSON, \'-\' for stdin) and apply them, as listen would (no signature: the file is trusted). Exits 1 if an event failed or an id is stored with another body (a conflict: the stored event stays)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "reprocess" -d 'Re-apply stored events, oldest first (all matching, or only --failed)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "list" -d 'List stored events (or rejected requests with --status rejected, conflicts with --status conflict), oldest first'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "show" -d 'Show one stored event: its outcome, the requests that brought it, replays, and the payload'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "verify" -d 'Check a Stripe-Signature header against a body read from stdin (for debugging)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "replay" -d 'POST stored events to a URL again, each re-signed with a fresh timestamp'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "backfill" -d 'Page through Stripe\'s /v1/events (kept 30 days) and store and apply the events this store lacks, oldest first: after listen was down, then \'replay\' pushes them on. Where the store holds another body under an id, Stripe\'s copy replaces and is applied (the other kept as a conflict; exits 1)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "endpoint" -d 'Register, list and delete the Stripe webhook endpoints billctl receives on'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from invoices" -f -a "list" -d 'List a customer\'s invoices, newest first'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from invoices" -f -a "show" -d 'Show one invoice, with why its payment failed when it did'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from invoices" -f -a "pay" -d 'Charge an open invoice now (asks first: money moves)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from invoices" -f -a "void" -d 'Void an open invoice for good (asks first)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from invoices" -f -a "send" -d 'E-mail an open send-invoice invoice to the customer'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "login" -d 'Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "status" -d 'Show which key is in use: source, store (and whether a reboot clears it), mode, type and last 4 characters (exit 1 if none)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "logout" -d 'Remove the stored key of the profile from the OS keyring'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'Show both store files\' paths, schema versions and row counts'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "backup" -d 'Back up both store files (billctl.db and webhooks.db), consistently, into a new directory'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "restore" -d 'Restore both store files from a backup directory (asks first; keeps the current state)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "migrate" -d 'Apply the store\'s migrations (SQLite, or Postgres under an advisory lock)'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "copy" -d 'Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums'
complete -c billctl -n "__fish_billctl_using_subcommand help; and __fish_seen_subcommand_from serve" -f -a "tokens" -d 'Issue, list and revoke the service tokens callers of \'serve\' authenticate with'
