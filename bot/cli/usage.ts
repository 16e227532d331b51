/** The admin CLI's usage text: printed by `deepclaw help` and after every usage error. */
export const USAGE = `Usage: deepclaw <command> [options]

Workspaces
  workspace create <name>                 create a workspace
  workspace list                          list workspaces and their instance counts
  workspace set timezone <zone>           the workspace's clock for budgets' months and digests,
                                          an IANA name such as Europe/Berlin (default UTC)

Instances (default workspace unless --workspace is given)
  instance add <name> [--interval 5m]     add an instance; prints its sync token once
  instance list                           list instances, their interval and working tokens
  instance remove <name> [--yes]          delete an instance, its tokens, snapshots and events;
                                          asks first on a terminal, needs --yes off one
  instance pause <name>                   keep storing its snapshots but raise no events
  instance resume <name>                  raise events again

Sync tokens
  token rotate <instance> [--grace 15m]   issue a new token; the old one stops now, or after the grace
  token revoke <instance>                 revoke every working token of the instance now
  token check                             read a token from stdin and say which instance it writes for

Status and events (the chat's /deepclaw status and /deepclaw ack, at the terminal)
  status [instance]                       the fleet at a glance, or one instance in detail
  events [--open] [--instance <name>]     recent events, newest first (--limit 20); --open: unresolved only
  ack <event>                             acknowledge an open event (its id or first 8 characters)

Muting
  mute <instance|all> <duration>          hold back alerts of an instance, or the whole workspace, e.g. mute my-vps 1h
  unmute <instance|all>                   send alerts again

Alert thresholds (workspace-wide, or for one instance with --instance <name>)
  threshold set <name> <value>            e.g. threshold set cost-drift.ratio 2, threshold set stale.grace 15m,
                                          threshold set budget.monthly 200 (off: no budget)
  threshold list                          every threshold: default, workspace and instance values

Chat
  link-code                               print a one-time code (15 minutes) for /deepclaw link <code>
  subscription list                       channels receiving alerts: kinds, mute, disabled (why, since when)
  subscription enable <platform:channel>  send alerts again to a channel delivery disabled, e.g. slack:C0123
  discord register [--guild <id>]         put /deepclaw into Discord (all servers, or one at once); safe to repeat

Dashboard (docs/dashboard.md)
  dashboard login                         print a one-time sign-in link (admin; works once, for 10 minutes)
  dashboard sessions                      who is signed in to the dashboard, and until when
  dashboard revoke <session|all>          end a session (its id or first 8 characters), or all of them

Workspace settings
  setting set <name> <on|off>             e.g. setting set dashboard.viewers-see-cost off
  setting list                            every setting, its value and default

Telegram (docs/telegram.md)
  telegram set-webhook [public-url]       point Telegram at <url>/telegram/webhook (default DEEPCLAW_PUBLIC_URL)
                                          and set the command list; generates the webhook secret if unset
  telegram webhook-info                   what Telegram has: the URL, pending updates, the last delivery error

Records and upkeep
  audit [--limit 20]                      recent audit log, newest first
  migrate                                 apply pending database migrations
  help                                    this text
  --version, -v                           print the version

Options
  --workspace <name>   the workspace to act in (default: "default")
  --json               machine-readable output on stdout
  --yes, -y            confirm a deletion without being asked (required off a terminal)
`;
