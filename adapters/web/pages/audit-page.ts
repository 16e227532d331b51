/** `/audit` (admins): the workspace's audit log, newest first. */
import type { AuditLog } from '../../../bot/storage/entities/index.ts';
import type { DashboardViewer } from '../../../bot/dashboard/roles.ts';
import { exact } from '../format.ts';
import { html, type Html } from '../html.ts';
import { page } from '../layout.ts';

export function auditPage(input: { rows: AuditLog[]; viewer: DashboardViewer; now: Date }): Html {
  return page(
    { title: 'Audit log', viewer: input.viewer, section: 'audit', now: input.now },
    html`<h1>Audit log</h1>
<p class="muted">The newest ${input.rows.length} entries of workspace ${input.viewer.workspace.name}. The CLI shows more: <code>deepclaw audit --limit 1000</code>.</p>
<div class="table-wrap"><table class="audit">
<thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Subject</th><th scope="col">Who</th><th scope="col">From</th><th scope="col">Details</th></tr></thead>
<tbody>${input.rows.map((r) => html`<tr><td>${exact(r.at)}</td><td><code>${r.action}</code></td><td>${r.subject ?? ''}</td><td>${r.actor}</td><td>${r.origin}</td><td><code class="details">${Object.keys(r.details ?? {}).length ? JSON.stringify(r.details) : ''}</code></td></tr>`)}</tbody>
</table></div>`,
  );
}
