/** `/`: every instance of the workspace, totals on top, sort and filter by a plain GET form. */
import { FLEET_STATES, type FleetRow, type FleetSort, type FleetState, type FleetView } from '../../../bot/dashboard/fleet-view.ts';
import type { DashboardViewer } from '../../../bot/dashboard/roles.ts';
import { humanDuration } from '../../../bot/human-format.ts';
import { ago, updatedLine, usd } from '../format.ts';
import { html, type Html } from '../html.ts';
import { page } from '../layout.ts';

export const STATE_LABELS: Record<FleetState, string> = { ok: 'ok', stale: 'stale', 'gateway-down': 'gateway down', paused: 'paused', 'never-synced': 'never synced' };
const SORTS: Record<FleetSort, string> = { problems: 'problems first', name: 'name', 'last-sync': 'oldest sync first', spend: 'spend today' };

export function stateBadge(state: FleetState): Html {
  return html`<span class="badge state-${state}">${STATE_LABELS[state]}</span>`;
}

export function fleetPage(input: { view: FleetView; rows: FleetRow[]; viewer: DashboardViewer; now: Date; filter: { state?: FleetState; name?: string; sort: FleetSort }; notice?: string }): Html {
  const { view, rows, now, filter } = input;
  const showCost = view.totals.spendTodayUsd !== undefined;
  const totals = view.totals;
  return page(
    { title: 'Fleet', viewer: input.viewer, section: 'fleet', live: true, now, notice: input.notice },
    html`<h1>Fleet <span class="muted">· ${view.workspace}</span></h1>
<form class="filters" method="get" action="/" role="search">
  <label>Name <input type="search" name="name" value="${filter.name ?? ''}" placeholder="filter by name"></label>
  <label>State <select name="state">
    <option value="">any</option>
    ${FLEET_STATES.map((s) => html`<option value="${s}"${filter.state === s ? html` selected` : ''}>${STATE_LABELS[s]}</option>`)}
  </select></label>
  <label>Sort <select name="sort">
    ${(Object.keys(SORTS) as FleetSort[]).filter((s) => showCost || s !== 'spend').map((s) => html`<option value="${s}"${filter.sort === s ? html` selected` : ''}>${SORTS[s]}</option>`)}
  </select></label>
  <button type="submit">Apply</button>
</form>
<div data-live id="fleet-live">
<section class="totals" aria-label="Totals">
  <div><span class="figure">${totals.instances}</span> instances</div>
  ${FLEET_STATES.filter((s) => totals.byState[s] > 0).map((s) => html`<div><span class="figure">${totals.byState[s]}</span> ${STATE_LABELS[s]}</div>`)}
  <div><span class="figure" data-total="open-events">${totals.openEvents}</span> open events</div>
  ${showCost
    ? html`<div><span class="figure" data-total="spend-today">${usd(totals.spendTodayUsd)}</span> spend today</div>
  <div><span class="figure" data-total="month-to-date">${usd(totals.monthToDateUsd)}</span> month to date</div>`
    : ''}
</section>
${updatedLine(now)}
${rows.length === 0
  ? html`<p class="empty">${view.rows.length === 0 ? html`No instances yet. An admin adds one with <code>deepclaw instance add &lt;name&gt;</code> or <code>/deepclaw add &lt;name&gt;</code> in chat.` : 'No instance matches this filter.'}</p>`
  : html`<div class="table-wrap"><table class="fleet">
<caption class="visually-hidden">Instances of workspace ${view.workspace}${rows.length < view.rows.length ? ` (${rows.length} of ${view.rows.length} shown)` : ''}</caption>
<thead><tr><th scope="col">Instance</th><th scope="col">State</th><th scope="col">Last sync</th><th scope="col">Interval</th>${showCost ? html`<th scope="col">Spend today</th>` : ''}<th scope="col">Open events</th><th scope="col">Cron</th><th scope="col">Agent</th><th scope="col">OpenClaw</th></tr></thead>
<tbody>
${rows.map((row) => fleetRow(row, now, showCost))}
</tbody></table></div>`}
</div>`,
  );
}

function fleetRow(row: FleetRow, now: Date, showCost: boolean): Html {
  const href = `/instances/${encodeURIComponent(row.name)}`;
  return html`<tr data-instance="${row.name}" data-state="${row.state}">
<th scope="row"><a href="${href}">${row.name}</a></th>
<td>${stateBadge(row.state)}</td>
<td>${ago(row.lastSeenAt, now)}</td>
<td>${humanDuration(row.intervalSeconds * 1000)}</td>
${showCost ? html`<td class="num">${spendCell(row)}</td>` : ''}
<td class="num">${row.openEvents > 0 ? html`<a href="/events?instance=${encodeURIComponent(row.name)}">${row.openEvents}</a>` : '0'}</td>
<td>${cronCell(row.cron)}</td>
<td>${row.agentVersion ?? html`<span class="muted">–</span>`}</td>
<td>${row.openclawVersion ?? html`<span class="muted">–</span>`}</td>
</tr>
`;
}

function spendCell(row: FleetRow): Html {
  const today = row.spendTodayUsd ?? 0;
  const usual = row.usualUsd ?? 0;
  const high = usual > 0 && today > usual * 1.5;
  // <meter> draws the bar without inline style; its text is the fallback and the accessible name.
  return html`${usd(today)} <span class="muted">/ usual ${usd(usual)}</span>
<meter min="0" max="${Math.max(today, usual * 2, 0.01).toFixed(2)}" ${usual > 0 ? html`high="${(usual * 1.5).toFixed(2)}" optimum="0"` : ''} value="${today.toFixed(2)}"${high ? html` class="over"` : ''}>${usd(today)} of usual ${usd(usual)}</meter>`;
}

export function cronCell(cron: FleetRow['cron']): Html {
  if (cron.ok + cron.failing + cron.missed === 0) return html`<span class="muted">no jobs</span>`;
  return html`<span class="cron-health"><span class="ok">${cron.ok} ok</span>${cron.failing ? html` · <span class="bad">${cron.failing} failing</span>` : ''}${cron.missed ? html` · <span class="warn">${cron.missed} missed</span>` : ''}</span>`;
}
