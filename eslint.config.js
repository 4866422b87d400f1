import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const appImports = [
  { group: ['@openfinops/api', '@openfinops/api/*', '@openfinops/cli', '@openfinops/cli/*', '@openfinops/portal', '@openfinops/portal/*'], message: 'Libraries never import apps.' },
  { group: ['**/apps/**'], message: 'Libraries never import apps.' },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', 'data/**', '**/generated/**', 'apps/portal/next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  // Dependency direction: contracts imports none of ours; other libraries never import apps.
  {
    files: ['contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@openfinops/*'], message: 'contracts imports none of our packages.' }, ...appImports] }],
    },
  },
  {
    files: ['tenants/**/*.ts', 'focus/**/*.ts', 'checkers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: appImports }] },
  },
  // The portal reaches the backend over HTTP only.
  {
    files: ['apps/portal/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@openfinops/api', '@openfinops/api/*', '@openfinops/cli', '@openfinops/cli/*', '**/apps/api/**', '**/apps/cli/**', '@prisma/*', '@duckdb/*'], message: 'The portal talks to the API over HTTP only.' }] }],
    },
  },
  // Only repositories touch Prisma or DuckDB in the API.
  {
    files: ['apps/api/src/**/*.ts'],
    ignores: ['apps/api/src/**/*.repository.ts', 'apps/api/src/**/*.test.ts', 'apps/api/src/store/**', 'apps/api/src/lake/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@duckdb/*', '@prisma/client', '@prisma/client/*', '**/generated/prisma/**'], allowTypeImports: true, message: 'Only *.repository.ts touches Prisma or DuckDB.' }] }],
    },
  },
);
