import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKER_ID_PATTERN } from '../sdk/define-checker.ts';

const TEMPLATES = fileURLToPath(new URL('./templates/', import.meta.url));
const PROVIDERS = ['aws', 'azure', 'gcp'];

/** Lines in `checkers/registry.ts` above which the scaffolder inserts the import and the array entry. */
export const REGISTRY_IMPORT_MARKER = '// checker-imports:';
export const REGISTRY_ENTRY_MARKER = '  // checker-entries:';

export class ScaffoldError extends Error {
  readonly code = 'CHECKER_SCAFFOLD';
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

export interface ScaffoldOptions {
  /** Repository root: the checker goes to `<root>/checkers/<provider>/<name>/`, registration to `<root>/checkers/registry.ts`. */
  root: string;
  /** `<provider>/<name>`, e.g. `aws/ebs-unencrypted`. */
  id: string;
  /** Ids already taken (built-ins and loaded plugins). */
  existingIds?: readonly string[];
}

export interface ScaffoldResult {
  id: string;
  dir: string;
  files: string[];
  exportName: string;
  registry: string;
}

/** `ebs-unencrypted` → `ebsUnencryptedChecker`. */
export function checkerExportName(name: string): string {
  const camel = name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return `${camel}Checker`;
}

function titleFor(name: string): string {
  const words = name.split('-').join(' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Adds one import and one array entry above the registry's markers; refuses an id the registry already imports. */
export function registerInRegistry(registryFile: string, provider: string, name: string, exportName: string): void {
  const text = readFileSync(registryFile, 'utf8');
  const modulePath = `./${provider}/${name}/${name}.checker.ts`;
  if (text.includes(`'${modulePath}'`)) throw new ScaffoldError(`${registryFile} already imports ${modulePath}`);
  const lines = text.split('\n');
  const importAt = lines.findIndex((l) => l.startsWith(REGISTRY_IMPORT_MARKER));
  const entryAt = lines.findIndex((l) => l.startsWith(REGISTRY_ENTRY_MARKER));
  if (importAt < 0 || entryAt < 0 || entryAt < importAt) {
    throw new ScaffoldError(`${registryFile}: markers "${REGISTRY_IMPORT_MARKER}" and "${REGISTRY_ENTRY_MARKER.trim()}" not found; register the checker by hand`);
  }
  lines.splice(entryAt, 0, `  ${exportName},`);
  lines.splice(importAt, 0, `import { ${exportName} } from '${modulePath}';`);
  writeAtomic(registryFile, lines.join('\n'));
}

/**
 * `finops checker new <provider>/<name>`: writes the module, fixtures and README from `templates/` and registers
 * the checker. Nothing is written when the id is malformed or taken, or the folder exists.
 */
export function scaffoldChecker(opts: ScaffoldOptions): ScaffoldResult {
  const id = opts.id.trim();
  if (!CHECKER_ID_PATTERN.test(id)) {
    throw new ScaffoldError(`checker id ${JSON.stringify(id)} must look like "<provider>/<name>" in lowercase kebab-case, e.g. aws/ebs-unencrypted`);
  }
  const [provider = '', name = ''] = id.split('/');
  if (!PROVIDERS.includes(provider)) throw new ScaffoldError(`provider "${provider}" must be one of ${PROVIDERS.join(', ')}`);
  if (opts.existingIds?.includes(id)) throw new ScaffoldError(`checker ${id} already exists`);
  const registry = path.join(opts.root, 'checkers', 'registry.ts');
  if (!existsSync(registry)) throw new ScaffoldError(`${registry} not found: --root must be the repository root`);
  const dir = path.join(opts.root, 'checkers', provider, name);
  if (existsSync(dir)) throw new ScaffoldError(`${dir} already exists; pick another name or remove the folder`);

  const exportName = checkerExportName(name);
  const fill = (template: string) =>
    readFileSync(path.join(TEMPLATES, template), 'utf8')
      .replaceAll('__ID__', id)
      .replaceAll('__PROVIDER__', provider)
      .replaceAll('__EXPORT__', exportName)
      .replaceAll('__TITLE__', titleFor(name));
  const files: Array<[string, string]> = [
    [`${name}.checker.ts`, fill('checker.ts.tmpl')],
    ['README.md', fill('README.md.tmpl')],
    ['fixtures/input.json', fill('input.json.tmpl')],
    ['fixtures/expected-findings.json', fill('expected-findings.json.tmpl')],
  ];
  mkdirSync(path.join(dir, 'fixtures'), { recursive: true });
  try {
    for (const [rel, text] of files) writeAtomic(path.join(dir, rel), text);
    registerInRegistry(registry, provider, name, exportName);
  } catch (err) {
    // A half-made checker folder would make the next attempt refuse with "already exists".
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { id, dir, files: files.map(([rel]) => path.join(dir, rel)), exportName, registry };
}
