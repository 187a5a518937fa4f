import type { ErrorDetail } from '@app/contracts/errors';

/** Error codes the client makes up itself, for failures that never reached the server. */
export const ClientErrorCodes = {
  NETWORK: 'client.network',
  BAD_RESPONSE: 'client.bad_response',
} as const;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isNetwork(): boolean {
    return this.code === ClientErrorCodes.NETWORK;
  }
}

export const API_BASE = '/api/v1';

type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Sent as `Authorization: Bearer`; omitted for the auth endpoints. */
  token?: string | null;
  signal?: AbortSignal;
}

let unauthorizedHandler: ((err: ApiError) => void) | null = null;

/** Called when an authenticated request is refused with 401: the session is over. */
export function onUnauthorized(handler: ((err: ApiError) => void) | null): void {
  unauthorizedHandler = handler;
}

function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

function readError(status: number, body: unknown, statusText: string): ApiError {
  if (body && typeof body === 'object') {
    const b = body as { code?: unknown; message?: unknown; details?: unknown };
    const message = Array.isArray(b.message) ? b.message.join(', ') : b.message;
    if (typeof message === 'string') {
      return new ApiError(
        status,
        typeof b.code === 'string' ? b.code : `http.${status}`,
        message,
        Array.isArray(b.details) ? (b.details as ErrorDetail[]) : [],
      );
    }
  }
  return new ApiError(status, `http.${status}`, statusText || `Request failed (${status})`);
}

/** A typed fetch: JSON in, JSON out, non-2xx turned into an ApiError carrying the server's code. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;

  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, ClientErrorCodes.NETWORK, 'Cannot reach the server. Check your connection.');
  }

  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      if (res.ok)
        throw new ApiError(res.status, ClientErrorCodes.BAD_RESPONSE, 'The server sent a bad response.');
    }
  }

  if (!res.ok) {
    const error = readError(res.status, body, res.statusText);
    if (error.isUnauthorized && opts.token) unauthorizedHandler?.(error);
    throw error;
  }
  return body as T;
}

/** What to show a person for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}
