import type { ErrorDetail } from '@app/contracts/errors';

/** Error codes the client makes up itself, for failures that never reached the server. */
export const ClientErrorCodes = {
  NETWORK: 'client.network',
  BAD_RESPONSE: 'client.bad_response',
  SIGNED_OUT: 'client.signed_out',
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
  /** Raw bytes (uploads) instead of JSON. */
  blob?: Blob;
  query?: Query;
  /** Send the signed-in session's access token (refreshing it first when it is about to expire). */
  auth?: boolean;
  signal?: AbortSignal;
}

/**
 * What the HTTP layer needs from the session: the current access token, a way to get a new one
 * after `auth.token_expired`, and a way to say the session is over.
 */
export interface AuthProvider {
  /** A token good for the next request (refreshed first when it expires within seconds), or null. */
  freshToken(): Promise<string | null>;
  /** After a 401 `auth.token_expired`: trade the refresh token (one refresh at a time). */
  refreshAfterExpiry(): Promise<string | null>;
  /** Any other 401 on an authenticated request: the session is over. */
  sessionEnded(err: ApiError): void;
}

let authProvider: AuthProvider | null = null;

export function setAuthProvider(provider: AuthProvider | null): void {
  authProvider = provider;
}

/** For requests fetch cannot make (uploads that report progress): the session's token source. */
export function currentAuthProvider(): AuthProvider | null {
  return authProvider;
}

/** The ApiError for a JSON error body (or none) with this status. */
export function apiErrorOf(status: number, bodyText: string, statusText = ''): ApiError {
  let body: unknown;
  try {
    body = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    body = undefined;
  }
  return readError(status, body, statusText);
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

async function send(
  method: string,
  path: string,
  opts: RequestOptions,
  token: string | null,
): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.blob) {
    headers['Content-Type'] = opts.blob.type || 'application/octet-stream';
    body = opts.blob;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, ClientErrorCodes.NETWORK, 'Cannot reach the server. Check your connection.');
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return readError(res.status, body, res.statusText);
}

/**
 * One authenticated exchange: a token that is about to expire is refreshed first; a 401
 * `auth.token_expired` (a clock off, a laptop waking up) refreshes and retries once; any other
 * 401 ends the session.
 */
async function exchange(method: string, path: string, opts: RequestOptions): Promise<Response> {
  if (!opts.auth) return send(method, path, opts, null);
  const provider = authProvider;
  const token = provider ? await provider.freshToken() : null;
  if (!provider || !token) throw new ApiError(401, ClientErrorCodes.SIGNED_OUT, 'You are signed out.');
  let res = await send(method, path, opts, token);
  if (res.status !== 401) return res;
  let error = await errorOf(res);
  if (error.code === 'auth.token_expired') {
    const renewed = await provider.refreshAfterExpiry();
    if (!renewed) throw error;
    res = await send(method, path, opts, renewed);
    if (res.status !== 401) return res;
    error = await errorOf(res);
  }
  if (authProvider === provider) provider.sessionEnded(error);
  throw error;
}

/** A typed fetch: JSON in, JSON out, non-2xx turned into an ApiError carrying the server's code. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await exchange(method, path, opts);
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
  if (!res.ok) throw readError(res.status, body, res.statusText);
  return body as T;
}

/** For downloads (the room export): the body as a Blob, with the server's file name. */
export async function requestBlob(path: string): Promise<{ blob: Blob; fileName: string | null }> {
  const res = await exchange('GET', path, { auth: true });
  if (!res.ok) throw await errorOf(res);
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const fileName = disposition.match(/filename="([^"]+)"/)?.[1] ?? null;
  return { blob: await res.blob(), fileName };
}

/** What to show a person for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}
