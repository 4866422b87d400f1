import type { CreateContextOptions } from './context.ts';
import { createFocusInputFromRows, FocusInputError } from './focus-input.ts';
import type { CheckerFixture } from './fixture.ts';

/**
 * The `focus` part of `fixtures/input.json`: an array of FOCUS rows (FOCUS 1.2 column names plus x_ columns,
 * values as text, Tags as an object). Returns the FOCUS input for the run, or undefined when the fixture has none.
 */
export function focusInputFromFixture(fixture: Pick<CheckerFixture, 'file' | 'focus'>): CreateContextOptions['focus'] {
  if (fixture.focus === undefined) return undefined;
  if (!Array.isArray(fixture.focus)) throw new FocusInputError(fixture.file, 'focus', 'expected an array of FOCUS rows');
  return createFocusInputFromRows(fixture.focus as Record<string, unknown>[], { source: `${fixture.file}: focus` });
}
