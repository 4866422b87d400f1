import { describe, expect, it } from 'vitest';
import { apiKeySecretMatches, generateApiKey, parseApiKey } from './api-key-format.ts';

describe('API key format', () => {
  it('round-trips a generated key and matches only its own secret', () => {
    const k = generateApiKey();
    const parsed = parseApiKey(k.key);
    expect(parsed?.prefix).toBe(k.prefix);
    expect(apiKeySecretMatches(parsed!.secret, k.hash)).toBe(true);
    expect(apiKeySecretMatches(generateApiKey().key.slice(18), k.hash)).toBe(false);
    expect(k.hash).not.toContain(parsed!.secret);
  });

  it.each(['', 'ofk_', 'ofk_ABCDEF012345_x', 'Bearer ofk_0123456789ab_' + 'a'.repeat(43), 'ofk_0123456789ab_' + 'a'.repeat(42)])(
    'rejects %j',
    (token) => {
      expect(parseApiKey(token)).toBeNull();
    },
  );
});
