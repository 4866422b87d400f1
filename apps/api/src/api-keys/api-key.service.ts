import type { MemberRole } from '../generated/prisma/client.ts';
import type { AuditLogRepository } from '../admin/audit-log.repository.ts';
import { accessCache } from '../auth/access-cache.ts';
import type { TtlCache } from '../common/ttl-cache.ts';
import { apiKeySecretMatches, generateApiKey, parseApiKey } from './api-key-format.ts';
import type { ApiKeyRepository, ApiKeySummary } from './api-key.repository.ts';

export interface CreatedApiKey {
  /** Shown once; only its hash is stored. */
  key: string;
  apiKey: ApiKeySummary;
}

export interface VerifiedApiKey {
  keyId: string;
  tenantId: string;
  role: MemberRole;
  scopes: string[];
}

const LAST_USED_INTERVAL_MS = 60_000;

export class ApiKeyService {
  /** When this process last wrote each key's lastUsedAt, so a busy key does not send an UPDATE per request. */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditLogRepository,
    private readonly now: () => Date = () => new Date(),
    /** Key rows by prefix, kept like the guards' other access reads; revoking through this process drops them. */
    private readonly rows: TtlCache = accessCache(0),
  ) {}

  async create(input: { tenantId: string; name: string; role: MemberRole; scopes?: string[]; actor: string }): Promise<CreatedApiKey> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw new Error('API key name must be 1-100 characters');
    const generated = generateApiKey();
    const { hash: _hash, ...apiKey } = await this.keys.create({
      tenantId: input.tenantId,
      name,
      prefix: generated.prefix,
      hash: generated.hash,
      role: input.role,
      scopes: input.scopes ?? [],
    });
    await this.audit.append({
      tenantId: input.tenantId,
      actor: input.actor,
      action: 'apikey.create',
      target: `apikey:${apiKey.id}`,
      details: { name, role: input.role, prefix: apiKey.prefix },
    });
    return { key: generated.key, apiKey };
  }

  async revoke(tenantId: string, keyId: string, actor: string): Promise<boolean> {
    const revoked = await this.keys.revoke(tenantId, keyId, this.now());
    if (revoked) await this.audit.append({ tenantId, actor, action: 'apikey.revoke', target: `apikey:${keyId}` });
    return revoked;
  }

  /** Null for anything not a live key: malformed, unknown prefix, wrong secret or revoked. */
  async verify(token: string): Promise<VerifiedApiKey | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const row = await this.rows.get(`apikey:${parsed.prefix}`, () => this.keys.findByPrefix(parsed.prefix));
    // The secret is checked on every request, cached row or not.
    if (!row || row.revokedAt !== null || !apiKeySecretMatches(parsed.secret, row.hash)) return null;
    const now = this.now();
    const last = this.touched.get(row.id);
    if (last === undefined || now.getTime() - last >= LAST_USED_INTERVAL_MS) {
      this.touched.set(row.id, now.getTime());
      await this.keys.touchLastUsed(row.id, now, LAST_USED_INTERVAL_MS);
    }
    return { keyId: row.id, tenantId: row.tenantId, role: row.role, scopes: row.scopes };
  }
}
