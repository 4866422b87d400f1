import { HttpException, HttpStatus } from '@nestjs/common';

/** Stable, machine-readable codes in every error body: `{ error: { code, message, details } }`. */
export type ApiErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'INVALID_TENANT_ID'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'TENANT_SUSPENDED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export interface ApiErrorBody {
  error: { code: ApiErrorCode | string; message: string; details: unknown };
}

export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: unknown = null,
  ) {
    super({ error: { code, message, details } } satisfies ApiErrorBody, status);
  }
}

export const badRequest = (message: string, details: unknown = null) =>
  new ApiError(HttpStatus.BAD_REQUEST, 'BAD_REQUEST', message, details);
export const unauthenticated = (message = 'Authentication required') =>
  new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', message);
export const forbidden = (message = 'You do not have permission to do this') =>
  new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN', message);
/** The same body whether the thing is missing or belongs to someone else: existence is not revealed. */
export const notFound = (message = 'Not found') => new ApiError(HttpStatus.NOT_FOUND, 'NOT_FOUND', message);
export const conflict = (message: string, details: unknown = null) =>
  new ApiError(HttpStatus.CONFLICT, 'CONFLICT', message, details);
