/**
 * The one REST client of the Discord integration (posting alerts, answering interactions,
 * registering commands), built so that the outbox stays in charge of waiting: on a rate limit
 * for a channel route it rejects at once with Discord's retry_after instead of queueing the call
 * and retrying behind the outbox's back, and it never retries a 5xx on its own. Interaction
 * answers (webhook routes) may wait out a rate limit: nobody else would retry them.
 */
import { REST } from '@discordjs/rest';

export function discordRest(input: { apiUrl: string; botToken: string; timeoutMs?: number }): REST {
  return new REST({
    api: input.apiUrl,
    version: '10',
    rejectOnRateLimit: (limit) => limit.route.startsWith('/channels'),
    retries: 0,
    // Discord's Retry-After exactly, without the library's 50 ms of margin.
    offset: 0,
    timeout: input.timeoutMs ?? 10_000,
  }).setToken(input.botToken);
}
