import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateChecker, type Checker } from './define-checker.ts';
import { silentLogger, type CheckerLogger } from './logger.ts';

/** Comma-separated npm package names (or absolute paths / file URLs) whose checkers are loaded next to the built-ins. */
export const CHECKER_PACKAGES_ENV = 'FINOPS_CHECKER_PACKAGES';

export interface PluginLoadError {
  /** The package specifier as written in the environment variable. */
  plugin: string;
  /** Set when one checker of the package was refused and the package's other checkers were kept. */
  checkerId?: string;
  message: string;
}

export interface LoadCheckersOptions {
  env?: Readonly<Record<string, string | undefined>>;
  logger?: CheckerLogger;
  /** Checkers that plugin ids must not collide with. */
  builtins?: readonly Checker<unknown>[];
  /** Replaces dynamic `import()` (tests). */
  importer?: (specifier: string) => Promise<unknown>;
}

export interface LoadedCheckers {
  checkers: Checker<unknown>[];
  errors: PluginLoadError[];
  /** Plugin specifier per plugin checker id. */
  origins: Map<string, string>;
}

export function parsePluginList(value: string | undefined): string[] {
  return [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

/** Absolute paths become file URLs (required by `import()` on Windows, harmless elsewhere); names resolve as npm packages. */
function importSpecifier(plugin: string): string {
  return path.isAbsolute(plugin) ? pathToFileURL(plugin).href : plugin;
}

function exportedCheckers(mod: unknown): unknown[] {
  const m = (mod ?? {}) as { checkers?: unknown; default?: unknown };
  const value = m.checkers ?? m.default;
  if (value === undefined) throw new Error('exports neither `checkers` nor a default export');
  if (Array.isArray(value)) return value;
  const nested = (value as { checkers?: unknown }).checkers;
  if (Array.isArray(nested)) return nested;
  return [value];
}

/**
 * Loads the plugins named in `FINOPS_CHECKER_PACKAGES` after the built-ins. Each checker is validated with
 * the built-ins' rules and must have an id no other checker has. A plugin that fails to import, or a checker
 * that fails validation, is logged and listed in `errors`; it never stops the others.
 */
export async function loadPluginCheckers(opts: LoadCheckersOptions = {}): Promise<LoadedCheckers> {
  const logger = opts.logger ?? silentLogger;
  const importer = opts.importer ?? ((s: string) => import(s) as Promise<unknown>);
  const builtins = opts.builtins ?? [];
  const checkers: Checker<unknown>[] = [...builtins];
  const seen = new Map<string, string>(builtins.map((c) => [c.id, 'built-in']));
  const errors: PluginLoadError[] = [];
  const origins = new Map<string, string>();

  for (const plugin of parsePluginList((opts.env ?? process.env)[CHECKER_PACKAGES_ENV])) {
    let candidates: unknown[];
    try {
      candidates = exportedCheckers(await importer(importSpecifier(plugin)));
    } catch (err) {
      const message = `checker plugin ${plugin} skipped: ${err instanceof Error ? err.message : String(err)}`;
      errors.push({ plugin, message });
      logger.error({ plugin, err: err instanceof Error ? err.message : String(err) }, message);
      continue;
    }
    for (const candidate of candidates) {
      try {
        const checker = validateChecker(candidate);
        const owner = seen.get(checker.id);
        if (owner) throw new Error(`checker id ${checker.id} is already used by ${owner === 'built-in' ? 'a built-in checker' : `plugin ${owner}`}`);
        seen.set(checker.id, plugin);
        origins.set(checker.id, plugin);
        checkers.push(checker);
      } catch (err) {
        const checkerId = (candidate as { id?: unknown } | null)?.id;
        const message = `checker ${typeof checkerId === 'string' ? checkerId : '<unknown>'} from plugin ${plugin} skipped: ${(err as Error).message}`;
        errors.push({ plugin, ...(typeof checkerId === 'string' ? { checkerId } : {}), message });
        logger.error({ plugin, checkerId }, message);
      }
    }
  }
  return { checkers, errors, origins };
}
