import { defineConfig } from 'prisma/config';

// Only `prisma generate` runs here: the schema engine binary cannot be fetched, so migrations are applied
// by apps/api/src/store/migrator.ts. The datasource URL is optional for generate.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
