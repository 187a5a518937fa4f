import { api, TestUser } from './http';

/**
 * Create a group room owned by `owner` and bring `members` in, through the public API. One
 * place knows how joining works, so tests do not depend on the details of invitations.
 */
export async function createRoomWith(
  baseUrl: string,
  owner: TestUser,
  members: TestUser[],
  name = 'room',
): Promise<string> {
  const created = await api<{ id: string }>(baseUrl, 'POST', '/api/v1/rooms', {
    token: owner.token,
    body: { name },
  });
  if (created.status !== 201)
    throw new Error(`create room: ${created.status} ${JSON.stringify(created.body)}`);
  // Group rooms are joined by invite: an invite link the owner makes, used by each member.
  const link = await api<{ token: string }>(
    baseUrl,
    'POST',
    `/api/v1/rooms/${created.body.id}/invite-links`,
    {
      token: owner.token,
      body: {},
    },
  );
  if (link.status !== 201) throw new Error(`invite link: ${link.status} ${JSON.stringify(link.body)}`);
  for (const m of members) {
    const joined = await api(baseUrl, 'POST', `/api/v1/rooms/${created.body.id}/join`, {
      token: m.token,
      body: { inviteToken: link.body.token },
    });
    if (joined.status !== 200)
      throw new Error(`join ${m.username}: ${joined.status} ${JSON.stringify(joined.body)}`);
  }
  return created.body.id;
}

export async function sendHttp(
  baseUrl: string,
  user: TestUser,
  roomId: string,
  content: string,
  clientMsgId: string,
): Promise<{ seq: number; id: string }> {
  const res = await api<{ message: { seq: number; id: string } }>(
    baseUrl,
    'POST',
    `/api/v1/rooms/${roomId}/messages`,
    {
      token: user.token,
      body: { clientMsgId, content },
    },
  );
  if (res.status !== 201) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.message;
}
