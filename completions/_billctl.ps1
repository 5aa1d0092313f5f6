
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'billctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'billctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'billctl' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup-products', 'setup-products', [CompletionResultType]::ParameterValue, 'Create or update the products and prices in Stripe to match the config')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'Check and list the configured prices against Stripe')
            [CompletionResult]::new('customers', 'customers', [CompletionResultType]::ParameterValue, 'Create, update, list and show customers')
            [CompletionResult]::new('payment-methods', 'payment-methods', [CompletionResultType]::ParameterValue, 'List, attach, detach and choose customers'' payment methods')
            [CompletionResult]::new('portal', 'portal', [CompletionResultType]::ParameterValue, 'Create a Stripe billing portal link, where a customer manages cards, invoices and plan')
            [CompletionResult]::new('subscriptions', 'subscriptions', [CompletionResultType]::ParameterValue, 'Create, change, cancel, list and sync subscriptions')
            [CompletionResult]::new('checkout', 'checkout', [CompletionResultType]::ParameterValue, 'Create Stripe Checkout links for a tier')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Issue, list, rotate, revoke and verify API keys (stored only as hashes)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the audit log of administrative actions')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Record, import and report API usage; alert on quotas; sync to Stripe meters; compact')
            [CompletionResult]::new('revenue', 'revenue', [CompletionResultType]::ParameterValue, 'Revenue: MRR by tier and currency, subscribers, ARPA and the month''s movements')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'Write the billing dashboard: one self-contained HTML page (revenue, subscribers, usage against quota with a chart per customer, API keys, webhooks)')
            [CompletionResult]::new('webhooks', 'webhooks', [CompletionResultType]::ParameterValue, 'Receive, store, apply, list, replay and backfill Stripe webhooks; manage the endpoint')
            [CompletionResult]::new('invoices', 'invoices', [CompletionResultType]::ParameterValue, 'List, show, pay, void and send invoices')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'Store, inspect or remove the Stripe key in the OS keyring')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Inspect or back up the local store')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve key verification, quotas and usage over HTTP to API services in any language')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the whole setup: Stripe key, clock, catalog, webhook endpoint and deliveries, mirror, meters, store (schema, integrity, disk) and keys; exit 0 all ok, 1 any warning or failure, 2 if doctor itself could not run')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script, or write man pages (--man DIR)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;setup-products' {
            [CompletionResult]::new('--write-env', '--write-env', [CompletionResultType]::ParameterName, 'After applying, write PRICE_<TIER>=price_... lines to FILE for the application')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'Print the plan and change nothing')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Archive products (and their prices) of tiers no longer in the config')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;prices' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify every tier''s lookup key resolves to an active price of the configured amount, currency and interval on an active product (exit 1 on drift)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the configured prices beside what Stripe has')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;prices;check' {
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Also verify the application''s env file: each PRICE_*=price_... must be that price')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;prices;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;prices;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify every tier''s lookup key resolves to an active price of the configured amount, currency and interval on an active product (exit 1 on drift)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the configured prices beside what Stripe has')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;prices;help;check' {
            break
        }
        'billctl;prices;help;list' {
            break
        }
        'billctl;prices;help;help' {
            break
        }
        'billctl;customers' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a customer (asks first when the email is already used)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List customers, every page')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a customer with its subscriptions, tier, access, payment state and API-key count')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a customer''s email, name or metadata')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;customers;create' {
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Email address')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name')
            [CompletionResult]::new('--metadata', '--metadata', [CompletionResultType]::ParameterName, 'Metadata as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;customers;list' {
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Only customers with this exact email')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;customers;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;customers;update' {
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'New email address')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'New name')
            [CompletionResult]::new('--metadata', '--metadata', [CompletionResultType]::ParameterName, 'Set metadata KEY=VALUE (repeatable)')
            [CompletionResult]::new('--unset-metadata', '--unset-metadata', [CompletionResultType]::ParameterName, 'Remove metadata KEY (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;customers;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a customer (asks first when the email is already used)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List customers, every page')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a customer with its subscriptions, tier, access, payment state and API-key count')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a customer''s email, name or metadata')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;customers;help;create' {
            break
        }
        'billctl;customers;help;list' {
            break
        }
        'billctl;customers;help;show' {
            break
        }
        'billctl;customers;help;update' {
            break
        }
        'billctl;customers;help;help' {
            break
        }
        'billctl;payment-methods' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a customer''s payment methods (brand and last four only)')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach a payment method to a customer (in test mode, Stripe''s test methods such as pm_card_visa; billctl never takes card numbers)')
            [CompletionResult]::new('detach', 'detach', [CompletionResultType]::ParameterValue, 'Detach a payment method from its customer')
            [CompletionResult]::new('default', 'default', [CompletionResultType]::ParameterValue, 'Make a payment method the customer''s default for invoices')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;payment-methods;list' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Customer id (cus_...)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;payment-methods;attach' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Customer id (cus_...)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--default', '--default', [CompletionResultType]::ParameterName, 'Also make it the customer''s default for invoices')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;payment-methods;detach' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;payment-methods;default' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Customer id (cus_...)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;payment-methods;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a customer''s payment methods (brand and last four only)')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach a payment method to a customer (in test mode, Stripe''s test methods such as pm_card_visa; billctl never takes card numbers)')
            [CompletionResult]::new('detach', 'detach', [CompletionResultType]::ParameterValue, 'Detach a payment method from its customer')
            [CompletionResult]::new('default', 'default', [CompletionResultType]::ParameterValue, 'Make a payment method the customer''s default for invoices')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;payment-methods;help;list' {
            break
        }
        'billctl;payment-methods;help;attach' {
            break
        }
        'billctl;payment-methods;help;detach' {
            break
        }
        'billctl;payment-methods;help;default' {
            break
        }
        'billctl;payment-methods;help;help' {
            break
        }
        'billctl;portal' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a billing portal session and print its URL (valid for a short while)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;portal;create' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Customer id (cus_...)')
            [CompletionResult]::new('--return-url', '--return-url', [CompletionResultType]::ParameterName, 'Where the portal''s return link goes [default: portal.return_url in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;portal;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a billing portal session and print its URL (valid for a short while)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;portal;help;create' {
            break
        }
        'billctl;portal;help;help' {
            break
        }
        'billctl;subscriptions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Subscribe a customer to a tier (refused if the customer already has one: use change)')
            [CompletionResult]::new('change', 'change', [CompletionResultType]::ParameterValue, 'Move a subscription to another tier (upgrade or downgrade)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a subscription now, or at the end of its period (asks first)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Undo a cancellation at the period end, before the period ends')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List subscriptions from Stripe, every page')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one subscription, with its access and dunning state')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Refresh the local mirror of customers and subscriptions from Stripe')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;subscriptions;create' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Customer id (cus_...)')
            [CompletionResult]::new('--tier', '--tier', [CompletionResultType]::ParameterName, 'Tier id from the config (pro, team, enterprise...)')
            [CompletionResult]::new('--quantity', '--quantity', [CompletionResultType]::ParameterName, 'Seats (units) of the tier''s price, 1 to the tier''s max_quantity in the config (a tier without one is sold one at a time) [default: 1 for a new subscription; a change keeps the subscription''s]')
            [CompletionResult]::new('--trial-days', '--trial-days', [CompletionResultType]::ParameterName, 'Days of free trial [default: the tier''s trial_days in the config, else none]')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'How the invoices are paid: charged to the default payment method, or sent to the customer to pay by a due date')
            [CompletionResult]::new('--days-until-due', '--days-until-due', [CompletionResultType]::ParameterName, 'With --collection invoice: days the customer has to pay each invoice')
            [CompletionResult]::new('--payment-behavior', '--payment-behavior', [CompletionResultType]::ParameterName, 'What to do when the first payment does not go through')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;subscriptions;change' {
            [CompletionResult]::new('--tier', '--tier', [CompletionResultType]::ParameterName, 'The tier to move to [default: the one it is on, with --quantity]')
            [CompletionResult]::new('--quantity', '--quantity', [CompletionResultType]::ParameterName, 'Seats (units) of the tier''s price, 1 to the tier''s max_quantity in the config (a tier without one is sold one at a time) [default: 1 for a new subscription; a change keeps the subscription''s]')
            [CompletionResult]::new('--proration', '--proration', [CompletionResultType]::ParameterName, 'How to bill the change')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;subscriptions;cancel' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--at-period-end', '--at-period-end', [CompletionResultType]::ParameterName, 'Keep it until the end of the current period instead of ending it now')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;subscriptions;resume' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;subscriptions;list' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Only this customer''s subscriptions')
            [CompletionResult]::new('--tier', '--tier', [CompletionResultType]::ParameterName, 'Only subscriptions on this tier ("unknown" for prices outside the catalog)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only these Stripe statuses, comma-separated (active, past_due, unpaid, trialing, incomplete, canceled...); default: all')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;subscriptions;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;subscriptions;sync' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--backfill-history', '--backfill-history', [CompletionResultType]::ParameterName, 'Also build the subscription history (for `revenue`) from Stripe: the last 30 days from its events, older changes from each subscription''s start date and canceled times; only before what the history already holds')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;subscriptions;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Subscribe a customer to a tier (refused if the customer already has one: use change)')
            [CompletionResult]::new('change', 'change', [CompletionResultType]::ParameterValue, 'Move a subscription to another tier (upgrade or downgrade)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a subscription now, or at the end of its period (asks first)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Undo a cancellation at the period end, before the period ends')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List subscriptions from Stripe, every page')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one subscription, with its access and dunning state')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Refresh the local mirror of customers and subscriptions from Stripe')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;subscriptions;help;create' {
            break
        }
        'billctl;subscriptions;help;change' {
            break
        }
        'billctl;subscriptions;help;cancel' {
            break
        }
        'billctl;subscriptions;help;resume' {
            break
        }
        'billctl;subscriptions;help;list' {
            break
        }
        'billctl;subscriptions;help;show' {
            break
        }
        'billctl;subscriptions;help;sync' {
            break
        }
        'billctl;subscriptions;help;help' {
            break
        }
        'billctl;checkout' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Checkout Session for a tier and print its URL')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;checkout;create' {
            [CompletionResult]::new('--tier', '--tier', [CompletionResultType]::ParameterName, 'Tier id from the config (needed in subscription mode)')
            [CompletionResult]::new('--quantity', '--quantity', [CompletionResultType]::ParameterName, 'Seats (units) of the tier''s price, 1 to the tier''s max_quantity in the config (a tier without one is sold one at a time) [default: 1 for a new subscription; a change keeps the subscription''s]')
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'An existing customer (cus_...)')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Email for a new customer, created by Stripe when they pay')
            [CompletionResult]::new('--client-reference-id', '--client-reference-id', [CompletionResultType]::ParameterName, 'Your own reference, returned on the session and its webhook')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'subscription: the customer subscribes to the tier; setup: the customer only enters a card for later charges (needs --customer)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;checkout;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Checkout Session for a tier and print its URL')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;checkout;help;create' {
            break
        }
        'billctl;checkout;help;help' {
            break
        }
        'billctl;keys' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue a key to a customer; the key is printed once and never again')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (never their secrets)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key''s record')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke keys now (asks first)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a key: the new one copies name, customer and expiry policy; the old one keeps working until the grace period ends')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;keys;issue' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Customer id (cus_...)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A name to tell keys apart ("production", "ci")')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Lifetime, like 90d, 12h or 2w (at most 100 years); default: no expiry')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;keys;list' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Only this customer''s keys')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only keys in this state')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;keys;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;keys;revoke' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, for the audit log')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;keys;rotate' {
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'How long the old key keeps working, like 24h or 0s')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;keys;verify' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Also record one usage event when the key is valid')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;keys;help' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue a key to a customer; the key is printed once and never again')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (never their secrets)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key''s record')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke keys now (asks first)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a key: the new one copies name, customer and expiry policy; the old one keeps working until the grace period ends')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;keys;help;issue' {
            break
        }
        'billctl;keys;help;list' {
            break
        }
        'billctl;keys;help;show' {
            break
        }
        'billctl;keys;help;revoke' {
            break
        }
        'billctl;keys;help;rotate' {
            break
        }
        'billctl;keys;help;verify' {
            break
        }
        'billctl;keys;help;help' {
            break
        }
        'billctl;audit' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit entries, oldest first')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;audit;list' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only entries since this time: RFC 3339, a date (2026-11-24), unix seconds, or an age like 7d')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only this action (key.issue, key.rotate, key.revoke, catalog.apply)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;audit;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit entries, oldest first')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;audit;help;list' {
            break
        }
        'billctl;audit;help;help' {
            break
        }
        'billctl;usage' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record one usage event for a key')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Usage against each tier''s quota for a billing period')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'List customers at or above a share of their quota (exit 1 when any)')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Send usage not yet sent to the Stripe meter, one event per customer and hour')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Compare local daily totals per customer with Stripe''s meter summaries (exit 1 on any difference)')
            [CompletionResult]::new('compact', 'compact', [CompletionResultType]::ParameterValue, 'Drop raw events before a date, keeping rollups (and so reports) exact')
            [CompletionResult]::new('conflicts', 'conflicts', [CompletionResultType]::ParameterValue, 'List usage events refused because their source and id were taken by an event with other content, from any route, newest first (exit 1 when any is listed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;usage;record' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key id (the 8 characters after bk_test_ / bk_live_)')
            [CompletionResult]::new('--quantity', '--quantity', [CompletionResultType]::ParameterName, 'Units of usage')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'When the call happened: RFC 3339, a date, unix seconds, or an age like 5m [default: now]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Event id; an id already recorded with the same content is counted once, with other content it is a conflict (exit 1) [default: a new random id]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;usage;import' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Input format [default: from the extension: .ndjson/.jsonl/.json or .csv]')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Where --skip-invalid writes rejected lines, with reasons (JSON lines); an existing file is refused without --force, and the input itself and the store''s files always. If it cannot be written once the events are committed, the summary says so and the exit code is 3')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Events per transaction')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--derive-ids', '--derive-ids', [CompletionResultType]::ParameterName, 'Give events without an id one made from a hash of their fields (key, customer, time in whole seconds, quantity, endpoint, meta, type). Two identical calls in the same second get the same id and count once: where that can happen, give each call its own id')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Commit the valid events and write the invalid ones to --rejects')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing --rejects file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;usage;report' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Only this customer')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Only this key id (its customer''s period and quota)')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, '`current` (each customer''s billing period, else the calendar month) or a month YYYY-MM')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start of an explicit period: RFC 3339, a date, unix seconds, or an age like 7d [default with --to: 1970-01-01]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'End of an explicit period, exclusive (same forms as --from) [default with --from: now]')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'One row per customer, per key, or per day')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Also write one self-contained HTML page (no network): the usage section of `billctl dashboard`, with a chart per customer (cumulative usage by day, quota, today, projection)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print CSV instead of a table')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;usage;alerts' {
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Percent of the quota at or above which a customer is listed (100 = over quota)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;usage;sync' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Oldest usage to consider: RFC 3339, a date, unix seconds, or an age like 7d [default: Stripe''s limit, 35 days ago]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Meter events per second at most [default: usage.sync_rate in the config, else 25]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be sent; send and record nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;usage;reconcile' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'First UTC day: a date (2026-11-24), or any time (RFC 3339, unix seconds, an age like 30d) within it [default: 30 days before --to]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Day after the last one compared (exclusive; same forms as --from) [default: tomorrow]')
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Only this customer')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;usage;compact' {
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'Drop raw events before this UTC day: a date (2026-11-24), or any time within it (RFC 3339, unix seconds, an age like 60d); it must be older than the dedup window')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Events deleted per transaction')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;usage;conflicts' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Only conflicts where either event is this customer''s')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Only events from this source (a CloudEvent''s `source`; '''' is the events that name none)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Only this event id')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Only this route: usage import, usage record, /v1/usage/events, /api/v1/events, keys verify')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only conflicts last seen at or after this time: RFC 3339, a date, unix seconds, or an age like 7d')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'The newest N')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;usage;help' {
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record one usage event for a key')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Usage against each tier''s quota for a billing period')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'List customers at or above a share of their quota (exit 1 when any)')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Send usage not yet sent to the Stripe meter, one event per customer and hour')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Compare local daily totals per customer with Stripe''s meter summaries (exit 1 on any difference)')
            [CompletionResult]::new('compact', 'compact', [CompletionResultType]::ParameterValue, 'Drop raw events before a date, keeping rollups (and so reports) exact')
            [CompletionResult]::new('conflicts', 'conflicts', [CompletionResultType]::ParameterValue, 'List usage events refused because their source and id were taken by an event with other content, from any route, newest first (exit 1 when any is listed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;usage;help;record' {
            break
        }
        'billctl;usage;help;import' {
            break
        }
        'billctl;usage;help;report' {
            break
        }
        'billctl;usage;help;alerts' {
            break
        }
        'billctl;usage;help;sync' {
            break
        }
        'billctl;usage;help;reconcile' {
            break
        }
        'billctl;usage;help;compact' {
            break
        }
        'billctl;usage;help;conflicts' {
            break
        }
        'billctl;usage;help;help' {
            break
        }
        'billctl;revenue' {
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'Report as of the end of this UTC day (default: now): MRR then, and its month''s movements up to it')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'tier: MRR and subscribers by tier; month: MRR and movements month by month')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'First month of --by month (YYYY-MM; default: eleven months before --to)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Last month of --by month (YYYY-MM; default: the month of --as-of)')
            [CompletionResult]::new('--html', '--html', [CompletionResultType]::ParameterName, 'Also write a self-contained HTML page with SVG charts (MRR by month stacked by tier, subscribers by tier) to FILE')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print CSV instead of a table')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;dashboard' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the page to FILE (mode 0600) instead of stdout')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'The usage section''s billing period: `current` (each customer''s) or a month YYYY-MM')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Store events from a file (one JSON event or NDJSON, ''-'' for stdin) and apply them, as listen would (no signature: the file is trusted). Exits 1 if an event failed or an id is stored with another body (a conflict: the stored event stays)')
            [CompletionResult]::new('reprocess', 'reprocess', [CompletionResultType]::ParameterValue, 'Re-apply stored events, oldest first (all matching, or only --failed)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored events (or rejected requests with --status rejected, conflicts with --status conflict), oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one stored event: its outcome, the requests that brought it, replays, and the payload')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a Stripe-Signature header against a body read from stdin (for debugging)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'POST stored events to a URL again, each re-signed with a fresh timestamp')
            [CompletionResult]::new('backfill', 'backfill', [CompletionResultType]::ParameterValue, 'Page through Stripe''s /v1/events (kept 30 days) and store and apply the events this store lacks, oldest first: after listen was down, then ''replay'' pushes them on. Where the store holds another body under an id, Stripe''s copy replaces and is applied (the other kept as a conflict; exits 1)')
            [CompletionResult]::new('endpoint', 'endpoint', [CompletionResultType]::ParameterValue, 'Register, list and delete the Stripe webhook endpoints billctl receives on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;webhooks;listen' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on (port 0 picks a free one; the address is printed first)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'URL path that receives deliveries')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding an endpoint secret (whsec_...); repeat it during a rotation. Default: the secrets ''webhooks endpoint create'' kept (the keyring, else the data dir''s secret file with [webhooks] secret_file)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Seconds the signature''s timestamp may be from now')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted, in bytes (larger ones get 413)')
            [CompletionResult]::new('--max-rejected', '--max-rejected', [CompletionResultType]::ParameterName, 'Refused requests kept at most, for ''webhooks list --status rejected'' (oldest dropped first): time, peer, path, status, reason and allow-listed headers; an unsigned or badly signed body only as its length and SHA-256, never the body')
            [CompletionResult]::new('--rejected-retention', '--rejected-retention', [CompletionResultType]::ParameterName, 'How long refused requests are kept (older ones are dropped as new requests are stored)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections at once; past it, the connection idle longest (or in its TLS handshake) is closed to make room, else the unfinished head begun longest ago (never a request in flight), else a new one is answered 503. serve keeps 8 more slots that answer only /healthz and /readyz; webhooks listen has no probes, so its 8 answer only 503. A connection costs 10 to 40 KB; one with an unfinished head of 64 KiB, about 90 KB')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Time to read a request''s headers: from accept for a connection''s first request, from its first byte for a later one (and to finish a TLS handshake, on a TLS server)')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Time to read a request''s body; after 2 s, a body coming slower than 16 KiB/s on average is cut off too (408)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time for a whole request, answer included')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'A keep-alive connection without a request is closed after this (apart from --header-timeout, which starts at a request''s first byte)')
            [CompletionResult]::new('--max-body-memory', '--max-body-memory', [CompletionResultType]::ParameterName, 'Bytes of request bodies held in memory at once, all connections together, counted as they come, for admitted requests of routes that take a body; each body''s first 64 KiB are its connection''s own and not counted (at most --max-connections × 64 KiB more in all). One caller (an address; on a Unix socket, a process) holds at most a quarter of it, or --max-body if more. Past it a request is answered 503 with Retry-After and nothing recorded. At least --max-body')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Logs on stderr: text (access lines at -v), or json (one object per request and notice: time, level, request id, route, status, duration, outcome)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM certificate chain for HTTPS (re-read with the key on SIGHUP; an expired or not yet valid certificate is refused)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key for HTTPS')
            [CompletionResult]::new('--metrics-path', '--metrics-path', [CompletionResultType]::ParameterName, 'URL path of the Prometheus metrics (deliveries, refusals, apply outcomes and lag, group commits, connections), for a service token with the read scope (''billctl serve tokens issue''); empty: none')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--refetch', '--refetch', [CompletionResultType]::ParameterName, 'Apply the object as Stripe has it now (fetched with the Stripe key) instead of the event''s copy')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;ingest' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--refetch', '--refetch', [CompletionResultType]::ParameterName, 'Apply the objects as Stripe has them now instead of the events'' copies')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;reprocess' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only event types matching this glob (customer.subscription.*, invoice.*)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events created since: RFC 3339, a date, unix seconds, or an age like 72h')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events created before this time (same forms as --since)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--failed', '--failed', [CompletionResultType]::ParameterName, 'Only events whose last apply failed')
            [CompletionResult]::new('--refetch', '--refetch', [CompletionResultType]::ParameterName, 'Apply the objects as Stripe has them now instead of the events'' copies')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;list' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only event types matching this glob (customer.subscription.*, invoice.*)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events created since: RFC 3339, a date, unix seconds, or an age like 72h')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events created before this time (same forms as --since)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only events with this outcome, or the rejected requests, or the conflicts (bodies kept apart from the stored event of their id)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many rows (the oldest matching)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;verify' {
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding an endpoint secret (whsec_...); repeat it for the secrets of a rotation. Secrets never go on the command line')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'The Stripe-Signature header value (t=...,v1=...)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Seconds the signature''s timestamp may be from now')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;replay' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only event types matching this glob (customer.subscription.*, invoice.*)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events created since: RFC 3339, a date, unix seconds, or an age like 72h')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events created before this time (same forms as --since)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to POST (http:// or https://); with --resume, the run''s URL is used')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the secret to sign with (whsec_...). Default: the first webhook secret in the keyring')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Deliveries in flight at once')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most this many deliveries per second (N or N/s)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each answer')
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Continue run RUN_ID: same URL and selection, skipping events it delivered')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--include-unverified', '--include-unverified', [CompletionResultType]::ParameterName, 'Also send events that came in through ''webhooks ingest'' (their origin was never verified; they are signed with the endpoint secret all the same)')
            [CompletionResult]::new('--failed', '--failed', [CompletionResultType]::ParameterName, 'Only events whose last apply failed')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be sent, send nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;backfill' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'How far back: an age like 72h or 7d, a date, unix seconds or RFC 3339 (Stripe keeps events for 30 days)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only event types matching this glob (customer.subscription.*)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--no-apply', '--no-apply', [CompletionResultType]::ParameterName, 'Store the missing events without applying them')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;endpoint' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Stripe webhook endpoint for the event types billctl applies, and keep its signing secret in the keyring (listen and replay use it from there)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the account''s webhook endpoints')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a webhook endpoint (asks first) and forget its secret')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;webhooks;endpoint;create' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The public URL Stripe will POST to (https://.../stripe/webhooks)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'A description shown in the Stripe Dashboard')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;endpoint;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;endpoint;delete' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;webhooks;endpoint;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Stripe webhook endpoint for the event types billctl applies, and keep its signing secret in the keyring (listen and replay use it from there)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the account''s webhook endpoints')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a webhook endpoint (asks first) and forget its secret')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;webhooks;endpoint;help;create' {
            break
        }
        'billctl;webhooks;endpoint;help;list' {
            break
        }
        'billctl;webhooks;endpoint;help;delete' {
            break
        }
        'billctl;webhooks;endpoint;help;help' {
            break
        }
        'billctl;webhooks;help' {
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Store events from a file (one JSON event or NDJSON, ''-'' for stdin) and apply them, as listen would (no signature: the file is trusted). Exits 1 if an event failed or an id is stored with another body (a conflict: the stored event stays)')
            [CompletionResult]::new('reprocess', 'reprocess', [CompletionResultType]::ParameterValue, 'Re-apply stored events, oldest first (all matching, or only --failed)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored events (or rejected requests with --status rejected, conflicts with --status conflict), oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one stored event: its outcome, the requests that brought it, replays, and the payload')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a Stripe-Signature header against a body read from stdin (for debugging)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'POST stored events to a URL again, each re-signed with a fresh timestamp')
            [CompletionResult]::new('backfill', 'backfill', [CompletionResultType]::ParameterValue, 'Page through Stripe''s /v1/events (kept 30 days) and store and apply the events this store lacks, oldest first: after listen was down, then ''replay'' pushes them on. Where the store holds another body under an id, Stripe''s copy replaces and is applied (the other kept as a conflict; exits 1)')
            [CompletionResult]::new('endpoint', 'endpoint', [CompletionResultType]::ParameterValue, 'Register, list and delete the Stripe webhook endpoints billctl receives on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;webhooks;help;listen' {
            break
        }
        'billctl;webhooks;help;ingest' {
            break
        }
        'billctl;webhooks;help;reprocess' {
            break
        }
        'billctl;webhooks;help;list' {
            break
        }
        'billctl;webhooks;help;show' {
            break
        }
        'billctl;webhooks;help;verify' {
            break
        }
        'billctl;webhooks;help;replay' {
            break
        }
        'billctl;webhooks;help;backfill' {
            break
        }
        'billctl;webhooks;help;endpoint' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Stripe webhook endpoint for the event types billctl applies, and keep its signing secret in the keyring (listen and replay use it from there)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the account''s webhook endpoints')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a webhook endpoint (asks first) and forget its secret')
            break
        }
        'billctl;webhooks;help;endpoint;create' {
            break
        }
        'billctl;webhooks;help;endpoint;list' {
            break
        }
        'billctl;webhooks;help;endpoint;delete' {
            break
        }
        'billctl;webhooks;help;help' {
            break
        }
        'billctl;invoices' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a customer''s invoices, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one invoice, with why its payment failed when it did')
            [CompletionResult]::new('pay', 'pay', [CompletionResultType]::ParameterValue, 'Charge an open invoice now (asks first: money moves)')
            [CompletionResult]::new('void', 'void', [CompletionResultType]::ParameterValue, 'Void an open invoice for good (asks first)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'E-mail an open send-invoice invoice to the customer')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;invoices;list' {
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'Customer id (cus_...)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only invoices with this status')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;invoices;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;invoices;pay' {
            [CompletionResult]::new('--payment-method', '--payment-method', [CompletionResultType]::ParameterName, 'Charge this payment method instead of the default (pm_...)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;invoices;void' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;invoices;send' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;invoices;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a customer''s invoices, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one invoice, with why its payment failed when it did')
            [CompletionResult]::new('pay', 'pay', [CompletionResultType]::ParameterValue, 'Charge an open invoice now (asks first: money moves)')
            [CompletionResult]::new('void', 'void', [CompletionResultType]::ParameterValue, 'Void an open invoice for good (asks first)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'E-mail an open send-invoice invoice to the customer')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;invoices;help;list' {
            break
        }
        'billctl;invoices;help;show' {
            break
        }
        'billctl;invoices;help;pay' {
            break
        }
        'billctl;invoices;help;void' {
            break
        }
        'billctl;invoices;help;send' {
            break
        }
        'billctl;invoices;help;help' {
            break
        }
        'billctl;auth' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show which key is in use: source, store (and whether a reboot clears it), mode, type and last 4 characters (exit 1 if none)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored key of the profile from the OS keyring')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;auth;login' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the key from the first line of stdin instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;auth;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;auth;logout' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;auth;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show which key is in use: source, store (and whether a reboot clears it), mode, type and last 4 characters (exit 1 if none)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored key of the profile from the OS keyring')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;auth;help;login' {
            break
        }
        'billctl;auth;help;status' {
            break
        }
        'billctl;auth;help;logout' {
            break
        }
        'billctl;auth;help;help' {
            break
        }
        'billctl;db' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show both store files'' paths, schema versions and row counts')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up both store files (billctl.db and webhooks.db), consistently, into a new directory')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore both store files from a backup directory (asks first; keeps the current state)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the store''s migrations (SQLite, or Postgres under an advisory lock)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;db;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;db;backup' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an earlier billctl backup at the destination (asks first; never anything else)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;db;restore' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait up to this long (like 30s or 5m) for other billctl processes to close the store, instead of refusing at once')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Check the backup as a restore would (manifest, checksums, integrity, foreign keys, schema, migration) and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;db;migrate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;db;copy' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Copy the SQLite store in the data dir into this empty Postgres database (postgres://user@host/db, no password: set BILLCTL_DATABASE_PASSWORD)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Copy this Postgres database into the empty SQLite store in the data dir')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;db;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show both store files'' paths, schema versions and row counts')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up both store files (billctl.db and webhooks.db), consistently, into a new directory')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore both store files from a backup directory (asks first; keeps the current state)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the store''s migrations (SQLite, or Postgres under an advisory lock)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;db;help;status' {
            break
        }
        'billctl;db;help;backup' {
            break
        }
        'billctl;db;help;restore' {
            break
        }
        'billctl;db;help;migrate' {
            break
        }
        'billctl;db;help;copy' {
            break
        }
        'billctl;db;help;help' {
            break
        }
        'billctl;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Where to listen: ADDR:PORT (port 0 picks a free one; the address is printed first) or unix:PATH. An address outside loopback needs --tls-cert and --tls-key, or --plain-http')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM certificate chain for HTTPS (re-read with the key on SIGHUP; an expired or not yet valid certificate is refused)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key for HTTPS')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'How stale cached keys, customers and tokens may be: a revocation or tier change made elsewhere is seen within this')
            [CompletionResult]::new('--max-events', '--max-events', [CompletionResultType]::ParameterName, 'Most usage events in one request (POST /v1/usage/events, POST /api/v1/events); more get 413')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted, in bytes (larger ones get 413)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections at once; past it, the connection idle longest (or in its TLS handshake) is closed to make room, else the unfinished head begun longest ago (never a request in flight), else a new one is answered 503. serve keeps 8 more slots that answer only /healthz and /readyz; webhooks listen has no probes, so its 8 answer only 503. A connection costs 10 to 40 KB; one with an unfinished head of 64 KiB, about 90 KB')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Time to read a request''s headers: from accept for a connection''s first request, from its first byte for a later one (and to finish a TLS handshake, on a TLS server)')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Time to read a request''s body; after 2 s, a body coming slower than 16 KiB/s on average is cut off too (408)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time for a whole request, answer included')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'A keep-alive connection without a request is closed after this (apart from --header-timeout, which starts at a request''s first byte)')
            [CompletionResult]::new('--max-body-memory', '--max-body-memory', [CompletionResultType]::ParameterName, 'Bytes of request bodies held in memory at once, all connections together, counted as they come, for admitted requests of routes that take a body; each body''s first 64 KiB are its connection''s own and not counted (at most --max-connections × 64 KiB more in all). One caller (an address; on a Unix socket, a process) holds at most a quarter of it, or --max-body if more. Past it a request is answered 503 with Retry-After and nothing recorded. At least --max-body')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Logs on stderr: text (access lines at -v), or json (one object per request and notice: time, level, request id, route, status, duration, outcome)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Serve plain HTTP on an address outside loopback (API keys and tokens then cross the network in clear: only behind a TLS-terminating proxy on a private network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'Issue, list and revoke the service tokens callers of ''serve'' authenticate with')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;serve;tokens' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue a token; it is printed once and never again (billctl keeps only its hash)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens (never their secrets)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token by id or name (asks first); serve refuses it within its refresh interval')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;serve;tokens;issue' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A name to tell tokens apart ("api-gateway", "web-app"); one token in use per name')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'What the token may do: verify (POST /v1/keys/verify, /v2/keys.verifyKey), usage (POST /v1/usage/events, /api/v1/events), read (GET /v1/customers/{id}/usage, GET /metrics of serve and of webhooks listen), self-service (a customer''s account, usage, keys, portal, checkout and plan); repeat it or separate with commas')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;serve;tokens;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;serve;tokens;revoke' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;serve;tokens;help' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue a token; it is printed once and never again (billctl keeps only its hash)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens (never their secrets)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token by id or name (asks first); serve refuses it within its refresh interval')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;serve;tokens;help;issue' {
            break
        }
        'billctl;serve;tokens;help;list' {
            break
        }
        'billctl;serve;tokens;help;revoke' {
            break
        }
        'billctl;serve;tokens;help;help' {
            break
        }
        'billctl;serve;help' {
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'Issue, list and revoke the service tokens callers of ''serve'' authenticate with')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;serve;help;tokens' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue a token; it is printed once and never again (billctl keeps only its hash)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens (never their secrets)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token by id or name (asks first); serve refuses it within its refresh interval')
            break
        }
        'billctl;serve;help;tokens;issue' {
            break
        }
        'billctl;serve;help;tokens;list' {
            break
        }
        'billctl;serve;help;tokens;revoke' {
            break
        }
        'billctl;serve;help;help' {
            break
        }
        'billctl;doctor' {
            [CompletionResult]::new('--integrity-timeout', '--integrity-timeout', [CompletionResultType]::ParameterName, 'How long the store''s integrity check may run (SQLite quick_check on a large store); past it the check is a warning, not a verdict; 0 leaves it out (also a warning)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;completions' {
            [CompletionResult]::new('--man', '--man', [CompletionResultType]::ParameterName, 'Write a man page for every command and subcommand into DIR instead (billctl.1, billctl-keys.1, billctl-keys-issue.1, ...; created if missing)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/billctl/billctl.toml, else the built-in catalog]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the local store [default: $XDG_DATA_HOME/billctl]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Keyring profile holding the Stripe key [default: stripe.profile in the config, else "default"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color tables')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (or JSON lines for streams) instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v logs every Stripe request (method, path, status, request id), -vv and -vvv add billctl''s own steps. Secrets are never logged')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (with a live-mode key, only together with --live)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Allow writes with a live-mode Stripe key')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'billctl;help' {
            [CompletionResult]::new('setup-products', 'setup-products', [CompletionResultType]::ParameterValue, 'Create or update the products and prices in Stripe to match the config')
            [CompletionResult]::new('prices', 'prices', [CompletionResultType]::ParameterValue, 'Check and list the configured prices against Stripe')
            [CompletionResult]::new('customers', 'customers', [CompletionResultType]::ParameterValue, 'Create, update, list and show customers')
            [CompletionResult]::new('payment-methods', 'payment-methods', [CompletionResultType]::ParameterValue, 'List, attach, detach and choose customers'' payment methods')
            [CompletionResult]::new('portal', 'portal', [CompletionResultType]::ParameterValue, 'Create a Stripe billing portal link, where a customer manages cards, invoices and plan')
            [CompletionResult]::new('subscriptions', 'subscriptions', [CompletionResultType]::ParameterValue, 'Create, change, cancel, list and sync subscriptions')
            [CompletionResult]::new('checkout', 'checkout', [CompletionResultType]::ParameterValue, 'Create Stripe Checkout links for a tier')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Issue, list, rotate, revoke and verify API keys (stored only as hashes)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the audit log of administrative actions')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Record, import and report API usage; alert on quotas; sync to Stripe meters; compact')
            [CompletionResult]::new('revenue', 'revenue', [CompletionResultType]::ParameterValue, 'Revenue: MRR by tier and currency, subscribers, ARPA and the month''s movements')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'Write the billing dashboard: one self-contained HTML page (revenue, subscribers, usage against quota with a chart per customer, API keys, webhooks)')
            [CompletionResult]::new('webhooks', 'webhooks', [CompletionResultType]::ParameterValue, 'Receive, store, apply, list, replay and backfill Stripe webhooks; manage the endpoint')
            [CompletionResult]::new('invoices', 'invoices', [CompletionResultType]::ParameterValue, 'List, show, pay, void and send invoices')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'Store, inspect or remove the Stripe key in the OS keyring')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Inspect or back up the local store')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve key verification, quotas and usage over HTTP to API services in any language')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the whole setup: Stripe key, clock, catalog, webhook endpoint and deliveries, mirror, meters, store (schema, integrity, disk) and keys; exit 0 all ok, 1 any warning or failure, 2 if doctor itself could not run')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script, or write man pages (--man DIR)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'billctl;help;setup-products' {
            break
        }
        'billctl;help;prices' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify every tier''s lookup key resolves to an active price of the configured amount, currency and interval on an active product (exit 1 on drift)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the configured prices beside what Stripe has')
            break
        }
        'billctl;help;prices;check' {
            break
        }
        'billctl;help;prices;list' {
            break
        }
        'billctl;help;customers' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a customer (asks first when the email is already used)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List customers, every page')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a customer with its subscriptions, tier, access, payment state and API-key count')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a customer''s email, name or metadata')
            break
        }
        'billctl;help;customers;create' {
            break
        }
        'billctl;help;customers;list' {
            break
        }
        'billctl;help;customers;show' {
            break
        }
        'billctl;help;customers;update' {
            break
        }
        'billctl;help;payment-methods' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a customer''s payment methods (brand and last four only)')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach a payment method to a customer (in test mode, Stripe''s test methods such as pm_card_visa; billctl never takes card numbers)')
            [CompletionResult]::new('detach', 'detach', [CompletionResultType]::ParameterValue, 'Detach a payment method from its customer')
            [CompletionResult]::new('default', 'default', [CompletionResultType]::ParameterValue, 'Make a payment method the customer''s default for invoices')
            break
        }
        'billctl;help;payment-methods;list' {
            break
        }
        'billctl;help;payment-methods;attach' {
            break
        }
        'billctl;help;payment-methods;detach' {
            break
        }
        'billctl;help;payment-methods;default' {
            break
        }
        'billctl;help;portal' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a billing portal session and print its URL (valid for a short while)')
            break
        }
        'billctl;help;portal;create' {
            break
        }
        'billctl;help;subscriptions' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Subscribe a customer to a tier (refused if the customer already has one: use change)')
            [CompletionResult]::new('change', 'change', [CompletionResultType]::ParameterValue, 'Move a subscription to another tier (upgrade or downgrade)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a subscription now, or at the end of its period (asks first)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Undo a cancellation at the period end, before the period ends')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List subscriptions from Stripe, every page')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one subscription, with its access and dunning state')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Refresh the local mirror of customers and subscriptions from Stripe')
            break
        }
        'billctl;help;subscriptions;create' {
            break
        }
        'billctl;help;subscriptions;change' {
            break
        }
        'billctl;help;subscriptions;cancel' {
            break
        }
        'billctl;help;subscriptions;resume' {
            break
        }
        'billctl;help;subscriptions;list' {
            break
        }
        'billctl;help;subscriptions;show' {
            break
        }
        'billctl;help;subscriptions;sync' {
            break
        }
        'billctl;help;checkout' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Checkout Session for a tier and print its URL')
            break
        }
        'billctl;help;checkout;create' {
            break
        }
        'billctl;help;keys' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue a key to a customer; the key is printed once and never again')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (never their secrets)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key''s record')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke keys now (asks first)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace a key: the new one copies name, customer and expiry policy; the old one keeps working until the grace period ends')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid')
            break
        }
        'billctl;help;keys;issue' {
            break
        }
        'billctl;help;keys;list' {
            break
        }
        'billctl;help;keys;show' {
            break
        }
        'billctl;help;keys;revoke' {
            break
        }
        'billctl;help;keys;rotate' {
            break
        }
        'billctl;help;keys;verify' {
            break
        }
        'billctl;help;audit' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit entries, oldest first')
            break
        }
        'billctl;help;audit;list' {
            break
        }
        'billctl;help;usage' {
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record one usage event for a key')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import usage events from NDJSON or CSV (all or nothing unless --skip-invalid)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Usage against each tier''s quota for a billing period')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'List customers at or above a share of their quota (exit 1 when any)')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Send usage not yet sent to the Stripe meter, one event per customer and hour')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Compare local daily totals per customer with Stripe''s meter summaries (exit 1 on any difference)')
            [CompletionResult]::new('compact', 'compact', [CompletionResultType]::ParameterValue, 'Drop raw events before a date, keeping rollups (and so reports) exact')
            [CompletionResult]::new('conflicts', 'conflicts', [CompletionResultType]::ParameterValue, 'List usage events refused because their source and id were taken by an event with other content, from any route, newest first (exit 1 when any is listed)')
            break
        }
        'billctl;help;usage;record' {
            break
        }
        'billctl;help;usage;import' {
            break
        }
        'billctl;help;usage;report' {
            break
        }
        'billctl;help;usage;alerts' {
            break
        }
        'billctl;help;usage;sync' {
            break
        }
        'billctl;help;usage;reconcile' {
            break
        }
        'billctl;help;usage;compact' {
            break
        }
        'billctl;help;usage;conflicts' {
            break
        }
        'billctl;help;revenue' {
            break
        }
        'billctl;help;dashboard' {
            break
        }
        'billctl;help;webhooks' {
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive Stripe webhook deliveries over HTTP: verify, store durably, answer, then apply')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Store events from a file (one JSON event or NDJSON, ''-'' for stdin) and apply them, as listen would (no signature: the file is trusted). Exits 1 if an event failed or an id is stored with another body (a conflict: the stored event stays)')
            [CompletionResult]::new('reprocess', 'reprocess', [CompletionResultType]::ParameterValue, 'Re-apply stored events, oldest first (all matching, or only --failed)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored events (or rejected requests with --status rejected, conflicts with --status conflict), oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one stored event: its outcome, the requests that brought it, replays, and the payload')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a Stripe-Signature header against a body read from stdin (for debugging)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'POST stored events to a URL again, each re-signed with a fresh timestamp')
            [CompletionResult]::new('backfill', 'backfill', [CompletionResultType]::ParameterValue, 'Page through Stripe''s /v1/events (kept 30 days) and store and apply the events this store lacks, oldest first: after listen was down, then ''replay'' pushes them on. Where the store holds another body under an id, Stripe''s copy replaces and is applied (the other kept as a conflict; exits 1)')
            [CompletionResult]::new('endpoint', 'endpoint', [CompletionResultType]::ParameterValue, 'Register, list and delete the Stripe webhook endpoints billctl receives on')
            break
        }
        'billctl;help;webhooks;listen' {
            break
        }
        'billctl;help;webhooks;ingest' {
            break
        }
        'billctl;help;webhooks;reprocess' {
            break
        }
        'billctl;help;webhooks;list' {
            break
        }
        'billctl;help;webhooks;show' {
            break
        }
        'billctl;help;webhooks;verify' {
            break
        }
        'billctl;help;webhooks;replay' {
            break
        }
        'billctl;help;webhooks;backfill' {
            break
        }
        'billctl;help;webhooks;endpoint' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Stripe webhook endpoint for the event types billctl applies, and keep its signing secret in the keyring (listen and replay use it from there)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the account''s webhook endpoints')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a webhook endpoint (asks first) and forget its secret')
            break
        }
        'billctl;help;webhooks;endpoint;create' {
            break
        }
        'billctl;help;webhooks;endpoint;list' {
            break
        }
        'billctl;help;webhooks;endpoint;delete' {
            break
        }
        'billctl;help;invoices' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a customer''s invoices, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one invoice, with why its payment failed when it did')
            [CompletionResult]::new('pay', 'pay', [CompletionResultType]::ParameterValue, 'Charge an open invoice now (asks first: money moves)')
            [CompletionResult]::new('void', 'void', [CompletionResultType]::ParameterValue, 'Void an open invoice for good (asks first)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'E-mail an open send-invoice invoice to the customer')
            break
        }
        'billctl;help;invoices;list' {
            break
        }
        'billctl;help;invoices;show' {
            break
        }
        'billctl;help;invoices;pay' {
            break
        }
        'billctl;help;invoices;void' {
            break
        }
        'billctl;help;invoices;send' {
            break
        }
        'billctl;help;auth' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show which key is in use: source, store (and whether a reboot clears it), mode, type and last 4 characters (exit 1 if none)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored key of the profile from the OS keyring')
            break
        }
        'billctl;help;auth;login' {
            break
        }
        'billctl;help;auth;status' {
            break
        }
        'billctl;help;auth;logout' {
            break
        }
        'billctl;help;db' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show both store files'' paths, schema versions and row counts')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up both store files (billctl.db and webhooks.db), consistently, into a new directory')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore both store files from a backup directory (asks first; keeps the current state)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the store''s migrations (SQLite, or Postgres under an advisory lock)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums')
            break
        }
        'billctl;help;db;status' {
            break
        }
        'billctl;help;db;backup' {
            break
        }
        'billctl;help;db;restore' {
            break
        }
        'billctl;help;db;migrate' {
            break
        }
        'billctl;help;db;copy' {
            break
        }
        'billctl;help;serve' {
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'Issue, list and revoke the service tokens callers of ''serve'' authenticate with')
            break
        }
        'billctl;help;serve;tokens' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Issue a token; it is printed once and never again (billctl keeps only its hash)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens (never their secrets)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token by id or name (asks first); serve refuses it within its refresh interval')
            break
        }
        'billctl;help;serve;tokens;issue' {
            break
        }
        'billctl;help;serve;tokens;list' {
            break
        }
        'billctl;help;serve;tokens;revoke' {
            break
        }
        'billctl;help;doctor' {
            break
        }
        'billctl;help;completions' {
            break
        }
        'billctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
