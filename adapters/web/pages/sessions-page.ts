/** `/sessions` (admins): who is signed in to this workspace, and a button to end any session. */
import type { ListedSession } from '../../../bot/dashboard/sessions.ts';
import type { DashboardViewer } from '../../../bot/dashboard/roles.ts';
import { ago, exact } from '../format.ts';
import { html, type Html } from '../html.ts';
import { page } from '../layout.ts';

export function sessionsPage(input: { sessions: ListedSession[]; viewer: DashboardViewer; now: Date; notice?: string }): Html {
  const { viewer, now } = input;
  return page(
    { title: 'Sessions', viewer, section: 'sessions', now, notice: input.notice },
    html`<h1>Signed-in sessions</h1>
<p class="muted">Sessions end after 12 hours without use, and 7 days after sign-in in any case. At the terminal: <code>deepclaw dashboard sessions</code>, <code>deepclaw dashboard revoke &lt;id&gt;</code>.</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Id</th><th scope="col">Person</th><th scope="col">Role</th><th scope="col">Signed in</th><th scope="col">Last seen</th><th scope="col">Ends</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${input.sessions.map((s) => html`<tr data-session="${s.id}"><th scope="row"><code>${s.id.slice(0, 8)}</code>${s.id === viewer.sessionId ? html` <span class="muted">(this one)</span>` : ''}</th><td>${s.personName} <span class="muted">${s.person}</span></td><td>${s.role}</td><td>${exact(s.createdAt)}</td><td>${ago(s.lastSeenAt, now)}</td><td>${exact(s.expiresAt)}</td>
<td><form method="post" action="/sessions/${s.id}/revoke"><input type="hidden" name="_csrf" value="${viewer.csrfToken}"><button type="submit">End</button></form></td></tr>`)}</tbody>
</table></div>`,
  );
}
