import { api, registerUser, TestUser } from '../support/http';

export const ADMIN_USERNAME = 'siteadmin';
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** Environment for a system with a site admin and room for many guests from one address. */
export const PEOPLE_ENV: NodeJS.ProcessEnv = {
  ADMIN_USERNAME,
  ADMIN_PASSWORD,
  GUESTS_PER_IP: '1000',
  LOGIN_MAX_FAILURES_PER_IP: '1000',
};

export async function loginAdmin(baseUrl: string): Promise<TestUser> {
  const res = await api<{ user: { id: string; username: string; role: string }; accessToken: string }>(
    baseUrl,
    'POST',
    '/api/v1/auth/login',
    { body: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD } },
  );
  if (res.status !== 200 || res.body.user.role !== 'admin')
    throw new Error(`admin login: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.user.id, username: res.body.user.username, token: res.body.accessToken };
}

/** A guest identity (role guest) with a generated nickname. */
export async function becomeGuest(baseUrl: string): Promise<TestUser> {
  const res = await api<{ user: { id: string; username: string; role: string }; accessToken: string }>(
    baseUrl,
    'POST',
    '/api/v1/auth/guest',
  );
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`guest: ${res.status} ${JSON.stringify(res.body)}`);
  if (res.body.user.role !== 'guest') throw new Error(`guest has role ${res.body.user.role}`);
  return { id: res.body.user.id, username: res.body.user.username, token: res.body.accessToken };
}

let serial = 0;

/** A registered user with a unique name. */
export function someone(baseUrl: string, prefix = 'user', displayName?: string): Promise<TestUser> {
  serial += 1;
  return registerUser(baseUrl, `${prefix}${serial}${Date.now().toString(36).slice(-4)}`, displayName);
}

/** An invite link to a group room, made by its owner or an admin. */
export async function inviteLink(baseUrl: string, manager: TestUser, roomId: string): Promise<string> {
  const res = await api<{ token: string }>(baseUrl, 'POST', `/api/v1/rooms/${roomId}/invite-links`, {
    token: manager.token,
    body: {},
  });
  if (res.status !== 201) throw new Error(`invite link: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}
