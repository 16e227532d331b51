import { describe, expect, it } from 'vitest';
import { isSecretTokenValid } from './webhook.ts';

describe('the webhook secret check', () => {
  const secret = 'k3Yq_8dVn2-LmP4sW9xZ0aB7cE5fG1hJ';

  it('accepts exactly the configured secret', () => {
    expect(isSecretTokenValid(secret, secret)).toBe(true);
  });

  it('refuses a missing, empty, shorter, longer or different one', () => {
    for (const given of [undefined, '', secret.slice(0, -1), `${secret}x`, secret.toUpperCase(), `${secret.slice(0, -1)}K`]) {
      expect(isSecretTokenValid(given, secret)).toBe(false);
    }
  });
});
