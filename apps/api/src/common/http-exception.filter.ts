import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { InvalidTenantIdError } from '@openfinops/tenants';
import type { Request, Response } from 'express';
import type { ApiErrorBody, ApiErrorCode } from './api-error.ts';

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** body-parser reports its own errors (size, bad JSON, charset) with a status and `expose: true`. */
function bodyParserError(err: unknown): { status: number; message: string } | undefined {
  const e = err as { status?: unknown; type?: unknown; expose?: unknown; message?: unknown };
  if (typeof e?.status !== 'number' || typeof e.type !== 'string' || e.expose !== true) return undefined;
  if (e.type === 'entity.too.large') return { status: 413, message: 'Request body is larger than the limit' };
  return { status: e.status, message: typeof e.message === 'string' ? e.message : 'Bad request body' };
}

/** Domain errors (they carry a `code` and a message naming the field or tenant) and the status they map to. */
const DOMAIN_ERROR_STATUS: Record<string, number> = {
  TENANT_NOT_FOUND: 404,
  MEMBER_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  FINDING_NOT_FOUND: 404,
  TENANT_EXISTS: 409,
  USER_EXISTS: 409,
  INVALID_TENANT_NAME: 400,
  INVALID_TENANT_STATUS: 400,
  INVALID_USER_INPUT: 400,
  INVALID_RUN_INPUT: 400,
  INVALID_PARTITION_VALUE: 400,
  INVALID_CURSOR: 400,
  INVALID_FINDING_ACTION: 400,
  INVALID_CHECKER_CONFIG: 400,
  CHECKER_NOT_FOUND: 404,
  CLOUD_ACCOUNT_NOT_FOUND: 404,
  CLOUD_ACCOUNT_INVALID: 400,
  CLOUD_ACCOUNT_EXISTS: 409,
  CLOUD_ACCOUNT_DISABLED: 409,
  SCHEDULE_NOT_FOUND: 404,
  INVALID_SCHEDULE: 400,
  RUN_INVALID_TRANSITION: 409,
  RUN_NOT_CANCELLABLE: 409,
  OWNER_CHANGE_FORBIDDEN: 403,
};

export function toErrorBody(err: unknown): { status: number; body: ApiErrorBody } {
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    if (isApiErrorBody(response)) return { status, body: { error: { ...response.error, details: response.error.details ?? null } } };
    const message =
      typeof response === 'string'
        ? response
        : (() => {
            const m = (response as { message?: unknown }).message;
            return Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : err.message;
          })();
    return { status, body: { error: { code: CODE_BY_STATUS[status] ?? 'ERROR', message, details: null } } };
  }
  if (err instanceof InvalidTenantIdError) {
    return { status: 400, body: { error: { code: 'INVALID_TENANT_ID', message: err.message, details: null } } };
  }
  const domain = err as { code?: unknown; message?: unknown } | null;
  if (err instanceof Error && typeof domain?.code === 'string' && DOMAIN_ERROR_STATUS[domain.code] !== undefined) {
    const status = DOMAIN_ERROR_STATUS[domain.code]!;
    // 404s keep one generic body so a missing tenant and a forbidden one look alike.
    const message = status === 404 ? 'Not found' : err.message;
    const code = status === 404 ? 'NOT_FOUND' : domain.code;
    // Field-level problems (a list of { field, message }) go out with 4xx input errors, never with 404s.
    const fieldDetails = (err as { details?: unknown }).details;
    const details = status !== 404 && Array.isArray(fieldDetails) ? fieldDetails : null;
    return { status, body: { error: { code, message, details } } };
  }
  const parserError = bodyParserError(err);
  if (parserError) {
    const code = CODE_BY_STATUS[parserError.status] ?? 'BAD_REQUEST';
    return { status: parserError.status, body: { error: { code, message: parserError.message, details: null } } };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { error: { code: 'INTERNAL', message: 'Internal server error', details: null } },
  };
}

/** Every error leaves the API in one shape; 500s carry no internals (they are logged with the request id). */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request & { id?: unknown }>();
    const { status, body } = toErrorBody(exception);
    if (status >= 500) {
      this.logger.error(
        { err: exception, requestId: req.id, path: req.originalUrl },
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  }
}
