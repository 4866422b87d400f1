import { HttpStatus, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ApiError } from './api-error.ts';

/**
 * Validates one handler argument with a zod schema. Nest runs under tsx without decorator metadata, so the
 * schema is passed explicitly rather than inferred from a DTO class.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly where: 'body' | 'query' | 'param' = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value ?? (this.where === 'body' ? undefined : {}));
    if (result.success) return result.data;
    const details = result.error.issues.map((i) => ({
      field: [this.where, ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    const first = details[0];
    throw new ApiError(
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      first ? `Invalid ${first.field}: ${first.message}` : `Invalid ${this.where}`,
      details,
    );
  }
}
