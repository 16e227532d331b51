/**
 * What a page says after a form sent the person back to it (`?notice=acked`). Codes, not text, go
 * in the URL: a link cannot make the dashboard say something it would not.
 */
export const NOTICES: Record<string, string> = {
  acked: 'Acknowledged. Reminders for it stop; it still resolves on its own.',
  'nothing-to-ack': 'Nothing to acknowledge: it was already acknowledged or has resolved.',
  muted: 'Muted. Events still open and resolve; their alerts are held back until then.',
  unmuted: 'Unmuted: alerts are sent again.',
  paused: 'Paused: snapshots are still stored, but no events are raised.',
  resumed: 'Resumed: events are raised again.',
  'share-revoked': 'Share link revoked: it stopped working just now.',
  'session-ended': 'Session ended.',
  'signed-in': 'Signed in.',
};
