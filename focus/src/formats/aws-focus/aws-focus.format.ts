import { focusFormat, hasFocusCore } from '../focus/focus.format.ts';
import type { FormatProbe, SourceFormat } from '../format.ts';

/** Columns only AWS's own FOCUS export (Data Exports, "FOCUS 1.0 with AWS columns") carries. */
const AWS_FOCUS_MARKERS = ['x_ServiceCode', 'x_UsageType', 'x_Operation', 'x_CostCategories', 'x_Discounts'];

export const awsFocusFormat: SourceFormat = {
  ...focusFormat,
  id: 'aws-focus',
  title: "AWS Data Exports FOCUS export (FOCUS with AWS x_ columns), passthrough to FOCUS 1.2",
  provider: 'aws',
  detect(probe: FormatProbe): number {
    if (!hasFocusCore(probe)) return 0;
    return AWS_FOCUS_MARKERS.some((c) => probe.columns.includes(c)) ? 0.9 : 0;
  },
  docPath: 'docs/focus/aws-focus.md',
};
