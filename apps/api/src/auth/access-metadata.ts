import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ACCESS_METADATA, type AccessDeclaration } from './access.decorators.ts';

/** Handler-level declarations win over controller-level ones. */
export function accessOf(reflector: Reflector, context: ExecutionContext): AccessDeclaration | undefined {
  return reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
}
