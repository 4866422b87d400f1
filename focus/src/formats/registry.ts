/**
 * All source formats the importer knows. To add one: create `focus/src/formats/<id>/<id>.format.ts` exporting a
 * `SourceFormat`, then add ONE import line and ONE entry in `formats` below (keep the list ordered by id).
 */
import { awsCurV1Format } from './aws-cur-v1/aws-cur-v1.format.ts';
import { awsCurV2Format } from './aws-cur-v2/aws-cur-v2.format.ts';
import { awsFocusFormat } from './aws-focus/aws-focus.format.ts';
import { azureCostDetailsFormat } from './azure-cost-details/azure-cost-details.format.ts';
import { azureFocusFormat } from './azure-focus/azure-focus.format.ts';
import { focusFormat } from './focus/focus.format.ts';
import { gcpBillingExportFormat } from './gcp-billing-export/gcp-billing-export.format.ts';
import type { FormatProbe, SourceFormat } from './format.ts';

export { awsCurV1Format, awsCurV2Format, awsFocusFormat, focusFormat };

export const formats: readonly SourceFormat[] = [
  awsCurV1Format,
  awsCurV2Format,
  awsFocusFormat,
  azureCostDetailsFormat,
  azureFocusFormat,
  focusFormat,
  gcpBillingExportFormat,
];

export class UnknownFormatError extends Error {
  readonly code = 'UNKNOWN_FORMAT';
  constructor(message: string) {
    super(message);
    this.name = 'UnknownFormatError';
  }
}

export function knownFormatIds(list: readonly SourceFormat[] = formats): string[] {
  return list.map((f) => f.id);
}

export function getFormat(id: string, list: readonly SourceFormat[] = formats): SourceFormat {
  const found = list.find((f) => f.id === id);
  if (!found) throw new UnknownFormatError(`Unknown format "${id}": known formats are ${knownFormatIds(list).join(', ')}`);
  return found;
}

export interface DetectedFormat {
  format: SourceFormat;
  confidence: number;
}

/** Best match for a probe, or null when every format answers 0. Ties go to the earlier entry in `formats`. */
export function detectFormat(probe: FormatProbe, list: readonly SourceFormat[] = formats): DetectedFormat | null {
  let best: DetectedFormat | null = null;
  for (const format of list) {
    if (!format.fileKinds.includes(probe.fileKind)) continue;
    const confidence = format.detect(probe);
    if (confidence > 0 && (!best || confidence > best.confidence)) best = { format, confidence };
  }
  return best;
}
