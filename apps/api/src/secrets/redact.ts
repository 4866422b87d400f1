/**
 * Keeps known secret values out of logs, error messages and CLI/API output. Connectors and SDKs sometimes echo what
 * they were given (a key in a parse error, a token in a URL); everything that leaves a connector run passes here.
 */
export const REDACTED = '[REDACTED]';

/** Shorter values would blank out ordinary words; real secrets are far longer. */
const MIN_SECRET_LENGTH = 6;

function stringLeaves(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringLeaves(v, out);
}

export class SecretRedactor {
  private readonly values = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret; a JSON document (a service-account key) also registers its string fields on their own. */
  add(secret: string | null | undefined): this {
    if (!secret) return this;
    const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
    if (/^\s*[{[]/.test(secret)) {
      try {
        const leaves: string[] = [];
        stringLeaves(JSON.parse(secret) as unknown, leaves);
        for (const leaf of leaves) forms.push(leaf, JSON.stringify(leaf).slice(1, -1));
      } catch {
        // not JSON: the whole value is enough
      }
    }
    for (const f of forms) if (f.length >= MIN_SECRET_LENGTH) this.values.add(f);
    return this;
  }

  get size(): number {
    return this.values.size;
  }

  redact(text: string): string {
    if (this.values.size === 0 || !text) return text;
    let out = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** Deep copy of a log field value with every string redacted. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.redactValue(v)) as T;
    if (value instanceof Error) return this.redact(value.message) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactValue(v)])) as T;
    }
    return value;
  }

  /**
   * Redacts an error's message and stack in place (its class, code and `retryable` stay, so callers still decide on
   * retries), following `cause` chains. Non-errors become an Error with the redacted text.
   */
  redactError(err: unknown): Error {
    if (!(err instanceof Error)) return new Error(this.redact(String(err)));
    const seen = new Set<unknown>();
    let parent: Error | undefined;
    let current: unknown = err;
    while (current instanceof Error && !seen.has(current)) {
      seen.add(current);
      const changed = rewrite(current, 'message', this.redact(current.message)) && (!current.stack || rewrite(current, 'stack', this.redact(current.stack)));
      if (!changed) {
        // A frozen error is replaced by a redacted copy (which drops its own causes rather than leak them).
        if (!parent) return this.copyOf(current);
        Object.defineProperty(parent, 'cause', { value: this.copyOf(current), writable: true, configurable: true, enumerable: false });
        break;
      }
      parent = current;
      current = current.cause;
    }
    return err;
  }

  /** For an error that cannot be changed: a plain Error with its redacted text, name and code. */
  private copyOf(err: Error): Error {
    const copy = new Error(this.redact(err.message));
    copy.name = err.name;
    copy.stack = err.stack === undefined ? undefined : this.redact(err.stack);
    const code = (err as { code?: unknown }).code;
    if (code !== undefined) Object.defineProperty(copy, 'code', { value: code, enumerable: true });
    return copy;
  }
}

/**
 * Sets an error's text even where it is a read-only accessor (DOMException's `message`, e.g. an AbortSignal's
 * reason) by defining an own property over it; false when the error is frozen or sealed against that.
 */
function rewrite(err: Error, key: 'message' | 'stack', value: string): boolean {
  if (err[key] === value) return true;
  try {
    Object.defineProperty(err, key, { value, writable: true, configurable: true, enumerable: false });
  } catch {
    return false;
  }
  return err[key] === value;
}
