import type { CreateContextOptions } from './context.ts';
import type { Checker } from './define-checker.ts';
import { createFocusInputFromRows, FocusInputError } from './focus-input.ts';
import type { CheckerFixture, RunFixtureOptions } from './fixture.ts';

/**
 * The `focus` part of `fixtures/input.json`: an array of FOCUS rows (FOCUS 1.2 column names plus x_ columns,
 * values as text, Tags as an object). Returns the FOCUS input for the run, or undefined when the fixture has none.
 */
export function focusInputFromFixture(fixture: Pick<CheckerFixture, 'file' | 'focus'>): CreateContextOptions['focus'] {
  if (fixture.focus === undefined) return undefined;
  if (!Array.isArray(fixture.focus)) throw new FocusInputError(fixture.file, 'focus', 'expected an array of FOCUS rows');
  return createFocusInputFromRows(fixture.focus as Record<string, unknown>[], { source: `${fixture.file}: focus` });
}

/**
 * Fixture-run options for a checker that reads FOCUS: builds the input from the fixture's rows and hands back a
 * `close` to call after the run (each fixture gets its own in-memory DuckDB).
 */
export function focusFixtureOptions(checker: Pick<Checker<unknown>, 'inputs'>): { options: RunFixtureOptions; close: () => Promise<void> } {
  const opened: Array<{ close(): Promise<void> }> = [];
  return {
    options: {
      contextOptions: (fixture) => {
        if (checker.inputs.focus !== true) return {};
        const focus = focusInputFromFixture(fixture);
        if (focus) opened.push(focus);
        return focus ? { focus } : {};
      },
    },
    close: async () => {
      await Promise.all(opened.splice(0).map((f) => f.close()));
    },
  };
}
