import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');

// The README's entry point. npm 11 with strict-allow-scripts refuses `npx finops` when the bin belongs to the root
// package (npm exec then "installs" the root, whose postinstall no allowScripts entry covers); the bin lives in the
// CLI workspace, linked into node_modules/.bin by `npm ci`.
describe('npx finops from the repository root', () => {
  it('runs the CLI through the workspace bin', async () => {
    const { stdout } = await exec('npx', ['--no-install', 'finops', '--help'], { cwd: ROOT, timeout: 60_000 });
    expect(stdout).toMatch(/^Usage: finops/m);
    expect(stdout).toContain('import');
  });
});
