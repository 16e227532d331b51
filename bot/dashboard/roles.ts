/**
 * Who is looking at the dashboard: a viewer (states, events, and spend unless the workspace hides
 * it) or an admin (also Mute, Pause, the audit log, sessions and share links). A session carries
 * the role its person had when they asked for the link; a later promotion needs a new link.
 */
import type { Workspace } from '../storage/entities/index.ts';

export type DashboardRole = 'viewer' | 'admin';

export interface DashboardViewer {
  sessionId: string;
  workspace: Workspace;
  role: DashboardRole;
  /** `slack:U123`, `cli:alice`: what the audit log names. */
  person: string;
  personName: string;
  csrfToken: string;
}

export function isDashboardRole(value: string): value is DashboardRole {
  return value === 'viewer' || value === 'admin';
}
