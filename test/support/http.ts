/** A small JSON client for the gateway's HTTP API, returning status and body for assertions. */
export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export interface TestUser {
  id: string;
  username: string;
  token: string;
}

export async function registerUser(
  baseUrl: string,
  username: string,
  displayName?: string,
): Promise<TestUser> {
  const res = await api<{ user: { id: string; username: string }; accessToken: string }>(
    baseUrl,
    'POST',
    '/api/v1/auth/register',
    {
      body: { username, password: 'correct horse battery staple', ...(displayName ? { displayName } : {}) },
    },
  );
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.user.id, username: res.body.user.username, token: res.body.accessToken };
}
