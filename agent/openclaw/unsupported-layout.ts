/**
 * OpenClaw state the agent does not understand: a known database without the tables or columns
 * it needs, or a state file of an unknown shape — most likely a newer OpenClaw release. It is
 * reported in the snapshot (`gateway.failing: ["unsupported-openclaw-layout"]`) and in the agent's
 * output, never thrown out of a sync: the rest of the snapshot is still worth sending.
 */
export const UNSUPPORTED_LAYOUT = 'unsupported-openclaw-layout';

export class UnsupportedLayoutError extends Error {
  readonly code = 'unsupported_openclaw_layout';

  constructor(detail: string) {
    super(`unsupported OpenClaw layout: ${detail}`);
    this.name = 'UnsupportedLayoutError';
  }
}
