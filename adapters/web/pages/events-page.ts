/** `/events`: open and recent events, filtered by kind and instance with a plain GET form. */
import { EVENT_KINDS } from '../../../bot/commands/grammar.ts';
import type { ListedDashboardEvent } from '../../../bot/dashboard/events-view.ts';
import type { DashboardViewer } from '../../../bot/dashboard/roles.ts';
import { updatedLine } from '../format.ts';
import { html, type Html } from '../html.ts';
import { page } from '../layout.ts';
import { eventsSection } from './instance-page.ts';

export function eventsPage(input: { events: ListedDashboardEvent[]; instances: string[]; viewer: DashboardViewer; now: Date; filter: { kind?: string; instance?: string }; notice?: string; back: string }): Html {
  const { filter } = input;
  return page(
    { title: 'Events', viewer: input.viewer, section: 'events', live: true, now: input.now, notice: input.notice },
    html`<h1>Events</h1>
<form class="filters" method="get" action="/events" role="search">
  <label>Kind <select name="kind"><option value="">any</option>${EVENT_KINDS.map((k) => html`<option value="${k}"${filter.kind === k ? html` selected` : ''}>${k}</option>`)}</select></label>
  <label>Instance <select name="instance"><option value="">any</option>${input.instances.map((n) => html`<option value="${n}"${filter.instance === n ? html` selected` : ''}>${n}</option>`)}</select></label>
  <button type="submit">Apply</button>
</form>
<div data-live id="events-live">
${updatedLine(input.now)}
<p class="muted">Open events first, then those opened in the last 30 days.</p>
${eventsSection(input.events, input.viewer, input.now, input.back, `${input.events.filter((e) => e.state !== 'resolved').length} open, ${input.events.filter((e) => e.state === 'resolved').length} resolved`)}
</div>`,
  );
}
