/**
 * The page shell: header with the workspace and navigation, sign out, and the one stylesheet and
 * script (both from our own origin; no inline script or style anywhere, so the CSP can forbid them).
 */
import type { DashboardViewer } from '../../bot/dashboard/roles.ts';
import { html, type Html } from './html.ts';

export interface PageOptions {
  title: string;
  viewer?: DashboardViewer;
  /** Which navigation entry is current. */
  section?: 'fleet' | 'events' | 'reports' | 'audit' | 'sessions';
  /** The page refreshes its `[data-live]` parts on server-sent events. */
  live?: boolean;
  /** Loads uPlot and the chart script. */
  charts?: boolean;
  notice?: string;
  now: Date;
}

export function page(options: PageOptions, body: Html): Html {
  const { viewer } = options;
  const nav = (section: NonNullable<PageOptions['section']>, href: string, label: string) =>
    html`<a href="${href}"${section === options.section ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${options.title} · DeepClaw</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/dashboard.css">
${options.charts ? html`<link rel="stylesheet" href="/assets/uPlot.min.css">
<script src="/assets/uPlot.iife.min.js" defer></script>
<script src="/assets/charts.js" defer></script>` : ''}
<script src="/assets/dashboard.js" defer></script>
</head>
<body${options.live ? html` data-live="/live"` : ''}>
<header class="top">
  <a class="brand" href="/">DeepClaw</a>
  ${viewer
    ? html`<span class="workspace" title="workspace">${viewer.workspace.name}</span>
  <nav aria-label="Dashboard">
    ${nav('fleet', '/', 'Fleet')}
    ${nav('events', '/events', 'Events')}
    ${nav('reports', '/reports', 'Reports')}
    ${viewer.role === 'admin' ? [nav('audit', '/audit', 'Audit'), nav('sessions', '/sessions', 'Sessions')] : ''}
  </nav>
  <form method="post" action="/sign-out" class="sign-out">
    <input type="hidden" name="_csrf" value="${viewer.csrfToken}">
    <span class="who">${viewer.personName} · ${viewer.role}</span>
    <button type="submit">Sign out</button>
  </form>`
    : ''}
</header>
<main id="main">
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${body}
</main>
</body>
</html>
`;
}

/** A page that only says something: signed out, not found, not allowed, a refused link. */
export function messagePage(options: { title: string; now: Date; viewer?: DashboardViewer }, ...paragraphs: (string | Html)[]): Html {
  return page({ title: options.title, now: options.now, viewer: options.viewer }, html`<section class="message"><h1>${options.title}</h1>${paragraphs.map((p) => html`<p>${p}</p>`)}</section>`);
}
