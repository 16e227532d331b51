/** How the dashboard writes times and amounts: relative with the exact time on hover, dollars to the cent. */
import { humanDuration, utcMinute } from '../../bot/human-format.ts';
import { html, type Html } from './html.ts';

/** "3 min ago", exact UTC time in the tooltip; dashboard.js keeps the relative text current. */
export function ago(at: Date | undefined, now: Date, never = 'never'): Html {
  if (!at) return html`<span class="muted">${never}</span>`;
  const ms = now.getTime() - at.getTime();
  const text = ms >= 0 ? `${humanDuration(ms)} ago` : `in ${humanDuration(-ms)}`;
  return html`<time datetime="${at.toISOString()}" title="${utcMinute(at)}" data-relative>${text}</time>`;
}

export function exact(at: Date | undefined): Html {
  if (!at) return html`<span class="muted">–</span>`;
  return html`<time datetime="${at.toISOString()}">${utcMinute(at)}</time>`;
}

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$15,700.45": the dashboard's figures get thousands separators (chat keeps `dollars`). */
export function usd(amount: number | undefined): string {
  return amount === undefined ? '' : USD.format(amount);
}

export { humanDuration };

/** "Updated 2 s ago": when the figures around it were read; dashboard.js keeps it counting. */
export function updatedLine(now: Date): Html {
  return html`<p class="updated" aria-live="polite">Updated <time datetime="${now.toISOString()}" data-relative data-updated>0 s ago</time></p>`;
}
