// No Docker engine or helm binary runs here, so the deploy files are checked against the code they start:
// every finops command they run exists, every variable they set is one the config documents, and every
// chart value a template reads is defined. A renamed command or variable fails here, not in a cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registerCommands } from '../../apps/cli/src/commands/index.ts';

const root = join(import.meta.dirname, '..', '..');
const deploy = join(root, 'deploy');

function finopsCommands(): Set<string> {
  const program = new Command();
  registerCommands(program);
  return new Set(program.commands.map((c) => c.name()));
}

/** Variables the operations guide documents (first column of its tables) plus the portal's own. */
function documentedVariables(): Set<string> {
  const ops = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
  const names = new Set<string>();
  for (const m of ops.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1]!);
  return names;
}

interface ComposeService {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
}

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync(join(deploy, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const ours = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('openfinops'));

  it('runs only finops commands that exist', () => {
    const commands = finopsCommands();
    const used = ours.filter(([, s]) => !s.entrypoint).map(([name, s]) => [name, s.command?.[0]] as const);
    expect(used.length).toBeGreaterThanOrEqual(3);
    for (const [name, command] of used) expect(commands.has(command ?? ''), `service ${name} runs "${command}"`).toBe(true);
  });

  it('sets only documented variables', () => {
    const documented = documentedVariables();
    for (const [name, s] of ours) {
      for (const variable of Object.keys(s.environment ?? {})) {
        expect(documented.has(variable), `service ${name} sets ${variable}, which docs/operations.md does not document`).toBe(true);
      }
    }
  });

  it('starts the portal with a script the portal package defines', () => {
    const portal = JSON.parse(readFileSync(join(root, 'apps', 'portal', 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    const starters = ours.filter(([, s]) => s.entrypoint?.includes('apps/portal'));
    expect(starters.length).toBe(1);
    const script = starters[0]![1].entrypoint![starters[0]![1].entrypoint!.indexOf('apps/portal') + 1]!;
    expect(portal.scripts?.[script], `apps/portal has no "${script}" script`).toBeTruthy();
  });
});

describe('deploy/helm/openfinops', () => {
  const chart = join(deploy, 'helm', 'openfinops');
  const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const templates = readdirSync(join(chart, 'templates')).map((f) => ({ file: f, text: readFileSync(join(chart, 'templates', f), 'utf8') }));

  it('reads only values that values.yaml defines', () => {
    let refs = 0;
    for (const { file, text } of templates) {
      for (const m of text.matchAll(/\.Values((?:\.[A-Za-z]+)+)/g)) {
        refs++;
        let node: unknown = values;
        for (const key of m[1]!.slice(1).split('.')) {
          expect(node !== null && typeof node === 'object' && key in node, `${file} reads .Values${m[1]}`).toBe(true);
          node = (node as Record<string, unknown>)[key];
        }
      }
    }
    expect(refs).toBeGreaterThan(20);
  });

  it('runs only finops commands that exist, with documented variables', () => {
    const commands = finopsCommands();
    const documented = documentedVariables();
    const args = templates.flatMap(({ file, text }) => [...text.matchAll(/args: \["([a-z-]+)"/g)].map((m) => [file, m[1]!] as const));
    expect(args.length).toBeGreaterThanOrEqual(3);
    for (const [file, command] of args) expect(commands.has(command), `${file} runs "${command}"`).toBe(true);
    for (const { file, text } of templates) {
      for (const m of text.matchAll(/- name: ([A-Z][A-Z0-9_]+)\n/g)) {
        expect(documented.has(m[1]!), `${file} sets ${m[1]}, which docs/operations.md does not document`).toBe(true);
      }
    }
  });
});
