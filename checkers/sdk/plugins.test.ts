import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinCheckers, loadCheckers } from '../registry.ts';
import { memoryLogger } from './logger.ts';
import { loadPluginCheckers, parsePluginList } from './plugins.ts';

const plugin = (name: string) => fileURLToPath(new URL(`../../test/plugins/${name}/index.ts`, import.meta.url));

describe('loadCheckers with FINOPS_CHECKER_PACKAGES', () => {
  it('returns the built-ins alone when no plugin is named', async () => {
    const { checkers, errors } = await loadCheckers({ env: {} });
    expect(checkers.map((c) => c.id)).toEqual(builtinCheckers.map((c) => c.id));
    expect(errors).toEqual([]);
  });

  it('loads a plugin, logs and skips broken ones, and keeps the valid checkers of a partly invalid plugin', async () => {
    const logger = memoryLogger();
    const env = { FINOPS_CHECKER_PACKAGES: [plugin('broken-plugin'), plugin('sample-plugin'), plugin('invalid-plugin')].join(' , ') };
    const { checkers, errors, origins } = await loadCheckers({ env, logger });
    const ids = checkers.map((c) => c.id);
    expect(ids.slice(builtinCheckers.length)).toEqual(['aws/sample-ebs-unencrypted', 'aws/invalid-plugin-neighbour']);
    expect(origins.get('aws/sample-ebs-unencrypted')).toBe(plugin('sample-plugin'));
    // The built-in keeps its id; the plugin's copy is refused.
    expect(checkers.find((c) => c.id === 'aws/ebs-unattached')).toBe(builtinCheckers.find((c) => c.id === 'aws/ebs-unattached'));
    expect(errors.map((e) => [e.checkerId ?? null, e.message])).toEqual([
      [null, expect.stringMatching(/broken-plugin.*skipped: sample broken plugin: cannot initialise/)],
      ['aws/ebs-unattached', expect.stringMatching(/already used by a built-in checker/)],
      ['aws/invalid-not-strict', expect.stringMatching(/configSchema must be a strict object/)],
      [null, expect.stringMatching(/expected an object returned by defineChecker/)],
    ]);
    expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(4);
  });

  it('refuses a second plugin reusing a plugin checker id', async () => {
    const env = { FINOPS_CHECKER_PACKAGES: `${plugin('sample-plugin')},${pathToFileURL(plugin('sample-plugin')).href}` };
    const { checkers, errors } = await loadCheckers({ env });
    expect(checkers.filter((c) => c.id === 'aws/sample-ebs-unencrypted')).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/already used by plugin .*sample-plugin/);
  });

  it('imports npm package names as given, and reports one that is not installed', async () => {
    const seen: string[] = [];
    const { checkers, errors } = await loadPluginCheckers({
      env: { FINOPS_CHECKER_PACKAGES: '@openfinops-test/sample-plugin,@openfinops-test/not-installed' },
      importer: async (specifier) => {
        seen.push(specifier);
        if (specifier === '@openfinops-test/sample-plugin') return import(pathToFileURL(plugin('sample-plugin')).href);
        return import(specifier);
      },
    });
    expect(seen).toEqual(['@openfinops-test/sample-plugin', '@openfinops-test/not-installed']);
    expect(checkers.map((c) => c.id)).toEqual(['aws/sample-ebs-unencrypted']);
    expect(errors).toEqual([{ plugin: '@openfinops-test/not-installed', message: expect.stringMatching(/not-installed skipped: .*Cannot find/) }]);
  });

  it('reports a module that exports no checkers', async () => {
    const { errors } = await loadPluginCheckers({ env: { FINOPS_CHECKER_PACKAGES: 'x' }, importer: async () => ({ something: 1 }) });
    expect(errors[0]?.message).toMatch(/exports neither `checkers` nor a default export/);
  });

  it('splits, trims and de-duplicates the list', () => {
    expect(parsePluginList(' a, b ,,a ')).toEqual(['a', 'b']);
    expect(parsePluginList(undefined)).toEqual([]);
    expect(path.isAbsolute(plugin('sample-plugin'))).toBe(true);
  });
});
