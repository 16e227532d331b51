/**
 * What `deliverDue` tells an observer about each row it handles (metrics watch through it), so
 * the delivery code stays free of any metrics library.
 */
export type DeliveryOutcome =
  /** The platform accepted the post, edit or reply. `openedAt` is when the event opened. */
  | { result: 'sent'; platform: string; action: string; openedAt: Date; acceptedAt: Date }
  /** Tried again later: the platform asked to wait, a transient failure, the per-channel limit, or an alert still on its way. */
  | { result: 'retried'; platform: string; reason: 'retry-after' | 'transient' | 'channel-limit' | 'deferred' }
  /** Given up: a permanent refusal, or too many attempts. */
  | { result: 'failed'; platform: string; reason: 'permanent' | 'attempts-exhausted' };

export interface DeliveryObserver {
  delivered(outcome: DeliveryOutcome): void;
}
