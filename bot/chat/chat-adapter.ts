/**
 * The outbound chat port: what the notifier needs from a platform, nothing more. Each adapter
 * (adapters/<platform>/) implements it with its SDK; the core never sees an SDK.
 */
import type { OutboundMessage } from '../messages/alert-message.ts';

/** A platform's handle on a posted message (Slack channel + ts, Telegram chat + message id, …). */
export type MessageRef = Record<string, string | number>;

/** A platform's flood limit: at most `messages` in any window of `perSeconds`. */
export interface SendLimit {
  messages: number;
  perSeconds: number;
}

export interface ChatAdapter {
  /** `slack`, `discord`, `telegram`, `console`: matches `subscription.platform`. */
  platform: string;
  post(channelId: string, message: OutboundMessage): Promise<MessageRef>;
  /** Replaces the posted message in place (on ack and resolve). */
  update(ref: MessageRef, message: OutboundMessage): Promise<void>;
  /** A short reply under the posted message (thread, reply-to). */
  reply(ref: MessageRef, text: string): Promise<MessageRef>;
  /**
   * The platform's flood limits for a channel, which the outbox counts across workers, and the
   * channel they are counted as (a Telegram forum topic counts into its group). Optional: without
   * it the outbox's own per-second limit applies to the channel itself (Slack).
   */
  sendLimits?(channelId: string): { countedAs: string; limits: readonly SendLimit[] };
}

/**
 * A delivery that did not happen, as data: the platform asked us to wait, the failure is
 * permanent (bot removed, channel gone: the subscription is disabled), or it may pass (network).
 */
export class DeliveryError extends Error {
  readonly kind: 'retry-after' | 'permanent' | 'transient';
  readonly retryAfterSeconds?: number;

  constructor(kind: 'retry-after' | 'permanent' | 'transient', message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'DeliveryError';
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
