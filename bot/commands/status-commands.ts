/**
 * The read-only commands: `status [instance]`, `instances`, `cost [instance] [days]`. Each reads
 * through the core's status queries and renders a platform-neutral message for the requester.
 */
import { budgetStandings, workspaceBudgetStandings } from '../budgets/budget-spend.ts';
import { budgetProgress } from '../budgets/forecast.ts';
import { toDurationText } from '../duration.ts';
import { dollars, humanDuration, utcMinute } from '../human-format.ts';
import { listSubscriptions } from '../subscriptions/subscriptions.ts';
import { isAllowed } from './authorization.ts';
import { findInstance, listInstances } from '../instances/instances.ts';
import { fields, list, message, note, text, type Message, type Reply } from '../messages/message.ts';
import { sparkline } from '../messages/sparkline.ts';
import { fleetStatus, type InstanceState } from '../status/fleet-status.ts';
import { instanceStatus, type InstanceStatus } from '../status/instance-status.ts';
import { countedAs, problemsFirst } from '../status/problems-first.ts';
import { dailySpend, spendTodayVsBaseline } from '../status/spend.ts';
import type { HandlerContext } from './command-core.ts';
import { toRequester } from './replies.ts';

const ICONS: Record<InstanceState, string> = { ok: '🟢', stale: '🔴', paused: '⏸', 'never-synced': '⚪' };

export async function statusCommand(context: HandlerContext, instanceName?: string): Promise<Reply[]> {
  const { em, workspace, now } = context;
  if (instanceName) {
    const instance = await findInstance(em, workspace, instanceName);
    return [toRequester(instanceStatusMessage(await instanceStatus(em, workspace, instance, now), now))];
  }
  const fleet = await fleetStatus(em, workspace, now);
  const spend = await spendTodayVsBaseline(em, { workspace, now });
  if (fleet.instances.length === 0) {
    return [toRequester(message(`Workspace "${workspace.name}" has no instances yet`, text('An admin adds one with /deepclaw add <name>; its token and install steps come privately.')))];
  }
  // Admins hear about channels that stopped receiving alerts: on-call may not know they went quiet.
  const disabled = isAllowed('admin', context.requester, context.deps.chatAdmins)
    ? (await listSubscriptions(em, workspace)).filter((subscription) => subscription.disabled)
    : [];
  const counts = (['ok', 'stale', 'paused', 'never-synced'] as const)
    .map((state) => [state, fleet.instances.filter((i) => i.state === state).length] as const)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state.replace('-', ' ')}`)
    .join(', ');
  return [
    toRequester(
      message(
        `Workspace "${workspace.name}"`,
        fields([
          ['Instances', counts],
          ['Open events', String(fleet.openEvents)],
          ['Spend today', `${dollars(spend.todayUsd)} (usual by now: ${dollars(spend.baselineUsd)})`],
        ]),
        // Problems first: a platform that cannot show every instance hides the healthy tail, and
        // says so, instead of clipping a stale one out of sight.
        list(
          problemsFirst(fleet.instances).map((i) => {
            const seen = i.lastSeenAt ? `last sync ${humanDuration(now.getTime() - i.lastSeenAt.getTime())} ago` : 'no snapshot yet';
            const events = i.openEvents > 0 ? `, ${i.openEvents} open event${i.openEvents === 1 ? '' : 's'} (${i.openKinds.join(', ')})` : '';
            const budget = i.budget ? `, ${budgetProgress(i.budget.monthToDateUsd, i.budget.monthlyUsd)}` : '';
            return { text: `${ICONS[i.state]} ${i.name}: ${i.state.replace('-', ' ')}, ${seen}${events}${budget}`, counted: countedAs(i) };
          }),
        ),
        ...(disabled.length > 0
          ? [
              text(`⚠️ ${disabled.length === 1 ? '1 channel no longer receives' : `${disabled.length} channels no longer receive`} alerts:`),
              list(disabled.map((s) => `${s.platform}:${s.channelId}, since ${utcMinute(s.disabled!.since)}: ${s.disabled!.reason}`)),
              note('/deepclaw subscribe in that channel, or deepclaw subscription enable <platform:channel>, once the bot can post there again.'),
            ]
          : []),
        note('/deepclaw status <instance> for one in detail.'),
      ),
    ),
  ];
}

function stateOf(status: InstanceStatus): InstanceState {
  if (status.paused) return 'paused';
  if (!status.lastSeenAt) return 'never-synced';
  return status.openEvents.some((e) => e.kind === 'stale') ? 'stale' : 'ok';
}


export function instanceStatusMessage(status: InstanceStatus, now: Date): Message {
  const state = stateOf(status);
  const pairs: [string, string][] = [
    [
      'Last sync',
      status.lastSeenAt
        ? `${humanDuration(now.getTime() - status.lastSeenAt.getTime())} ago (expected every ${toDurationText(status.intervalSeconds)})`
        : `never (expected every ${toDurationText(status.intervalSeconds)})`,
    ],
  ];
  if (status.gateway) {
    const g = status.gateway;
    const health = g.live === false ? 'down' : g.ready === false ? 'live, not ready' : 'live';
    const failing = g.failing && g.failing.length > 0 ? ` (failing: ${g.failing.join(', ')})` : '';
    pairs.push(['Gateway', `${g.version ?? 'version unknown'}, ${health}${failing}`]);
  }
  if (status.sessions) {
    const s = status.sessions;
    pairs.push(['Sessions', `${s.total ?? 0} total, ${s.active24h ?? 0} active in 24 h, ${s.running ?? 0} running, ${s.failed24h ?? 0} failed in 24 h`]);
  }
  pairs.push(['Spend today', `${dollars(status.todayUsd)} (usual by now: ${dollars(status.baselineUsd)})`]);
  pairs.push(['Last 7 days', `${sparkline(status.spend.days.map((d) => d.usd))} ${dollars(status.spend.totalUsd)}`]);
  if (status.budget) pairs.push(['Budget', budgetProgress(status.budget.monthToDateUsd, status.budget.monthlyUsd)]);
  pairs.push(['Cron jobs', status.cron.total === 0 ? 'none' : `${status.cron.total}, ${status.cron.failing.length} failing`]);
  if (status.security) {
    const s = status.security;
    const parts = [
      s.bind && `bind ${s.bind}`,
      s.authMode && `auth ${s.authMode}`,
      s.tailscaleMode && `tailscale ${s.tailscaleMode}`,
      s.stateDirMode && `state dir ${s.stateDirMode}`,
      s.configMode && `config ${s.configMode}`,
      s.audit && `audit ${s.audit.critical} critical, ${s.audit.warn} warnings`,
    ].filter(Boolean);
    pairs.push(['Security', parts.length > 0 ? parts.join(', ') : 'not reported']);
  }
  const blocks = [fields(pairs)];
  if (status.cron.failing.length > 0) {
    blocks.push(text('Failing cron jobs:'));
    blocks.push(
      list(
        status.cron.failing.map(
          (job) => `${job.name}: ${job.autoDisabled ? 'auto-disabled' : 'error'}${job.reason ? ` (${job.reason})` : ''}, ${job.consecutiveErrors} in a row`,
        ),
      ),
    );
  }
  if (status.openEvents.length > 0) {
    blocks.push(text('Open events (ack with /deepclaw ack <id>):'));
    blocks.push(list(status.openEvents.map((e) => `${e.id.slice(0, 8)} ${e.kind}${e.state === 'acked' ? ' (acked)' : ''} since ${utcMinute(e.openedAt)}: ${e.summary}`)));
  }
  if (status.paused) blocks.push(note('Paused: snapshots are stored, no events are raised.'));
  if (status.mutedUntil) blocks.push(note(`Alerts muted until ${utcMinute(status.mutedUntil)}.`));
  return message(`${ICONS[state]} ${status.name}: ${state.replace('-', ' ')}`, ...blocks);
}

export async function instancesCommand(context: HandlerContext): Promise<Reply[]> {
  const { em, workspace, now } = context;
  const instances = await listInstances(em, workspace, now);
  if (instances.length === 0) {
    return [toRequester(message(`Workspace "${workspace.name}" has no instances yet`, text('An admin adds one with /deepclaw add <name>.')))];
  }
  return [
    toRequester(
      message(
        `Instances of workspace "${workspace.name}"`,
        list(
          instances.map(
            (i) =>
              `${i.name}: every ${toDurationText(i.intervalSeconds)}, ${i.paused ? 'paused' : 'active'}, ` +
              (i.activeTokens.length > 0 ? `token ${i.activeTokens.join(' and ')}` : 'no working token'),
          ),
        ),
      ),
    ),
  ];
}

export async function costCommand(context: HandlerContext, instanceName: string | undefined, days: number): Promise<Reply[]> {
  const { em, workspace, now } = context;
  const instance = instanceName ? await findInstance(em, workspace, instanceName) : undefined;
  const spend = await dailySpend(em, { workspace, instanceId: instance?.id, days, now });
  const scope = instance ? instance.name : `workspace "${workspace.name}"`;
  const blocks = [
    text(`${sparkline(spend.days.map((d) => d.usd))} ${dollars(spend.totalUsd)} in ${days} day${days === 1 ? '' : 's'}`),
    list(spend.days.map((d) => `${d.day.toISOString().slice(0, 10)}  ${dollars(d.usd)}`)),
  ];
  if (spend.topModels.length > 0) {
    blocks.push(text('Top models:'));
    blocks.push(list(spend.topModels.map((m) => `${m.model}: ${dollars(m.usd)} (${Math.round(m.share * 100)}%)`)));
  }
  // Month-to-date against the budget: of the instance, or of every instance in the workspace that has one.
  if (instance) {
    const standing = (await budgetStandings(em, [instance.id], now)).get(instance.id);
    if (standing) blocks.push(text(`Budget: ${budgetProgress(standing.monthToDateUsd, standing.monthlyUsd)}`));
  } else {
    const standings = await workspaceBudgetStandings(em, workspace.id, now);
    if (standings.length > 0) {
      blocks.push(text('Budgets:'));
      blocks.push(list(standings.map((s) => `${s.name}: ${budgetProgress(s.monthToDateUsd, s.monthlyUsd)}`)));
    }
  }
  return [toRequester(message(`Spend of ${scope}, last ${days} day${days === 1 ? '' : 's'} (UTC)`, ...blocks))];
}
