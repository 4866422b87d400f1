import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function restrictedImportMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('dependency direction (lint rule)', () => {
  it.each([
    ['contracts/src/x.ts', "import { parseTenantId } from '@openfinops/tenants';\nvoid parseTenantId;\n"],
    ['tenants/src/x.ts', "import { main } from '@openfinops/cli';\nvoid main;\n"],
    ['focus/src/x.ts', "import * as api from '@openfinops/api';\nvoid api;\n"],
    ['checkers/sdk/x.ts', "import * as api from '../../apps/api/src/index.ts';\nvoid api;\n"],
    ['apps/portal/app/x.ts', "import * as api from '@openfinops/api';\nvoid api;\n"],
    ['apps/portal/app/y.ts', "import { DuckDBInstance } from '@duckdb/node-api';\nvoid DuckDBInstance;\n"],
  ])('forbids the import in %s', async (file, code) => {
    expect(await restrictedImportMessages(file, code)).not.toEqual([]);
  });

  it.each([
    ['focus/src/x.ts', "import { parseTenantId } from '@openfinops/tenants';\nvoid parseTenantId;\n"],
    ['checkers/sdk/x.ts', "import * as c from '@openfinops/contracts';\nvoid c;\n"],
    ['apps/cli/src/x.ts', "import * as api from '@openfinops/api';\nvoid api;\n"],
  ])('allows the import in %s', async (file, code) => {
    expect(await restrictedImportMessages(file, code)).toEqual([]);
  });

  it('keeps Prisma and DuckDB inside repositories in the API', async () => {
    const code = "import { DuckDBInstance } from '@duckdb/node-api';\nvoid DuckDBInstance;\n";
    expect(await restrictedImportMessages('apps/api/src/findings/findings.service.ts', code)).not.toEqual([]);
    expect(await restrictedImportMessages('apps/api/src/findings/findings-lake.repository.ts', code)).toEqual([]);
  });
});
