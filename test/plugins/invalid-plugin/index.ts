import { defineChecker, type Checker } from '@openfinops/checkers';
import { z } from 'zod';

const base = {
  version: '1.0.0',
  title: 'Invalid plugin checker',
  description: 'Used by the plugin loader tests',
  provider: 'aws' as const,
  category: 'waste' as const,
  severity: 'low' as const,
  resourceTypes: ['ebs-volume'],
  inputs: { inventory: ['ebs-volumes' as const] },
  configSchema: z.object({ minAgeDays: z.number().default(1).describe('Minimum age') }).strict(),
  docsExample: {},
  run: () => [],
};

/** Valid on its own, but takes the id of a built-in checker. */
const duplicate = defineChecker({ ...base, id: 'aws/ebs-unattached' });

/** Hand-rolled (not through defineChecker) with a config schema that is not strict. */
const notStrict = {
  ...duplicate,
  id: 'aws/invalid-not-strict',
  configSchema: z.object({ minAgeDays: z.number().default(1).describe('Minimum age') }),
} as unknown as Checker<unknown>;

/** A sound checker in the same package: it must still load. */
const neighbour = defineChecker({ ...base, id: 'aws/invalid-plugin-neighbour' });

export default { checkers: [duplicate, notStrict, neighbour, 'not a checker'] };
