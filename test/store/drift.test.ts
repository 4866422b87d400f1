import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '@openfinops/tenants';
import { describe, expect, it } from 'vitest';
import { describeStores, withStore } from '../support/store-harness.ts';
import { findSchemaDrift, SCHEMA_PATH } from '../support/schema-drift.ts';

describeStores('schema.prisma matches the migrated database', (suite) => {
  it('has no drift in tables, columns, enums, indexes or foreign keys', async () => {
    const problems = await suite.store.withSql((db) => findSchemaDrift(db));
    expect(problems).toEqual([]);
  });
});

describe('drift detection', () => {
  it('reports a column added, a nullability change, a type change and a dropped index', async () => {
    await withStore('pglite', async ({ store }) => {
      await store.withSql((db) =>
        db.exec(`
          ALTER TABLE "Tenant" ADD COLUMN "extra" TEXT;
          ALTER TABLE "Tenant" ALTER COLUMN "name" DROP NOT NULL;
          ALTER TABLE "FindingState" ALTER COLUMN "estimatedMonthlySavings" TYPE DECIMAL(18,4);
          DROP INDEX "Run_status_availableAt_idx";
          ALTER TABLE "Run" DROP CONSTRAINT "Run_cloudAccountId_fkey";
          ALTER TABLE "Run" ADD CONSTRAINT "Run_cloudAccountId_fkey" FOREIGN KEY ("cloudAccountId") REFERENCES "CloudAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
        `),
      );
      const problems = await store.withSql((db) => findSchemaDrift(db));
      expect(problems).toEqual(
        expect.arrayContaining([
          'column "Tenant"."extra" exists in the database but not in model Tenant',
          'column "Tenant"."name" is NULL but Tenant.name is required',
          'column "FindingState"."estimatedMonthlySavings" is numeric(18,4) but FindingState.estimatedMonthlySavings is Decimal(18,6)',
          'index "Run_status_availableAt_idx" on "Run" ("status", "availableAt") is missing from the database',
          'foreign key "Run_cloudAccountId_fkey" is ON DELETE CASCADE but Run.cloudAccount says SET NULL',
        ]),
      );
      expect(problems).toHaveLength(5);
    });
  });
});

describe('generated Prisma client', () => {
  it('was generated from the current schema.prisma (else run `npm run db:generate`)', async () => {
    const classFile = path.join(REPO_ROOT, 'apps', 'api', 'src', 'generated', 'prisma', 'internal', 'class.ts');
    const generated = await readFile(classFile, 'utf8');
    const match = /"inlineSchema": ("(?:[^"\\]|\\.)*")/.exec(generated);
    expect(match, `no inlineSchema in ${classFile}`).not.toBeNull();
    const inlineSchema = JSON.parse(match?.[1] ?? '""') as string;
    expect(inlineSchema === (await readFile(SCHEMA_PATH, 'utf8')), 'stale client: run `npm run db:generate`').toBe(true);
  });
});
