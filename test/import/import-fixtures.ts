/** Paths and expected totals of the billing samples under test/fixtures/billing (each folder has PROVENANCE.md). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@openfinops/tenants';

export const BILLING = path.join(REPO_ROOT, 'test', 'fixtures', 'billing');

type Expected = Record<string, Record<string, unknown>>;

/** The entry of EXPECTED_TOTALS.json describing `file` (keys are upstream paths ending in the file name). */
export function expectedFor(folder: string, file: string): Record<string, unknown> {
  const all = JSON.parse(readFileSync(path.join(BILLING, folder, 'EXPECTED_TOTALS.json'), 'utf8')) as Expected;
  const key = Object.keys(all).find((k) => k.endsWith(`/${file}`));
  if (!key) throw new Error(`${folder}/EXPECTED_TOTALS.json has no entry for ${file}`);
  return all[key] as Record<string, unknown>;
}

export function expectedString(entry: Record<string, unknown>, prefix: string): string {
  const key = Object.keys(entry).find((k) => k.startsWith(prefix));
  if (!key || typeof entry[key] !== 'string') throw new Error(`no string entry starting with ${prefix}`);
  return entry[key] as string;
}

export interface AwsSample {
  name: string;
  /** What `finops import` is given: a file or a delivery folder with a manifest. */
  input: string;
  folder: string;
  file: string;
  format: string;
  billingPeriod: string;
}

export const AWS_SAMPLES: AwsSample[] = [
  {
    name: 'focus-converters CUR 1.0 csv.gz',
    input: path.join(BILLING, 'focus-converters', 'aws-cur1_sample-anonymous-aws-export-dataset.csv.gz'),
    folder: 'focus-converters',
    file: 'aws-cur1_sample-anonymous-aws-export-dataset.csv.gz',
    format: 'aws-cur-v1',
    billingPeriod: '2023-11',
  },
  {
    name: 'logzio CUR 1.0 csv.gz',
    input: path.join(BILLING, 'logzio-aws-cost-and-usage', 'test-billing-report-2.csv.gz'),
    folder: 'logzio-aws-cost-and-usage',
    file: 'test-billing-report-2.csv.gz',
    format: 'aws-cur-v1',
    billingPeriod: '2018-03',
  },
  {
    name: 'keboola CUR 1.0 delivery (manifest + csv.zip)',
    input: path.join(BILLING, 'keboola-aws-cur-mock', 'cur_1_0'),
    folder: 'keboola-aws-cur-mock',
    file: 'sample_billing_data.csv',
    format: 'aws-cur-v1',
    billingPeriod: '2024-01',
  },
  {
    name: 'keboola CUR 2.0 delivery (manifest + csv.gz)',
    input: path.join(BILLING, 'keboola-aws-cur-mock', 'cur_2_0', 'MockTestReportV2-Manifest.json'),
    folder: 'keboola-aws-cur-mock',
    file: 'sample_billing_data_v2.csv',
    format: 'aws-cur-v2',
    billingPeriod: '2024-09',
  },
];

export const FOCUS_SAMPLE = {
  input: path.join(BILLING, 'focus-sample-data', 'focus_1.0_sample_all-providers_chargeperiod_2024-09-01_to_15.csv'),
  folder: 'focus-sample-data',
  file: 'focus_1.0_sample_all-providers_chargeperiod_2024-09-01_to_15.csv',
};
