/** A ChatAdapter that records what it was asked to do and can be told to fail: our own port, faked. */
import { DeliveryError, type ChatAdapter, type MessageRef } from '../../bot/chat/chat-adapter.ts';
import type { OutboundMessage } from '../../bot/messages/alert-message.ts';

export type Call =
  | { call: 'post'; channelId: string; message: OutboundMessage }
  | { call: 'update'; ref: MessageRef; message: OutboundMessage }
  | { call: 'reply'; ref: MessageRef; text: string };

export interface RecordingAdapter extends ChatAdapter {
  calls: Call[];
  /** Failures to throw on the next calls, in order. */
  failNext: DeliveryError[];
}

export function recordingAdapter(platform = 'recording'): RecordingAdapter {
  let counter = 0;
  const adapter: RecordingAdapter = {
    platform,
    calls: [],
    failNext: [],
    async post(channelId, message) {
      const failure = adapter.failNext.shift();
      if (failure) throw failure;
      adapter.calls.push({ call: 'post', channelId, message });
      return { channel: channelId, ts: `${++counter}` };
    },
    async update(ref, message) {
      adapter.calls.push({ call: 'update', ref, message });
    },
    async reply(ref, text) {
      adapter.calls.push({ call: 'reply', ref, text });
      return { channel: String(ref.channel), ts: `${++counter}` };
    },
  };
  return adapter;
}

export { DeliveryError };
