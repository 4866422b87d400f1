import { BadRequestException, NotFoundException } from '@nestjs/common';
import { InvalidTenantIdError } from '@openfinops/tenants';
import { describe, expect, it } from 'vitest';
import { TenantNotFoundError } from '../tenants/tenant.errors.ts';
import { notFound } from './api-error.ts';
import { toErrorBody } from './http-exception.filter.ts';

describe('toErrorBody', () => {
  it('hides internals of unexpected errors behind a generic 500', () => {
    const { status, body } = toErrorBody(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error', details: null } });
  });

  it('maps Nest, tenant-id and domain errors to the common shape', () => {
    expect(toErrorBody(new BadRequestException('nope'))).toEqual({ status: 400, body: { error: { code: 'BAD_REQUEST', message: 'nope', details: null } } });
    expect(toErrorBody(new NotFoundException()).body.error.code).toBe('NOT_FOUND');
    expect(toErrorBody(new InvalidTenantIdError('../x')).status).toBe(400);
    // A domain 404 says nothing about which tenant was looked up.
    expect(toErrorBody(new TenantNotFoundError('secret-co'))).toEqual(toErrorBody(notFound()));
  });

  it('maps body-parser size errors to 413', () => {
    const err = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large', expose: true });
    expect(toErrorBody(err)).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});
