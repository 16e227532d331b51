/**
 * Where snapshots go: `DEEPCLAW_API_URL`, the service's base URL. HTTPS only — the request carries
 * the sync token — except to this machine itself (localhost, 127.0.0.0/8, ::1), where plain HTTP
 * never crosses a wire. A path prefix is kept (`https://example.com/deepclaw` ->
 * `https://example.com/deepclaw/v1/snapshots`).
 */
import { AgentError } from './agent-error.ts';
import { EXIT } from './exit-codes.ts';

export function snapshotEndpoint(raw: string | undefined): URL {
  const value = raw?.trim();
  if (!value) {
    throw new AgentError('api_url_missing', 'DEEPCLAW_API_URL is not set; set it to your DeepClaw address, like https://deepclaw.example.com', EXIT.apiUrl);
  }
  let base: URL;
  try {
    base = new URL(value);
  } catch {
    throw new AgentError('api_url_invalid', `DEEPCLAW_API_URL is not a URL: "${value}"; expected something like https://deepclaw.example.com`, EXIT.apiUrl);
  }
  if (base.username || base.password) {
    throw new AgentError('api_url_credentials', 'DEEPCLAW_API_URL must not contain a user name or password; the sync token is the only credential', EXIT.apiUrl);
  }
  if (base.protocol === 'http:' && !isLoopback(base.hostname)) {
    throw new AgentError(
      'api_url_insecure',
      `refusing to send the sync token over plain HTTP to ${base.host}; use https:// (plain http:// is allowed only to localhost)`,
      EXIT.apiUrl,
    );
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new AgentError('api_url_invalid', `DEEPCLAW_API_URL must start with https://, not ${base.protocol}//`, EXIT.apiUrl);
  }
  const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return new URL(`${path}v1/snapshots`, base.origin);
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
