import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

function inputJsonSchema(schema: z.ZodType): JsonSchema {
  // Transforms (query strings coerced to numbers, lists split) have no JSON Schema; their input side is documented.
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return json;
}

type SwaggerSchema = Parameters<typeof ApiBody>[0] extends { schema?: infer S } ? S : never;

/** OpenAPI request bodies come from the same zod schemas the validation pipes use, so docs and checks agree. */
export function ApiZodBody(schema: z.ZodType): MethodDecorator {
  return ApiBody({ schema: inputJsonSchema(schema) as SwaggerSchema });
}

/** One OpenAPI query parameter per property of the zod object the route's query pipe validates. */
export function ApiZodQuery(schema: z.ZodType): MethodDecorator {
  const json = inputJsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return applyDecorators(
    ...Object.entries(properties).map(([name, property]) =>
      ApiQuery({ name, required: required.has(name), schema: property as SwaggerSchema }),
    ),
  );
}
