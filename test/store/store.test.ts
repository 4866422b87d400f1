import { describe, expect, it } from 'vitest';
import { describePostgresUrl, InvalidDatabaseUrlError } from '../../apps/api/src/store/sql-connection.ts';
import { openStore, StoreLockedError, storeOptionsFromEnv } from '../../apps/api/src/store/store.ts';
import { createTestDatabase, describeStores } from '../support/store-harness.ts';

describeStores('openStore', (suite) => {
  it('opens the expected kind and answers queries through Prisma', async () => {
    const { store, dataDir } = suite.testStore;
    expect(store.kind).toBe(suite.kind);
    if (suite.kind === 'pglite') expect(store.location).toBe(`embedded PGlite at ${dataDir}/store/pglite`);
    else expect(store.location).toMatch(/^PostgreSQL 127\.0\.0\.1:5432\/finops_test_\w+ \(user postgres\)$/);
    expect(await store.prisma.tenant.count()).toBe(0);
    await expect(store.assertMigrated()).resolves.toBeUndefined();
  });

  it('stores DECIMAL(38,18) billed cost exactly', async () => {
    const { prisma } = suite.store;
    await prisma.tenant.create({ data: { id: 'money', name: 'Money' } });
    const billedCost = '12345678901234567890.123456789012345678';
    await prisma.importState.create({
      data: {
        tenantId: 'money',
        sourceKey: 'aws-cur2:123456789012:export',
        billingPeriod: '2026-10',
        provider: 'aws',
        version: 'etag-1',
        rowCount: 3,
        billedCost,
        currencySummary: { USD: billedCost },
      },
    });
    const row = await prisma.importState.findFirstOrThrow({ where: { tenantId: 'money' } });
    expect(row.billedCost.toFixed(18)).toBe(billedCost);
  });

  it('enforces the tenant id pattern in SQL too, not only in code', async () => {
    await expect(suite.store.prisma.tenant.create({ data: { id: 'Not_A_Slug', name: 'x' } })).rejects.toThrow(
      /Tenant_id_check/,
    );
  });
});

describe('embedded store lock', () => {
  it('refuses a second opener of the same data dir with a clear error, and frees it on close', async () => {
    const db = await createTestDatabase('pglite');
    try {
      const first = await openStore({ dataDir: db.dataDir });
      const err = await openStore({ dataDir: db.dataDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreLockedError);
      expect((err as Error).message).toContain(`${db.dataDir}/store/pglite is in use`);
      await first.close();
      const again = await openStore({ dataDir: db.dataDir });
      await again.close();
    } finally {
      await db.dispose();
    }
  });
});

describe('store options', () => {
  it('selects PostgreSQL only when DATABASE_URL is set and non-empty', () => {
    expect(storeOptionsFromEnv({ FINOPS_DATA_DIR: '/srv/f', DATABASE_URL: '  ' })).toEqual({
      dataDir: '/srv/f',
      databaseUrl: undefined,
    });
    expect(storeOptionsFromEnv({ FINOPS_DATA_DIR: '/srv/f', DATABASE_URL: 'postgresql://u@h/db' }).databaseUrl).toBe(
      'postgresql://u@h/db',
    );
  });

  it('describes a PostgreSQL URL without its password', () => {
    const described = describePostgresUrl('postgresql://finops:s3cret@db.internal:6543/finops?sslmode=require');
    expect(described).toBe('PostgreSQL db.internal:6543/finops (user finops)');
    expect(described).not.toContain('s3cret');
  });

  it('rejects a non-PostgreSQL DATABASE_URL without echoing it', () => {
    expect(() => describePostgresUrl('mysql://root:pw@h/db')).toThrow(InvalidDatabaseUrlError);
    expect(() => describePostgresUrl('mysql://root:pw@h/db')).toThrow(/protocol "mysql:"/);
    expect(() => describePostgresUrl('not a url :pw')).not.toThrow(/pw/);
  });
});
