import { describe, expect, it } from 'vitest';
import { overviewWindow } from './overview-window.util.ts';

describe('overviewWindow', () => {
  it('ends after the last day with data and compares the same days of the previous month', () => {
    expect(overviewWindow('2024-06', '2024-06-05', '2026-11-22')).toEqual({
      month: '2024-06',
      from: '2024-06-01',
      to: '2024-06-06',
      previousFrom: '2024-05-01',
      previousTo: '2024-05-06',
      complete: false,
    });
  });

  it('marks a month whose last day has data as complete', () => {
    expect(overviewWindow('2024-06', '2024-06-30', '2026-11-22')).toMatchObject({ to: '2024-07-01', previousTo: '2024-06-01', complete: true });
  });

  it('never runs past today in the current month', () => {
    expect(overviewWindow('2026-11', '2026-11-25', '2026-11-22')).toMatchObject({ to: '2026-11-22', previousFrom: '2026-10-01', previousTo: '2026-10-22' });
  });

  it('caps the comparison at the end of a shorter previous month', () => {
    expect(overviewWindow('2024-03', '2024-03-30', '2026-01-01')).toMatchObject({ previousFrom: '2024-02-01', previousTo: '2024-03-01' });
  });
});
