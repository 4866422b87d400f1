import { describe, expect, it } from 'vitest';
import { fieldErrorsFrom } from './field-errors.util.ts';

describe('fieldErrorsFrom', () => {
  it('maps zod details to input names, first message per field', () => {
    const details = [
      { field: 'body.name', message: 'Too small' },
      { field: 'body.options.bucket', message: 'must be a bucket name' },
      { field: 'body.name', message: 'second message' },
    ];
    expect(fieldErrorsFrom('Invalid body.name: Too small', details)).toEqual({ name: 'Too small', bucket: 'must be a bucket name' });
  });

  it('reads the field of an `Invalid <field>: <message>` error without details', () => {
    expect(fieldErrorsFrom('Invalid options.roleArn: expected an IAM role ARN', null)).toEqual({ roleArn: 'expected an IAM role ARN' });
    expect(fieldErrorsFrom('Invalid secret: a gcp account needs serviceAccountKey', null)).toEqual({ secret: 'a gcp account needs serviceAccountKey' });
    expect(fieldErrorsFrom('Invalid schedule cron: "x" has 1 field(s); expected 5', null)).toEqual({ cron: '"x" has 1 field(s); expected 5' });
    expect(fieldErrorsFrom('Invalid options.regions.0: must be AWS regions such as eu-west-1', null)).toEqual({ regions: 'must be AWS regions such as eu-west-1' });
  });

  it('names no field for other errors', () => {
    expect(fieldErrorsFrom('Tenant acme already exists', null)).toEqual({});
    expect(fieldErrorsFrom('Invalid body', [{ message: 'no field' }])).toEqual({});
  });
});
