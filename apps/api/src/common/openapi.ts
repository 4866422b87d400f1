import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';

/** OpenAPI request bodies come from the same zod schemas the validation pipes use, so docs and checks agree. */
export function ApiZodBody(schema: z.ZodType): MethodDecorator {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return ApiBody({ schema: json as Parameters<typeof ApiBody>[0] extends { schema?: infer S } ? S : never });
}
