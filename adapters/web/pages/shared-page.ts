/**
 * `/shared/<secret>`: the spend report a share link opens, for anyone holding the link. It says
 * what it is, whose, over which days, and when the link expires; it has no navigation into the
 * dashboard and carries only the aggregates the link allows.
 */
import type { SpendAggregate } from '../../../bot/dashboard/spend-report.ts';
import type { SharedReport } from '../../../bot/dashboard/share-links.ts';
import { exact, usd } from '../format.ts';
import { html, jsonBlock, type Html } from '../html.ts';
import { page } from '../layout.ts';

export function sharedPage(input: { share: SharedReport; report: SpendAggregate; now: Date }): Html {
  const { share, report } = input;
  const summary = `Spend per day from ${report.range.from} to ${report.range.to}: ${usd(report.totalUsd)} in all.`;
  return page(
    { title: `Spend report ${report.range.from} – ${report.range.to}`, now: input.now, charts: true },
    html`<h1>Spend report of workspace ${share.workspace.name}</h1>
<p class="notice shared" role="note">A read-only report shared from DeepClaw: aggregate spend from ${report.range.from} to ${report.range.to} (UTC days). This link expires ${exact(share.expiresAt)} and can be revoked at any time by the workspace's admins.</p>
<section class="totals"><div><span class="figure">${usd(report.totalUsd)}</span> total over ${report.range.days} days</div></section>
<figure class="chart" data-chart="daily" data-source="chart-daily" role="img" aria-label="${summary}"><div class="chart-canvas"></div><figcaption>${summary}</figcaption></figure>
${jsonBlock('chart-daily', { x: report.byDay.map((d) => Date.parse(d.day) / 1000), values: report.byDay.map((d) => d.usd) })}
<details><summary>Spend per day as a table</summary><div class="table-wrap"><table><thead><tr><th scope="col">Day</th><th scope="col">Spend</th></tr></thead>
<tbody>${report.byDay.map((d) => html`<tr><th scope="row">${d.day}</th><td class="num">${usd(d.usd)}</td></tr>`)}</tbody></table></div></details>
<h2>By model</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Model</th><th scope="col">Runs</th><th scope="col">Spend</th></tr></thead>
<tbody>${report.byModel.map((m) => html`<tr><th scope="row">${m.model}</th><td class="num">${m.runs.toLocaleString('en-US')}</td><td class="num">${usd(m.usd)}</td></tr>`)}</tbody></table></div>
${report.byInstance ? html`<h2>By instance</h2><div class="table-wrap"><table><thead><tr><th scope="col">Instance</th><th scope="col">Spend</th>${share.includes.includes('versions') ? html`<th scope="col">OpenClaw</th><th scope="col">Agent</th>` : ''}</tr></thead>
<tbody>${report.byInstance.map((i) => html`<tr><th scope="row">${i.instance}</th><td class="num">${usd(i.usd)}</td>${share.includes.includes('versions') ? html`<td>${i.openclawVersion ?? '–'}</td><td>${i.agentVersion ?? '–'}</td>` : ''}</tr>`)}</tbody></table></div>` : ''}
${report.cron ? html`<h2>Cron jobs</h2><div class="table-wrap"><table><thead><tr>${share.includes.includes('instances') ? html`<th scope="col">Instance</th>` : ''}<th scope="col">Job</th><th scope="col">Status</th></tr></thead>
<tbody>${report.cron.map((j) => html`<tr>${share.includes.includes('instances') ? html`<td>${j.instance}</td>` : ''}<th scope="row">${j.job}</th><td>${j.status}</td></tr>`)}</tbody></table></div>` : ''}`,
  );
}
