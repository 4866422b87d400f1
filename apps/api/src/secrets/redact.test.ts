import { describe, expect, it } from 'vitest';
import { ConnectorAuthError } from '../connectors/billing-connector.ts';
import { REDACTED, SecretRedactor } from './redact.ts';

describe('SecretRedactor', () => {
  it('removes a secret in plain, JSON-escaped and URL-encoded form', () => {
    const r = new SecretRedactor(['p@ss/word"x']);
    expect(r.redact('login p@ss/word"x failed')).toBe(`login ${REDACTED} failed`);
    expect(r.redact(JSON.stringify({ pw: 'p@ss/word"x' }))).toBe(`{"pw":"${REDACTED}"}`);
    expect(r.redact(`?pw=${encodeURIComponent('p@ss/word"x')}`)).toBe(`?pw=${REDACTED}`);
  });

  it('registers the string fields of a JSON secret (service-account key) on their own', () => {
    const key = JSON.stringify({ type: 'service_account', private_key: '-----BEGIN PRIVATE KEY-----\nABCDEF\n-----END PRIVATE KEY-----\n' });
    const r = new SecretRedactor([key]);
    expect(r.redact('bad key: -----BEGIN PRIVATE KEY-----\nABCDEF\n-----END PRIVATE KEY-----\n')).toBe(`bad key: ${REDACTED}`);
    expect(r.redact('type service_account')).toBe(`type ${REDACTED}`);
  });

  it('ignores values too short to be secrets and leaves other text alone', () => {
    const r = new SecretRedactor(['ab', '', 'long-enough-secret']);
    expect(r.size).toBeGreaterThan(0);
    expect(r.redact('ab cd')).toBe('ab cd');
  });

  it('redacts errors in place, keeping class and retryable, along the cause chain', () => {
    const r = new SecretRedactor(['top-secret-token']);
    const cause = new Error('sent top-secret-token');
    const err = r.redactError(new ConnectorAuthError('refused top-secret-token', { cause }));
    expect(err).toBeInstanceOf(ConnectorAuthError);
    expect((err as ConnectorAuthError).retryable).toBe(false);
    expect(err.message).toBe(`refused ${REDACTED}`);
    expect(err.stack).not.toContain('top-secret-token');
    expect(cause.message).toBe(`sent ${REDACTED}`);
    expect(r.redactError('plain top-secret-token').message).toBe(`plain ${REDACTED}`);
  });

  it('redacts errors whose message is read-only (an aborted signal\'s DOMException) and frozen ones by copy', () => {
    const r = new SecretRedactor(['top-secret-token']);
    const controller = new AbortController();
    controller.abort();
    const aborted = controller.signal.reason as DOMException;
    const withSecret = new DOMException('stopped while sending top-secret-token', 'AbortError');
    expect(() => r.redactError(aborted)).not.toThrow();
    const redacted = r.redactError(withSecret);
    expect(redacted).toBe(withSecret);
    expect(redacted.name).toBe('AbortError');
    expect(redacted.message).toBe(`stopped while sending ${REDACTED}`);
    expect(String(redacted.stack ?? '')).not.toContain('top-secret-token');

    const frozen = Object.freeze(Object.assign(new Error('frozen top-secret-token'), { code: 'E_FROZEN' }));
    const copy = r.redactError(frozen);
    expect(copy).not.toBe(frozen);
    expect(copy.message).toBe(`frozen ${REDACTED}`);
    expect((copy as Error & { code?: string }).code).toBe('E_FROZEN');
    const outer = r.redactError(new Error('outer top-secret-token', { cause: Object.freeze(new Error('inner top-secret-token')) }));
    expect(outer.message).toBe(`outer ${REDACTED}`);
    expect((outer.cause as Error).message).toBe(`inner ${REDACTED}`);
  });

  it('redacts nested log fields', () => {
    const r = new SecretRedactor(['top-secret-token']);
    expect(r.redactValue({ a: ['x top-secret-token'], n: 3, e: new Error('top-secret-token') })).toEqual({ a: [`x ${REDACTED}`], n: 3, e: REDACTED });
  });
});
