import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Signed chat requests seen in the last few minutes (Slack signatures, later Discord's), so a
 * captured request replayed inside its signature window is refused by every web process, not only
 * the one that saw it first. Rows older than the window are deleted as new ones arrive.
 */
export const InboundRequest = defineEntity({
  name: 'InboundRequest',
  tableName: 'inbound_request',
  properties: {
    /** `slack:` + the SHA-256 of the signature header: unique per signed request. */
    key: p.string().length(80).primary(),
    seenAt: p.datetime(),
  },
  // Serves the pruning of rows past the window.
  indexes: [{ properties: ['seenAt'] }],
});

export type InboundRequest = InferEntity<typeof InboundRequest>;
