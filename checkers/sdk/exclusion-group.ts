import type { CheckerProvider } from './define-checker.ts';

/**
 * Aspects of a resource that several checks may propose alternatives for. Two findings with the same
 * exclusion group are mutually exclusive (e.g. Graviton vs. current-generation x86 for one instance), so
 * their savings must not be added up.
 */
export const EXCLUSION_ASPECTS = Object.freeze({
  /** Changing an instance's type (Graviton, previous generation, rightsizing). */
  instanceType: 'instance-type',
  /** Keeping vs. removing a stopped instance. */
  lifecycle: 'lifecycle',
  /** Paid CloudWatch detailed monitoring on an instance. */
  monitoring: 'monitoring',
});

const SEGMENT = /^[a-z0-9][a-z0-9-]*$/;

export class ExclusionGroupError extends Error {
  readonly code = 'EXCLUSION_GROUP_INVALID';
  constructor(field: string, value: string) {
    super(`exclusionGroupFor: ${field} ${JSON.stringify(value)} must be lowercase kebab-case with no ':'`);
    this.name = 'ExclusionGroupError';
  }
}

/**
 * `<provider>:<resourceType>:<resourceId>[:<aspect>]`, e.g. `aws:ec2-instance:i-0abc:instance-type` or
 * `aws:ebs-volume:vol-0abc` (no aspect: any action on the whole resource, such as delete vs. migrate).
 * Every checker builds groups here so independently written checks agree on the names.
 */
export function exclusionGroupFor(resourceType: string, resourceId: string, aspect?: string, provider: CheckerProvider = 'aws'): string {
  if (!SEGMENT.test(resourceType)) throw new ExclusionGroupError('resourceType', resourceType);
  if (aspect !== undefined && !SEGMENT.test(aspect)) throw new ExclusionGroupError('aspect', aspect);
  if (resourceId.trim() === '') throw new ExclusionGroupError('resourceId', resourceId);
  return `${provider}:${resourceType}:${resourceId}${aspect === undefined ? '' : `:${aspect}`}`;
}
