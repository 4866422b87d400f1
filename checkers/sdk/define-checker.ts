import type { FindingWire, FindingWireInput } from '@openfinops/contracts';
import type { z } from 'zod';
import type { InventoryKind, InventoryRecord } from './inventory.ts';
import type { FocusInput } from './focus-input.ts';
import type { CheckerLogger } from './logger.ts';
import type { PricingLookup } from './pricing.ts';

export type CheckerProvider = FindingWire['provider'];
export type CheckerCategory = FindingWire['category'];
export type CheckerSeverity = FindingWire['severity'];

/** Config schemas are flat, strict zod objects so the CLI, docs and portal can list every option with its default. */
export type CheckerConfigSchema = z.ZodObject<z.ZodRawShape, z.core.$strict>;

export interface CheckerInputsSpec {
  inventory?: readonly InventoryKind[];
  focus?: boolean;
}

/** Data sources a checker reads. New sources (FOCUS queries, metrics) are added here as new members. */
export interface CheckerInputs {
  /** Records of one inventory kind the checker declared in `inputs.inventory`; asking for an undeclared kind throws. */
  inventory<K extends InventoryKind>(kind: K): readonly InventoryRecord<K>[];
  /** Read-only SQL over the tenant's FOCUS rows (views `focus`, `focus_daily`); only with `inputs.focus: true`, else reading it throws. */
  readonly focus: FocusInput;
}

export interface CheckerClock {
  now(): Date;
}

export interface CheckerContext<Config> {
  readonly tenantId: string;
  readonly accountId: string;
  readonly config: Readonly<Config>;
  readonly inputs: CheckerInputs;
  readonly pricing: PricingLookup;
  readonly clock: CheckerClock;
  readonly logger: CheckerLogger;
}

export type CheckerOutput = AsyncIterable<FindingWireInput> | Iterable<FindingWireInput>;

export interface CheckerDefinition<Schema extends CheckerConfigSchema> {
  /** `<provider>/<name>`, e.g. `aws/ec2-graviton`; stable, part of every finding's fingerprint. */
  id: string;
  /** Semver of the checker's logic; bump when findings for the same input change. */
  version: string;
  title: string;
  description: string;
  provider: CheckerProvider;
  category: CheckerCategory;
  severity: CheckerSeverity;
  resourceTypes: readonly string[];
  inputs: CheckerInputsSpec;
  configSchema: Schema;
  /** A config object shown in docs and `--help`; validated against the schema at definition time. */
  docsExample: z.input<Schema>;
  /**
   * `import.meta.url` of the checker module: locates its folder (fixtures, README) for `finops checker test`
   * and the meta-test without scanning folders at run time.
   */
  moduleUrl?: string;
  run(ctx: CheckerContext<z.output<Schema>>): CheckerOutput;
}

export interface Checker<Config = Record<string, unknown>> {
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly description: string;
  readonly provider: CheckerProvider;
  readonly category: CheckerCategory;
  readonly severity: CheckerSeverity;
  readonly resourceTypes: readonly string[];
  readonly inputs: Readonly<CheckerInputsSpec>;
  readonly configSchema: CheckerConfigSchema;
  readonly docsExample: Readonly<Record<string, unknown>>;
  /** `import.meta.url` of the module that defined it, when given. */
  readonly moduleUrl?: string;
  /** Parses raw config (undefined → all defaults); throws CheckerConfigError naming the field. */
  parseConfig(raw: unknown): Config;
  run(ctx: CheckerContext<Config>): CheckerOutput;
}

export class CheckerDefinitionError extends Error {
  readonly code = 'CHECKER_DEFINITION_INVALID';
  constructor(readonly checkerId: string, reason: string) {
    super(`Checker ${JSON.stringify(checkerId)} is invalid: ${reason}`);
    this.name = 'CheckerDefinitionError';
  }
}

export class CheckerConfigError extends Error {
  readonly code = 'CHECKER_CONFIG_INVALID';
  constructor(readonly checkerId: string, readonly field: string, reason: string) {
    super(`Invalid config for checker ${checkerId}: ${field}: ${reason}`);
    this.name = 'CheckerConfigError';
  }
}

export const CHECKER_ID_PATTERN = /^[a-z0-9]+\/[a-z0-9][a-z0-9-]{1,62}$/;
const SEMVER = /^\d+\.\d+\.\d+$/;

function describedOrInner(field: z.ZodType): string | undefined {
  if (field.description) return field.description;
  const inner = (field.def as { innerType?: z.ZodType }).innerType;
  return inner?.description;
}

function validateConfigSchema(id: string, schema: CheckerConfigSchema): void {
  const catchall = (schema.def as { catchall?: z.ZodType }).catchall;
  if (!catchall || catchall.def.type !== 'never') {
    throw new CheckerDefinitionError(id, 'configSchema must be a strict object (call .strict()) so typos in config are reported');
  }
  for (const [key, field] of Object.entries(schema.shape) as Array<[string, z.ZodType]>) {
    if (field.def.type !== 'default') {
      throw new CheckerDefinitionError(id, `config key "${key}" needs a default (.default(...)) so an empty config is valid`);
    }
    if (!describedOrInner(field)) {
      throw new CheckerDefinitionError(id, `config key "${key}" needs a .describe(...) text for docs and --help`);
    }
  }
}

export function formatZodIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '$' : path.map((p) => String(p)).join('.');
}

export function defineChecker<Schema extends CheckerConfigSchema>(
  def: CheckerDefinition<Schema>,
): Checker<z.output<Schema>> {
  if (!CHECKER_ID_PATTERN.test(def.id)) {
    throw new CheckerDefinitionError(def.id, 'id must look like "<provider>/<name>" in lowercase kebab-case');
  }
  if (!def.id.startsWith(`${def.provider}/`)) {
    throw new CheckerDefinitionError(def.id, `id must start with its provider "${def.provider}/"`);
  }
  if (!SEMVER.test(def.version)) throw new CheckerDefinitionError(def.id, `version ${JSON.stringify(def.version)} is not semver x.y.z`);
  if (def.resourceTypes.length === 0) throw new CheckerDefinitionError(def.id, 'resourceTypes must name at least one type');
  validateConfigSchema(def.id, def.configSchema);

  const parseConfig = (raw: unknown): z.output<Schema> => {
    const parsed = def.configSchema.safeParse(raw ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : formatZodIssuePath(issue?.path ?? []);
      throw new CheckerConfigError(def.id, field, issue?.message ?? 'invalid');
    }
    return parsed.data as z.output<Schema>;
  };
  try {
    parseConfig(def.docsExample);
  } catch (err) {
    throw new CheckerDefinitionError(def.id, `docsExample does not match configSchema: ${(err as Error).message}`);
  }

  return Object.freeze({
    id: def.id,
    version: def.version,
    title: def.title,
    description: def.description,
    provider: def.provider,
    category: def.category,
    severity: def.severity,
    resourceTypes: Object.freeze([...def.resourceTypes]),
    inputs: Object.freeze({ ...def.inputs }),
    configSchema: def.configSchema,
    docsExample: Object.freeze({ ...(def.docsExample as Record<string, unknown>) }),
    ...(def.moduleUrl !== undefined ? { moduleUrl: def.moduleUrl } : {}),
    parseConfig,
    run: (ctx: CheckerContext<z.output<Schema>>) => def.run(ctx),
  });
}

/** Config options with their defaults and descriptions, for `--help`, docs and the portal. */
export function describeConfig(checker: Pick<Checker, 'configSchema'>): Array<{ key: string; default: unknown; description: string }> {
  return (Object.entries(checker.configSchema.shape) as Array<[string, z.ZodType]>).map(([key, field]) => ({
    key,
    default: (field.def as { defaultValue?: unknown }).defaultValue,
    description: describedOrInner(field) ?? '',
  }));
}

const CATEGORIES: readonly string[] = ['waste', 'rightsizing', 'modernization', 'commitment', 'governance', 'anomaly'];
const SEVERITIES: readonly string[] = ['info', 'low', 'medium', 'high', 'critical'];
const PROVIDERS: readonly string[] = ['aws', 'azure', 'gcp'];

/**
 * Re-checks a value that claims to be a checker (a plugin's export) with the rules `defineChecker` applies:
 * plugins may bundle their own copy of the SDK, or hand-roll the object, so nothing is trusted by type.
 * Returns the checker, or throws CheckerDefinitionError naming what is wrong.
 */
export function validateChecker(candidate: unknown): Checker<unknown> {
  if (candidate === null || typeof candidate !== 'object') {
    throw new CheckerDefinitionError(String(candidate), 'expected an object returned by defineChecker(...)');
  }
  const c = candidate as Partial<Checker<unknown>> & Record<string, unknown>;
  const id = typeof c.id === 'string' ? c.id : '<no id>';
  const fail = (reason: string): never => {
    throw new CheckerDefinitionError(id, reason);
  };
  if (typeof c.id !== 'string' || !CHECKER_ID_PATTERN.test(c.id)) fail('id must look like "<provider>/<name>" in lowercase kebab-case');
  if (typeof c.provider !== 'string' || !PROVIDERS.includes(c.provider)) fail(`provider must be one of ${PROVIDERS.join(', ')}`);
  if (!id.startsWith(`${String(c.provider)}/`)) fail(`id must start with its provider "${String(c.provider)}/"`);
  if (typeof c.version !== 'string' || !SEMVER.test(c.version)) fail(`version ${JSON.stringify(c.version)} is not semver x.y.z`);
  for (const key of ['title', 'description'] as const) {
    if (typeof c[key] !== 'string' || c[key].trim() === '') fail(`${key} must be a non-empty string`);
  }
  if (typeof c.category !== 'string' || !CATEGORIES.includes(c.category)) fail(`category must be one of ${CATEGORIES.join(', ')}`);
  if (typeof c.severity !== 'string' || !SEVERITIES.includes(c.severity)) fail(`severity must be one of ${SEVERITIES.join(', ')}`);
  if (!Array.isArray(c.resourceTypes) || c.resourceTypes.length === 0) fail('resourceTypes must name at least one type');
  if (c.inputs === null || typeof c.inputs !== 'object') fail('inputs must be an object such as { inventory: [...] }');
  if (typeof c.run !== 'function' || typeof c.parseConfig !== 'function') fail('run and parseConfig must be functions (use defineChecker)');
  const schema = c.configSchema as CheckerConfigSchema | undefined;
  if (!schema || typeof schema !== 'object' || typeof (schema as { safeParse?: unknown }).safeParse !== 'function' || !schema.shape) {
    fail('configSchema must be a zod object schema');
  }
  validateConfigSchema(id, schema as CheckerConfigSchema);
  if (c.docsExample === null || typeof c.docsExample !== 'object') fail('docsExample must be a config object');
  const example = (schema as CheckerConfigSchema).safeParse(c.docsExample);
  if (!example.success) {
    const issue = example.error.issues[0];
    fail(`docsExample does not match configSchema: ${formatZodIssuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
  }
  return c as Checker<unknown>;
}
