/** What pino-std-serializers hands a wrapped request serializer. */
interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
}

interface SerializedResponse {
  statusCode?: number;
}

/** Request fields in log lines: an allow-list, so no credential header (Authorization, Cookie) can be logged. */
export function requestLogFields(req: SerializedRequest) {
  const userAgent = req.headers?.['user-agent'];
  return {
    id: req.id,
    method: req.method,
    url: req.url,
    remoteAddress: req.remoteAddress,
    ...(typeof userAgent === 'string' ? { userAgent } : {}),
  };
}

/** Response fields in log lines: the status only (Set-Cookie carries session tokens). */
export function responseLogFields(res: SerializedResponse) {
  return { statusCode: res.statusCode };
}
