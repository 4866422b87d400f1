import type { FindingWire, FindingWireInput } from '@openfinops/contracts';
import type { z } from 'zod';
import type { InventoryKind, InventoryRecord } from './inventory.ts';
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
