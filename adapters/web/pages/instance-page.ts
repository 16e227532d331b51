/** `/instances/<name>`: one instance in depth — charts with their tables, cron, security, events, syncs, tokens. */
import type { InstanceView, TimelineEvent } from '../../../bot/dashboard/instance-view.ts';
import type { DashboardViewer } from '../../../bot/dashboard/roles.ts';
import { ago, exact, humanDuration, updatedLine, usd } from '../format.ts';
import { html, jsonBlock, type Html } from '../html.ts';
import { page } from '../layout.ts';
import { stateBadge } from './fleet-page.ts';

export function instancePage(input: { view: InstanceView; viewer: DashboardViewer; now: Date; notice?: string }): Html {
  const { view, viewer, now } = input;
  const path = `/instances/${encodeURIComponent(view.name)}`;
  return page(
    { title: view.name, viewer, section: 'fleet', live: true, charts: true, now, notice: input.notice },
    html`<p class="crumbs"><a href="/">Fleet</a> ›</p>
<div data-live id="instance-live">
<h1>${view.name} ${stateBadge(view.state)}</h1>
${updatedLine(now)}
<dl class="facts">
  <div><dt>Last sync</dt><dd>${ago(view.lastSeenAt, now)}</dd></div>
  <div><dt>Expected every</dt><dd>${humanDuration(view.intervalSeconds * 1000)}</dd></div>
  <div><dt>Agent</dt><dd>${view.agentVersion ?? '–'}</dd></div>
  <div><dt>OpenClaw</dt><dd>${view.openclawVersion ?? '–'}</dd></div>
  <div><dt>Gateway</dt><dd>${view.gateway ? (view.gateway.live === false ? 'not live' : view.gateway.ready === false ? `not ready${view.gateway.failing?.length ? ` (${view.gateway.failing.join(', ')})` : ''}` : 'live') : '–'}</dd></div>
  ${view.pausedAt ? html`<div><dt>Paused</dt><dd>${ago(view.pausedAt, now)}</dd></div>` : ''}
  ${view.mutedUntil ? html`<div><dt>Muted until</dt><dd>${exact(view.mutedUntil)}</dd></div>` : ''}
</dl>
</div>
${viewer.role === 'admin' ? adminActions(view, viewer, path) : ''}
${view.spendByDay ? spendChart(view) : ''}
${hourlyChart(view)}
<section aria-labelledby="runs-h"><h2 id="runs-h">Runs per model, last 30 days</h2>
${view.runsByModel.length === 0 ? html`<p class="empty">No model calls in the last 30 days.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Model</th><th scope="col">Runs</th>${view.spendByDay ? html`<th scope="col">Spend</th>` : ''}</tr></thead>
<tbody>${view.runsByModel.map((m) => html`<tr><th scope="row">${m.model}</th><td class="num">${m.runs.toLocaleString('en-US')}</td>${m.usd !== undefined ? html`<td class="num">${usd(m.usd)}</td>` : ''}</tr>`)}</tbody></table></div>`}
</section>
${cronSection(view, now)}
${securitySection(view, now)}
<div data-live id="instance-events">${eventsSection(view.events, viewer, now, path)}</div>
${syncSection(view, now)}
${tokensSection(view, now)}`,
  );
}

function adminActions(view: InstanceView, viewer: DashboardViewer, back: string): Html {
  const form = (action: string, label: string, fields: Record<string, string> = {}) => html`<form method="post" action="${action}">
<input type="hidden" name="_csrf" value="${viewer.csrfToken}"><input type="hidden" name="back" value="${back}">
${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<button type="submit">${label}</button></form>`;
  const base = `/instances/${encodeURIComponent(view.name)}`;
  return html`<section class="actions" aria-label="Admin actions">
${view.mutedUntil ? form(`${base}/mute`, 'Unmute', { duration: 'off' }) : [form(`${base}/mute`, 'Mute 1 h', { duration: '1h' }), form(`${base}/mute`, 'Mute 24 h', { duration: '24h' })]}
${view.pausedAt ? form(`${base}/pause`, 'Resume', { paused: 'no' }) : form(`${base}/pause`, 'Pause', { paused: 'yes' })}
</section>`;
}

function spendChart(view: InstanceView): Html {
  const days = view.spendByDay!;
  const total = days.reduce((s, d) => s + Object.values(d.byModel).reduce((a, b) => a + b, 0), 0);
  const peak = days.reduce((best, d) => {
    const usdOfDay = Object.values(d.byModel).reduce((a, b) => a + b, 0);
    return usdOfDay > best.usd ? { day: d.day, usd: usdOfDay } : best;
  }, { day: days[0]!.day, usd: 0 });
  const summary = `Spend per day over 30 days: ${usd(total)} in all${peak.usd > 0 ? `, highest ${usd(peak.usd)} on ${peak.day.toISOString().slice(0, 10)}` : ''}.`;
  const data = { x: days.map((d) => d.day.getTime() / 1000), series: view.models.map((m) => ({ label: m, values: days.map((d) => d.byModel[m] ?? 0) })) };
  return html`<section aria-labelledby="spend-h"><h2 id="spend-h">Spend per day, last 30 days, by model</h2>
<figure class="chart" data-chart="spend" data-source="chart-spend" role="img" aria-label="${summary}">
<div class="chart-canvas"></div><figcaption>${summary}</figcaption></figure>
${jsonBlock('chart-spend', data)}
<details><summary>Spend per day as a table</summary><div class="table-wrap"><table>
<thead><tr><th scope="col">Day</th>${view.models.map((m) => html`<th scope="col">${m}</th>`)}<th scope="col">Total</th></tr></thead>
<tbody>${days.map((d) => html`<tr><th scope="row">${d.day.toISOString().slice(0, 10)}</th>${view.models.map((m) => html`<td class="num">${usd(d.byModel[m] ?? 0)}</td>`)}<td class="num">${usd(Object.values(d.byModel).reduce((a, b) => a + b, 0))}</td></tr>`)}</tbody>
</table></div></details></section>`;
}

function hourlyChart(view: InstanceView): Html {
  const tokens = view.hourly.reduce((s, h) => s + h.tokens, 0);
  const errors = view.hourly.reduce((s, h) => s + h.errors, 0);
  const summary = `Tokens and errors per hour over 48 hours: ${tokens.toLocaleString('en-US')} tokens, ${errors} errors.`;
  const data = { x: view.hourly.map((h) => h.hour.getTime() / 1000), tokens: view.hourly.map((h) => h.tokens), errors: view.hourly.map((h) => h.errors) };
  return html`<section aria-labelledby="hourly-h"><h2 id="hourly-h">Tokens and errors per hour, last 48 hours</h2>
<figure class="chart" data-chart="hourly" data-source="chart-hourly" role="img" aria-label="${summary}">
<div class="chart-canvas"></div><figcaption>${summary}</figcaption></figure>
${jsonBlock('chart-hourly', data)}
<details><summary>Tokens and errors per hour as a table</summary><div class="table-wrap"><table>
<thead><tr><th scope="col">Hour (UTC)</th><th scope="col">Tokens</th><th scope="col">Errors</th><th scope="col">Runs</th></tr></thead>
<tbody>${view.hourly.filter((h) => h.runs > 0 || h.errors > 0).map((h) => html`<tr><th scope="row">${h.hour.toISOString().slice(0, 13).replace('T', ' ')}:00</th><td class="num">${h.tokens.toLocaleString('en-US')}</td><td class="num">${h.errors}</td><td class="num">${h.runs}</td></tr>`)}</tbody>
</table></div></details></section>`;
}

function cronSection(view: InstanceView, now: Date): Html {
  return html`<section aria-labelledby="cron-h"><h2 id="cron-h">Cron jobs</h2>
${view.cron.length === 0 ? html`<p class="empty">No cron jobs reported.</p>` : html`<div class="table-wrap"><table class="cron">
<thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col">Last run</th><th scope="col">Status</th><th scope="col">Next run</th><th scope="col">Recent runs</th></tr></thead>
<tbody>${view.cron.map((job) => html`<tr data-job="${job.name}">
<th scope="row">${job.name}${job.enabled ? '' : html` <span class="muted">(disabled)</span>`}</th>
<td>${job.schedule}</td>
<td>${ago(job.lastRunAt, now)}</td>
<td>${job.autoDisabled ? html`<span class="bad">auto-disabled</span>` : job.lastStatus === 'error' ? html`<span class="bad">error${job.lastErrorReason ? `: ${job.lastErrorReason}` : ''}</span>${job.consecutiveErrors > 1 ? html` <span class="muted">(${job.consecutiveErrors} in a row)</span>` : ''}` : job.lastStatus ? html`<span class="ok">${job.lastStatus}</span>` : html`<span class="muted">not run yet</span>`}</td>
<td>${ago(job.nextRunAt, now, '–')}</td>
<td><span class="strip" role="img" aria-label="${job.recent.length === 0 ? 'no runs seen' : `last ${job.recent.length} runs: ${job.recent.map((r) => r.status).join(', ')}`}">${job.recent.map((r) => html`<span class="run run-${r.status === 'ok' ? 'ok' : r.status === 'error' ? 'error' : 'other'}" title="${r.at.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${r.status}"></span>`)}</span></td>
</tr>`)}</tbody></table></div>`}
</section>`;
}

function securitySection(view: InstanceView, now: Date): Html {
  const current = view.security.current;
  const audit = current.audit as { critical?: number; warn?: number } | undefined;
  const fields: [string, unknown][] = [
    ['Bind', current.bind],
    ['Auth mode', current.authMode],
    ['Tailscale', current.tailscaleMode],
    ['State dir mode', current.stateDirMode],
    ['Config mode', current.configMode],
    ['Audit findings', audit ? `${audit.critical ?? 0} critical, ${audit.warn ?? 0} warnings` : undefined],
  ];
  return html`<section aria-labelledby="security-h"><h2 id="security-h">Security posture</h2>
<dl class="facts">${fields.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => html`<div><dt>${k}</dt><dd>${String(v)}</dd></div>`)}</dl>
${view.security.changes.length === 0 ? html`<p class="muted">No regression recorded.</p>` : html`<h3>What regressed, and when</h3><ul class="timeline">${view.security.changes.map((e) => html`<li>${exact(e.openedAt)}: ${e.summary}${e.resolvedAt ? html` — restored ${ago(e.resolvedAt, now)} (after ${humanDuration(e.durationMs)})` : html` — <strong>still open</strong>`}</li>`)}</ul>`}
</section>`;
}

export function eventsSection(events: (TimelineEvent & { instance?: string })[], viewer: DashboardViewer, now: Date, back: string, title = 'Events'): Html {
  return html`<section aria-labelledby="events-h"><h2 id="events-h">${title}</h2>
${events.length === 0 ? html`<p class="empty">No events.</p>` : html`<div class="table-wrap"><table class="events">
<thead><tr><th scope="col">Opened</th>${events[0]!.instance !== undefined ? html`<th scope="col">Instance</th>` : ''}<th scope="col">Kind</th><th scope="col">What</th><th scope="col">State</th><th scope="col">Duration</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${events.map((e) => html`<tr data-event="${e.id}" data-kind="${e.kind}" data-state="${e.state}">
<td>${exact(e.openedAt)}</td>
${e.instance !== undefined ? html`<td><a href="/instances/${encodeURIComponent(e.instance)}">${e.instance}</a></td>` : ''}
<td><span class="badge kind">${e.kind}</span></td>
<td>${e.summary}${'details' in e ? figures((e as { details: Record<string, unknown> }).details) : ''}${e.resolveSummary ? html`<br><span class="muted">${e.resolveSummary}</span>` : ''}</td>
<td>${e.state === 'resolved' ? html`resolved ${ago(e.resolvedAt, now)}` : e.state === 'acked' ? html`acked by ${e.ackedBy ?? 'someone'} ${ago(e.ackedAt, now)}` : html`<strong>open</strong>`}</td>
<td>${humanDuration(e.durationMs)}${e.state === 'resolved' ? '' : ' so far'}</td>
<td>${e.state === 'open' ? html`<form method="post" action="/events/${e.id}/ack"><input type="hidden" name="_csrf" value="${viewer.csrfToken}"><input type="hidden" name="back" value="${back}"><button type="submit">Ack</button></form>` : ''}</td>
</tr>`)}</tbody></table></div>`}
</section>`;
}

/** The figures that opened an event, as short label: value pairs. */
function figures(details: Record<string, unknown>): Html {
  const entries = Object.entries(details).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x !== 'object')));
  if (entries.length === 0) return html``;
  return html`<ul class="figures">${entries.slice(0, 8).map(([k, v]) => html`<li><span class="muted">${k}</span> ${Array.isArray(v) ? v.join(', ') : String(v)}</li>`)}</ul>`;
}

function syncSection(view: InstanceView, now: Date): Html {
  const { receivedAt, gaps } = view.syncs;
  return html`<section aria-labelledby="sync-h"><h2 id="sync-h">Sync history, last 48 hours</h2>
<p>${receivedAt.length} snapshot${receivedAt.length === 1 ? "" : "s"} received${receivedAt.length > 0 ? html`, the first ${ago(receivedAt[0], now)}` : ''}; expected every ${humanDuration(view.intervalSeconds * 1000)}.</p>
${gaps.length === 0 ? html`<p class="ok">No gaps longer than twice the interval.</p>` : html`<h3>Gaps</h3><ul class="gaps">${gaps.map((g) => html`<li>${exact(g.from)} → ${exact(g.to)}: <strong>${humanDuration(g.to.getTime() - g.from.getTime())}</strong> without a snapshot</li>`)}</ul>`}
</section>`;
}

function tokensSection(view: InstanceView, now: Date): Html {
  return html`<section aria-labelledby="tokens-h"><h2 id="tokens-h">Sync tokens</h2>
${view.tokens.length === 0 ? html`<p class="empty">No tokens.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Token id</th><th scope="col">Issued</th><th scope="col">By</th><th scope="col">First used</th><th scope="col">State</th></tr></thead>
<tbody>${view.tokens.map((t) => html`<tr><th scope="row"><code>${t.visibleId}…</code></th><td>${exact(t.createdAt)}</td><td>${t.createdBy}</td><td>${t.firstUsedAt ? exact(t.firstUsedAt) : html`<span class="muted">not yet</span>`}</td><td>${t.state}${t.state === 'expiring' ? html` (until ${exact(t.worksUntil)})` : ''}</td></tr>`)}</tbody>
</table></div>`}
</section>`;
}
