import { api, TestUser } from '../support/http';
import { RunningSystem, startSystem } from '../support/system';
import { Frame, TestSocket } from '../support/ws-client';
import { becomeGuest, inviteLink, loginAdmin, PEOPLE_ENV, someone } from './people';

/**
 * `moderator` is a member with the room role `admin`: the room service's moderator
 * (`isManager`: owner or admin) who may kick, ban, mute, delete others' messages and review
 * reports, but only acts on members it outranks (`outranks`: owner > admin > member).
 * `siteAdmin` is the site's admin account, not a member of the room: it decides topics and
 * reviews every room's reports (site-wide queue, resolving), but has no other power inside other
 * people's rooms.
 */
const ROLES = ['owner', 'moderator', 'member', 'nonMember', 'banned', 'guest', 'siteAdmin'] as const;
type Role = (typeof ROLES)[number];
const MEMBERS: Role[] = ['owner', 'moderator', 'member'];
const MANAGERS: Role[] = ['owner', 'moderator'];
const EVERYONE: Role[] = [...ROLES];
/** Registered accounts (not guests): may create rooms, propose topics, join by invite link. */
const REGISTERED_OUTSIDERS: Role[] = ['nonMember', 'siteAdmin'];

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A group room as the matrix sees it: who plays which role, and what exists in it. */
interface Scene {
  roomId: string;
  /** A member everybody tries to act on (kick, ban, mute, promote, hand over to). */
  target: TestUser;
  /** A second moderator (room admin): only the owner outranks them. */
  peer: TestUser;
  linkId: string;
  messageId: string;
  /** A message the owner wrote. */
  ownerMessageId: string;
  reportId: string;
}

interface Outcome {
  ok: boolean;
  /** HTTP status, or the frame type that answered. */
  status: number | string;
  code?: string;
}

interface Case {
  name: string;
  allowed: Role[];
  /** Needs its own room for every role (the call changes what the next role would find). */
  fresh?: boolean;
  call(scene: Scene, actor: TestUser, role: Role): Promise<Outcome>;
}

/**
 * Every room endpoint and frame, tried as the room's owner, a moderator, a member, a registered
 * non-member, a banned user, a guest and the site admin: exactly the allowed ones succeed; every other answer is a
 * 4xx (or an error frame) with a code, never a 5xx.
 */
describe('authorization matrix: every room endpoint and frame × owner, moderator, member, non-member, banned, guest, site admin', () => {
  let sys: RunningSystem;
  const people = {} as Record<Role, TestUser>;
  let target: TestUser;
  let peer: TestUser;
  const sockets = {} as Record<Role, TestSocket>;
  let shared: Scene;
  let seq = 0;

  const http = async (method: string, path: string, actor: TestUser, body?: unknown): Promise<Outcome> => {
    const res = await api<{ code?: string }>(sys.baseUrl, method, path, { token: actor.token, body });
    return { ok: res.status >= 200 && res.status < 300, status: res.status, code: res.body?.code };
  };

  /** A frame answered by an ack (or an error frame). */
  const acked = async (role: Role, frame: Record<string, unknown> & { type: string }): Promise<Outcome> => {
    const answer = await sockets[role].request(frame);
    return { ok: answer.type !== 'error', status: answer.type, code: answer.code as string | undefined };
  };

  /** A frame answered only when refused: a ping after it proves it was handled without complaint. */
  const silent = async (role: Role, frame: Record<string, unknown> & { type: string }): Promise<Outcome> => {
    const ws = sockets[role];
    const id = ws.nextId();
    ws.sendRaw(JSON.stringify({ ...frame, id }));
    await ws.request({ type: 'ping' });
    const error = ws.frames.find((f: Frame) => f.id === id && f.type === 'error');
    return error ? { ok: false, status: 'error', code: error.code as string } : { ok: true, status: 'none' };
  };

  /** A group room with the cast in place: owner, moderators, member, target, a banned user, messages, a report. */
  async function stage(): Promise<Scene> {
    const { owner, moderator, member, banned } = people;
    const created = await api<{ id: string }>(sys.baseUrl, 'POST', '/api/v1/rooms', {
      token: owner.token,
      body: { name: `matrix ${++seq}` },
    });
    const roomId = created.body.id;
    const token = await inviteLink(sys.baseUrl, owner, roomId);
    for (const u of [moderator, peer, member, target, banned]) {
      const joined = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/join`, {
        token: u.token,
        body: { inviteToken: token },
      });
      if (joined.status !== 200)
        throw new Error(`stage join: ${joined.status} ${JSON.stringify(joined.body)}`);
    }
    for (const u of [moderator, peer])
      await api(sys.baseUrl, 'PUT', `/api/v1/rooms/${roomId}/members/${u.id}/role`, {
        token: owner.token,
        body: { role: 'admin' },
      });
    await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/bans`, {
      token: owner.token,
      body: { userId: banned.id },
    });
    const link = await api<{ id: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/invite-links`, {
      token: owner.token,
      body: {},
    });
    const sent = await api<{ message: { id: string } }>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/messages`,
      {
        token: member.token,
        body: { clientMsgId: `stage-${seq}`, content: 'a message to act on' },
      },
    );
    const ownerSent = await api<{ message: { id: string } }>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/messages`,
      { token: owner.token, body: { clientMsgId: `stage-owner-${seq}`, content: 'the owner speaks' } },
    );
    const report = await api<{ id: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/reports`, {
      token: target.token,
      body: { messageId: sent.body.message.id, reason: 'spam' },
    });
    await fetch(`${sys.baseUrl}/api/v1/rooms/${roomId}/image`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    return {
      roomId,
      target,
      peer,
      linkId: link.body.id,
      messageId: sent.body.message.id,
      ownerMessageId: ownerSent.body.message.id,
      reportId: report.body.id,
    };
  }

  const room = (s: Scene, rest = '') => `/api/v1/rooms/${s.roomId}${rest}`;

  const CASES: Case[] = [
    // Rooms
    {
      name: 'POST /rooms',
      allowed: ['owner', 'moderator', 'member', 'nonMember', 'banned', 'siteAdmin'],
      call: (_s, a) => http('POST', '/api/v1/rooms', a, { name: 'mine' }),
    },
    { name: 'GET /rooms', allowed: EVERYONE, call: (_s, a) => http('GET', '/api/v1/rooms', a) },
    {
      name: 'GET /rooms/invites',
      allowed: EVERYONE,
      call: (_s, a) => http('GET', '/api/v1/rooms/invites', a),
    },
    { name: 'GET /rooms/:id', allowed: MEMBERS, call: (s, a) => http('GET', room(s), a) },
    {
      name: 'PATCH /rooms/:id (rename)',
      allowed: MANAGERS,
      call: (s, a) => http('PATCH', room(s), a, { name: 'Matrix' }),
    },
    {
      name: 'PATCH /rooms/:id/settings',
      allowed: MANAGERS,
      call: (s, a) => http('PATCH', room(s, '/settings'), a, { profanityFilter: true }),
    },
    {
      name: 'PUT /rooms/:id/image',
      allowed: MANAGERS,
      call: async (s, a) => {
        const res = await fetch(`${sys.baseUrl}${room(s, '/image')}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${a.token}`, 'content-type': 'image/png' },
          body: PNG,
        });
        return { ok: res.ok, status: res.status, code: ((await res.json()) as { code?: string }).code };
      },
    },
    // Public like an avatar: the picture of a room whose id one has.
    {
      name: 'GET /rooms/:id/image (no token)',
      allowed: EVERYONE,
      call: async (s) => {
        const res = await fetch(`${sys.baseUrl}${room(s, '/image')}`);
        return { ok: res.ok, status: res.status };
      },
    },
    {
      name: 'DELETE /rooms/:id/image',
      allowed: MANAGERS,
      fresh: true,
      call: (s, a) => http('DELETE', room(s, '/image'), a),
    },
    {
      name: 'POST /rooms/:id/join (no invite)',
      allowed: MEMBERS,
      call: (s, a) => http('POST', room(s, '/join'), a, {}),
    },
    {
      name: 'POST /rooms/:id/join (invite link)',
      allowed: [...MEMBERS, ...REGISTERED_OUTSIDERS],
      fresh: true,
      call: async (s, a) => {
        const token = await inviteLink(sys.baseUrl, people.owner, s.roomId);
        return http('POST', room(s, '/join'), a, { inviteToken: token });
      },
    },
    {
      name: 'POST /rooms/:id/invites/decline (invited)',
      allowed: ['nonMember', 'guest', 'siteAdmin'],
      fresh: true,
      call: async (s, a) => {
        await http('POST', room(s, '/invites'), people.owner, { userId: a.id });
        return http('POST', room(s, '/invites/decline'), a);
      },
    },
    {
      name: 'POST /rooms/:id/leave',
      allowed: ['moderator', 'member'],
      fresh: true,
      call: (s, a) => http('POST', room(s, '/leave'), a),
    },
    {
      name: 'POST /rooms/:id/invites',
      allowed: MANAGERS,
      call: async (s, a) =>
        http('POST', room(s, '/invites'), a, { userId: (await someone(sys.baseUrl, 'inv')).id }),
    },
    {
      name: 'POST /rooms/:id/invite-links',
      allowed: MANAGERS,
      call: (s, a) => http('POST', room(s, '/invite-links'), a, {}),
    },
    {
      name: 'GET /rooms/:id/invite-links',
      allowed: MANAGERS,
      call: (s, a) => http('GET', room(s, '/invite-links'), a),
    },
    {
      name: 'DELETE /rooms/:id/invite-links/:linkId',
      allowed: MANAGERS,
      fresh: true,
      call: (s, a) => http('DELETE', room(s, `/invite-links/${s.linkId}`), a),
    },
    {
      name: 'PUT /rooms/:id/members/:userId/role',
      allowed: ['owner'],
      fresh: true,
      call: (s, a) => http('PUT', room(s, `/members/${s.target.id}/role`), a, { role: 'admin' }),
    },
    {
      name: 'POST /rooms/:id/owner',
      allowed: ['owner'],
      fresh: true,
      call: (s, a) => http('POST', room(s, '/owner'), a, { userId: s.target.id }),
    },
    // Moderation
    {
      name: 'POST /rooms/:id/members/:userId/kick',
      allowed: MANAGERS,
      fresh: true,
      call: (s, a) => http('POST', room(s, `/members/${s.target.id}/kick`), a, {}),
    },
    {
      name: 'POST /rooms/:id/bans',
      allowed: MANAGERS,
      fresh: true,
      call: (s, a) => http('POST', room(s, '/bans'), a, { userId: s.target.id }),
    },
    {
      name: 'DELETE /rooms/:id/bans/:userId',
      allowed: MANAGERS,
      fresh: true,
      call: (s, a) => http('DELETE', room(s, `/bans/${people.banned.id}`), a),
    },
    // Moderation of someone not outranked: a peer moderator (only the owner outranks them), the owner (nobody).
    {
      name: 'POST /rooms/:id/members/:userId/kick (a peer moderator)',
      allowed: ['owner'],
      fresh: true,
      call: (s, a) => http('POST', room(s, `/members/${s.peer.id}/kick`), a, {}),
    },
    {
      name: 'POST /rooms/:id/bans (a peer moderator)',
      allowed: ['owner'],
      fresh: true,
      call: (s, a) => http('POST', room(s, '/bans'), a, { userId: s.peer.id }),
    },
    {
      name: 'POST /rooms/:id/members/:userId/mute (a peer moderator)',
      allowed: ['owner'],
      fresh: true,
      call: (s, a) => http('POST', room(s, `/members/${s.peer.id}/mute`), a, { durationSeconds: 60 }),
    },
    {
      name: 'POST /rooms/:id/members/:userId/kick (the owner)',
      allowed: [],
      call: (s, a) => http('POST', room(s, `/members/${people.owner.id}/kick`), a, {}),
    },
    {
      name: 'POST /rooms/:id/members/:userId/mute (the owner)',
      allowed: [],
      call: (s, a) => http('POST', room(s, `/members/${people.owner.id}/mute`), a, { durationSeconds: 60 }),
    },
    { name: 'GET /rooms/:id/bans', allowed: MANAGERS, call: (s, a) => http('GET', room(s, '/bans'), a) },
    {
      name: 'POST /rooms/:id/members/:userId/mute',
      allowed: MANAGERS,
      call: (s, a) => http('POST', room(s, `/members/${s.target.id}/mute`), a, { durationSeconds: 60 }),
    },
    {
      name: 'DELETE /rooms/:id/members/:userId/mute',
      allowed: MANAGERS,
      call: (s, a) => http('DELETE', room(s, `/members/${s.target.id}/mute`), a),
    },
    {
      name: 'POST /rooms/:id/reports',
      allowed: MEMBERS,
      call: (s, a) => http('POST', room(s, '/reports'), a, { messageId: s.messageId, reason: 'rude' }),
    },
    {
      name: 'GET /rooms/:id/reports',
      allowed: MANAGERS,
      call: (s, a) => http('GET', room(s, '/reports'), a),
    },
    {
      name: 'POST /rooms/:id/reports/:reportId/resolve',
      allowed: [...MANAGERS, 'siteAdmin'],
      fresh: true,
      call: (s, a) => http('POST', room(s, `/reports/${s.reportId}/resolve`), a, { resolution: 'dismissed' }),
    },
    { name: 'GET /rooms/:id/audit', allowed: MANAGERS, call: (s, a) => http('GET', room(s, '/audit'), a) },
    {
      name: 'GET /admin/reports (every room)',
      allowed: ['siteAdmin'],
      call: (_s, a) => http('GET', '/api/v1/admin/reports', a),
    },
    // Messages and reads in the room (other contexts' endpoints: the room service decides for them)
    {
      name: 'GET /rooms/:id/messages',
      allowed: MEMBERS,
      call: (s, a) => http('GET', room(s, '/messages'), a),
    },
    {
      name: 'POST /rooms/:id/messages',
      allowed: MEMBERS,
      call: (s, a, r) =>
        http('POST', room(s, '/messages'), a, { clientMsgId: `m-${r}-${++seq}`, content: 'hi' }),
    },
    {
      name: 'GET /rooms/:id/messages/search',
      allowed: MEMBERS,
      call: (s, a) => http('GET', room(s, '/messages/search?q=message'), a),
    },
    {
      name: 'DELETE /rooms/:id/messages/:messageId (a member’s)',
      allowed: MEMBERS,
      fresh: true,
      call: (s, a) => http('DELETE', room(s, `/messages/${s.messageId}`), a),
    },
    // Deleting others' messages has no rank: a moderator may remove even the owner's.
    {
      name: 'DELETE /rooms/:id/messages/:messageId (the owner’s)',
      allowed: MANAGERS,
      fresh: true,
      call: (s, a) => http('DELETE', room(s, `/messages/${s.ownerMessageId}`), a),
    },
    {
      name: 'PUT /rooms/:id/messages/:messageId/reactions/:emoji',
      allowed: MEMBERS,
      call: (s, a) =>
        http('PUT', room(s, `/messages/${s.messageId}/reactions/${encodeURIComponent('👍')}`), a),
    },
    {
      name: 'POST /rooms/:id/read',
      allowed: MEMBERS,
      call: (s, a) => http('POST', room(s, '/read'), a, { seq: 1 }),
    },
    { name: 'GET /rooms/:id/reads', allowed: MEMBERS, call: (s, a) => http('GET', room(s, '/reads'), a) },
    // Frames
    {
      name: 'frame message.send',
      allowed: MEMBERS,
      call: (s, _a, r) =>
        acked(r, {
          type: 'message.send',
          roomId: s.roomId,
          clientMsgId: `f-${r}-${++seq}`,
          content: 'hello',
        }),
    },
    {
      name: 'frame typing',
      allowed: MEMBERS,
      call: (s, _a, r) => silent(r, { type: 'typing', roomId: s.roomId, active: true }),
    },
    {
      name: 'frame read',
      allowed: MEMBERS,
      call: (s, _a, r) => silent(r, { type: 'read', roomId: s.roomId, seq: 1 }),
    },
    // Topics: only the site admin decides (room moderators have no say).
    { name: 'GET /topics', allowed: EVERYONE, call: (_s, a) => http('GET', '/api/v1/topics', a) },
    {
      name: 'POST /topics',
      allowed: ['siteAdmin'],
      call: (_s, a) => http('POST', '/api/v1/topics', a, { name: `topic ${++seq}` }),
    },
    {
      name: 'POST /topics/proposals',
      allowed: ['owner', 'moderator', 'member', 'nonMember', 'banned', 'siteAdmin'],
      call: (_s, a) => http('POST', '/api/v1/topics/proposals', a, { name: `idea ${++seq}` }),
    },
    {
      name: 'POST /topics/proposals/:id/approve',
      allowed: ['siteAdmin'],
      call: async (_s, a) => http('POST', `/api/v1/topics/proposals/${await proposal()}/approve`, a),
    },
    {
      name: 'POST /topics/proposals/:id/reject',
      allowed: ['siteAdmin'],
      call: async (_s, a) =>
        http('POST', `/api/v1/topics/proposals/${await proposal()}/reject`, a, { reason: 'no' }),
    },
  ];

  /** A fresh pending proposal by a member, for one decision. */
  async function proposal(): Promise<string> {
    const res = await api<{ id: string }>(sys.baseUrl, 'POST', '/api/v1/topics/proposals', {
      token: people.member.token,
      body: { name: `A proposal ${++seq}` },
    });
    if (res.status !== 201) throw new Error(`proposal: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  beforeAll(async () => {
    sys = await startSystem(PEOPLE_ENV);
    for (const role of ['owner', 'moderator', 'member', 'nonMember', 'banned'] as const)
      people[role] = await someone(sys.baseUrl, role.toLowerCase().slice(0, 8));
    people.guest = await becomeGuest(sys.baseUrl);
    people.siteAdmin = await loginAdmin(sys.baseUrl);
    target = await someone(sys.baseUrl, 'target');
    peer = await someone(sys.baseUrl, 'peer');
    for (const role of ROLES) sockets[role] = await TestSocket.connect(sys.wsUrl, people[role].token);
    shared = await stage();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(sockets).map((s) => s.close()));
    await sys?.stop();
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const wrong: string[] = [];
      for (const role of ROLES) {
        const scene = c.fresh ? await stage() : shared;
        const outcome = await c.call(scene, people[role], role);
        const expected = c.allowed.includes(role);
        const clean =
          outcome.ok || typeof outcome.status === 'string' || (outcome.status >= 400 && outcome.status < 500);
        if (outcome.ok !== expected || !clean || (!outcome.ok && !outcome.code && outcome.status !== 404))
          wrong.push(
            `${role}: expected ${expected ? 'success' : 'refusal'}, got ${outcome.status} ${outcome.code ?? ''}`,
          );
      }
      expect(wrong).toEqual([]);
    },
    60_000,
  );
});
