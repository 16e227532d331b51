/**
 * `/reports`: CSV and JSON exports for a date range, and (admins) share links for spend reports —
 * the form to make one, the working ones, and a button to revoke each.
 */
import { DEFAULT_SHARE_DAYS, MAX_SHARE_DAYS, type SharedReport } from '../../../bot/dashboard/share-links.ts';
import { day, type DayRange } from '../../../bot/dashboard/day-range.ts';
import type { DashboardViewer } from '../../../bot/dashboard/roles.ts';
import { exact } from '../format.ts';
import { html, type Html } from '../html.ts';
import { page } from '../layout.ts';

export function reportsPage(input: { viewer: DashboardViewer; now: Date; range: DayRange; showCost: boolean; shares?: SharedReport[]; created?: { url: string; expiresAt: Date }; notice?: string }): Html {
  const { viewer, range } = input;
  const q = `from=${day(range.from)}&to=${day(range.to)}`;
  return page(
    { title: 'Reports', viewer, section: 'reports', now: input.now, notice: input.notice },
    html`<h1>Reports</h1>
<section aria-labelledby="export-h"><h2 id="export-h">Export</h2>
<form class="filters" method="get" action="/reports">
  <label>From <input type="date" name="from" value="${day(range.from)}" required></label>
  <label>To <input type="date" name="to" value="${day(range.to)}" required></label>
  <button type="submit">Set range</button>
</form>
<ul class="exports">
  ${input.showCost ? html`<li>Daily spend per instance and model: <a href="/reports/spend.csv?${q}" download>CSV</a> · <a href="/reports/spend.json?${q}">JSON</a></li>` : html`<li class="muted">Spend exports are hidden for viewers in this workspace.</li>`}
  <li>Events: <a href="/reports/events.csv?${q}" download>CSV</a> · <a href="/reports/events.json?${q}">JSON</a></li>
</ul>
</section>
${viewer.role === 'admin' ? shareSection(input) : ''}`,
  );
}

function shareSection(input: Parameters<typeof reportsPage>[0]): Html {
  const { viewer, range } = input;
  return html`<section aria-labelledby="share-h"><h2 id="share-h">Share a spend report</h2>
${input.created ? html`<div class="notice created" role="status"><p>Share link created. Copy it now; it is shown only this once and expires ${exact(input.created.expiresAt)}:</p><p><input class="share-url" type="text" readonly value="${input.created.url}" aria-label="Share link"></p></div>` : ''}
<p class="muted">A read-only page with aggregate spend (per day and per model) of this workspace. Tokens ids, versions, instance names and cron job names stay out unless ticked in.</p>
<form method="post" action="/share-links" class="share-form">
  <input type="hidden" name="_csrf" value="${viewer.csrfToken}">
  <label>From <input type="date" name="from" value="${day(range.from)}" required></label>
  <label>To <input type="date" name="to" value="${day(range.to)}" required></label>
  <label>Expires after <input type="number" name="days" min="1" max="${MAX_SHARE_DAYS}" value="${DEFAULT_SHARE_DAYS}" required> days</label>
  <fieldset><legend>Also include</legend>
    <label><input type="checkbox" name="include" value="instances"> instance names</label>
    <label><input type="checkbox" name="include" value="versions"> agent and OpenClaw versions</label>
    <label><input type="checkbox" name="include" value="cron"> cron job names and health</label>
  </fieldset>
  <button type="submit">Create share link</button>
</form>
<h3>Working share links</h3>
${input.shares && input.shares.length > 0 ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Link</th><th scope="col">Range</th><th scope="col">Includes</th><th scope="col">By</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${input.shares.map((s) => html`<tr data-share="${s.id}"><th scope="row"><code>${s.visibleId}…</code></th><td>${day(s.range.from)} – ${day(s.range.to)}</td><td>${s.includes.length ? s.includes.join(', ') : 'aggregates only'}</td><td>${s.createdBy}</td><td>${exact(s.expiresAt)}</td>
<td><form method="post" action="/share-links/${s.id}/revoke"><input type="hidden" name="_csrf" value="${viewer.csrfToken}"><button type="submit">Revoke</button></form></td></tr>`)}</tbody></table></div>` : html`<p class="empty">None.</p>`}
</section>`;
}
