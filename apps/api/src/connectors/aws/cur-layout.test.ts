import { describe, expect, it } from 'vitest';
import {
  cur1PeriodFromFolder,
  dataExportPeriodFromFolder,
  exportRoot,
  ManifestError,
  md5FromEtag,
  openPeriods,
  parseCur1Manifest,
  parseDataExportManifest,
  periodVersion,
} from './cur-layout.ts';

describe('CUR layout', () => {
  it('reads period folders of both layouts', () => {
    expect(cur1PeriodFromFolder('20240101-20240201')).toBe('2024-01');
    expect(cur1PeriodFromFolder('20241201-20250101')).toBe('2024-12');
    expect(cur1PeriodFromFolder('20240115-20240201')).toBeNull();
    expect(cur1PeriodFromFolder('20241301-20250101')).toBeNull();
    expect(cur1PeriodFromFolder('metadata')).toBeNull();
    expect(dataExportPeriodFromFolder('BILLING_PERIOD=2024-09')).toBe('2024-09');
    expect(dataExportPeriodFromFolder('BILLING_PERIOD=2024-13')).toBeNull();
    expect(exportRoot('/cur/', 'hourly')).toBe('cur/hourly');
    expect(exportRoot('', 'hourly')).toBe('hourly');
  });

  it('parses CUR 1.0 manifests and names the manifest when a field is wrong', () => {
    const m = parseCur1Manifest(JSON.stringify({ assemblyId: 'a1', billingPeriod: { start: '20240101T000000.000Z' }, reportKeys: ['p/r/20240101-20240201/a1/r-1.csv.gz'] }), 's3://b/m.json');
    expect(m).toEqual({ deliveryId: 'a1', dataKeys: ['p/r/20240101-20240201/a1/r-1.csv.gz'], billingPeriod: '2024-01' });
    expect(() => parseCur1Manifest('{', 's3://b/m.json')).toThrow(/^s3:\/\/b\/m\.json: not valid JSON/);
    expect(() => parseCur1Manifest('{"reportKeys":["k"]}', 's3://b/m.json')).toThrow('s3://b/m.json: assemblyId is missing');
    expect(() => parseCur1Manifest('{"assemblyId":"a","reportKeys":[]}', 's3://b/m.json')).toThrow('reportKeys must be a non-empty list of strings');
    expect(() => parseCur1Manifest('{"assemblyId":"a","reportKeys":["../etc/passwd"]}', 's3://b/m.json')).toThrow(ManifestError);
  });

  it('parses Data Exports manifests and refuses files in another bucket', () => {
    const text = JSON.stringify({ executionId: 'e1', dataFiles: ['s3://b/x/data/BILLING_PERIOD=2024-09/x-1.csv.gz'] });
    expect(parseDataExportManifest(text, 'w', 'b')).toEqual({ deliveryId: 'e1', dataKeys: ['x/data/BILLING_PERIOD=2024-09/x-1.csv.gz'], billingPeriod: null });
    expect(() => parseDataExportManifest(text, 'w', 'other')).toThrow('w: dataFiles entry s3://b/x/data/BILLING_PERIOD=2024-09/x-1.csv.gz is in bucket b, not the export bucket other');
    expect(() => parseDataExportManifest('{"executionId":"e","dataFiles":["https://x"]}', 'w', 'b')).toThrow(/is not an s3:\/\/bucket\/key URI/);
  });

  it('only trusts plain ETags as MD5', () => {
    expect(md5FromEtag('"d41d8cd98f00b204e9800998ecf8427e"')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5FromEtag('"d41d8cd98f00b204e9800998ecf8427e-3"')).toBeNull();
    expect(md5FromEtag(undefined)).toBeNull();
  });

  it('versions change with the delivery id and with any file ETag or size, not with listing order', () => {
    const files = [{ key: 'a', size: 1, etag: 'x' }, { key: 'b', size: 2, etag: 'y' }];
    const v = periodVersion('d1', files);
    expect(v).toMatch(/^d1:[0-9a-f]{16}$/);
    expect(periodVersion('d1', [...files].reverse())).toBe(v);
    expect(periodVersion('d2', files)).not.toBe(v);
    expect(periodVersion('d1', [{ key: 'a', size: 1, etag: 'z' }, files[1]!])).not.toBe(v);
    expect(periodVersion('d1', [{ key: 'a', size: 3, etag: 'x' }, files[1]!])).not.toBe(v);
  });

  it('knows the open periods, across a year boundary', () => {
    expect(openPeriods(new Date('2024-01-03T00:00:00Z'))).toEqual({ current: '2024-01', previous: '2023-12' });
    expect(openPeriods(new Date('2024-07-31T23:59:59Z'))).toEqual({ current: '2024-07', previous: '2024-06' });
  });
});
