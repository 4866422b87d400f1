import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Prefix that tells a run id apart from other ids in logs and URLs. */
export const RUN_ID_PREFIX = 'run_';
const RUN_ID_PATTERN = /^run_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * `run_` + a ULID: ids sort by creation time (lexicographically), also within one millisecond (monotonic),
 * and are safe as lake path segments (findings files are named after the run).
 */
export function newRunId(now: number = Date.now()): string {
  return `${RUN_ID_PREFIX}${nextUlid(now)}`;
}

export function isRunId(value: unknown): value is string {
  return typeof value === 'string' && RUN_ID_PATTERN.test(value);
}
