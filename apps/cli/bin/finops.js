#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx, so `npx finops` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
