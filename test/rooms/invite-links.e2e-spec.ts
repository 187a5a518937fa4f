import { Client } from 'pg';
import { api, TestUser } from '../support/http';
import { RunningSystem, startSystem } from '../support/system';
import { someone } from './people';

interface Link {
  id: string;
  roomId: string;
  token?: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  maxUses?: number;
  uses: number;
}

/**
 * Listing a room's invite links: every owner and admin sees the links anyone made, on any device,
 * that can still be revoked, never with their tokens; nobody else sees them.
 */
describe('invite links: GET /rooms/:id/invite-links', () => {
  let sys: RunningSystem;
  let pg: Client;
  let owner: TestUser;
  let admin: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let roomId: string;

  const createLink = async (by: TestUser, body: Record<string, unknown> = {}): Promise<Link> => {
    const res = await api<Link>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/invite-links`, {
      token: by.token,
      body,
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const list = (by: TestUser, room = roomId, query = '') =>
    api<{ links: Link[]; code?: string }>(sys.baseUrl, 'GET', `/api/v1/rooms/${room}/invite-links${query}`, {
      token: by.token,
    });
  const join = (user: TestUser, inviteToken: string) =>
    api<{ code?: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/join`, {
      token: user.token,
      body: { inviteToken },
    });

  beforeAll(async () => {
    sys = await startSystem();
    pg = new Client({ connectionString: sys.db.url });
    await pg.connect();
    [owner, admin, member, outsider] = await Promise.all([
      someone(sys.baseUrl, 'lown'),
      someone(sys.baseUrl, 'ladm'),
      someone(sys.baseUrl, 'lmem'),
      someone(sys.baseUrl, 'lout'),
    ]);
    const created = await api<{ id: string }>(sys.baseUrl, 'POST', '/api/v1/rooms', {
      token: owner.token,
      body: { name: 'links' },
    });
    roomId = created.body.id;
    const entry = await createLink(owner);
    for (const u of [admin, member]) expect((await join(u, entry.token as string)).status).toBe(200);
    const promoted = await api(sys.baseUrl, 'PUT', `/api/v1/rooms/${roomId}/members/${admin.id}/role`, {
      token: owner.token,
      body: { role: 'admin' },
    });
    expect(promoted.status).toBe(200);
    // The entry link has done its job; the tests below start from no live links.
    const revoked = await api(sys.baseUrl, 'DELETE', `/api/v1/rooms/${roomId}/invite-links/${entry.id}`, {
      token: owner.token,
    });
    expect(revoked.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await pg?.end();
    await sys?.stop();
  });

  it("an admin sees the owner's links, newest first, without tokens; revoked and expired ones are gone", async () => {
    const first = await createLink(owner, { maxUses: 5 });
    const second = await createLink(owner);
    const mine = await createLink(admin, { expiresInSeconds: 3600 });
    const revoked = await createLink(owner);
    const expired = await createLink(owner);
    expect(
      (
        await api(sys.baseUrl, 'DELETE', `/api/v1/rooms/${roomId}/invite-links/${revoked.id}`, {
          token: admin.token,
        })
      ).status,
    ).toBe(200);
    await pg.query(`UPDATE room.invite_links SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      expired.id,
    ]);

    const res = await list(admin);
    expect(res.status).toBe(200);
    expect(res.body.links.map((l) => l.id)).toEqual([mine.id, second.id, first.id]);
    for (const l of res.body.links) expect(l).not.toHaveProperty('token');
    expect(res.body.links[2]).toEqual({
      id: first.id,
      roomId,
      createdBy: owner.id,
      createdAt: first.createdAt,
      expiresAt: first.expiresAt,
      maxUses: 5,
      uses: 0,
    });
    expect(res.body.links[0].createdBy).toBe(admin.id);
    expect(JSON.stringify(res.body)).not.toContain(first.token as string);

    // The owner sees the admin's link too, and either can revoke what the list shows.
    const byOwner = await list(owner);
    expect(byOwner.body.links.map((l) => l.id)).toEqual([mine.id, second.id, first.id]);
    for (const l of [mine, second, first])
      expect(
        (
          await api(sys.baseUrl, 'DELETE', `/api/v1/rooms/${roomId}/invite-links/${l.id}`, {
            token: owner.token,
          })
        ).status,
      ).toBe(200);
    expect((await list(admin)).body.links).toEqual([]);
  });

  it('used-up links are listed only when asked for, with their uses', async () => {
    const once = await createLink(owner, { maxUses: 1 });
    const guestOfLink = await someone(sys.baseUrl, 'lonce');
    expect((await join(guestOfLink, once.token as string)).status).toBe(200);

    expect((await list(admin)).body.links).toEqual([]);
    const withUsedUp = await list(admin, roomId, '?includeUsedUp=true');
    expect(withUsedUp.status).toBe(200);
    expect(withUsedUp.body.links.map((l) => [l.id, l.uses, l.maxUses])).toEqual([[once.id, 1, 1]]);
    const bad = await list(admin, roomId, '?includeUsedUp=yes');
    expect(bad.status).toBe(400);
  });

  it('a plain member gets 403 room.forbidden; a non-member 403 room.not_member; an unknown room 404', async () => {
    await createLink(owner);
    const asMember = await list(member);
    expect([asMember.status, asMember.body.code]).toEqual([403, 'room.forbidden']);
    const asOutsider = await list(outsider);
    expect([asOutsider.status, asOutsider.body.code]).toEqual([403, 'room.not_member']);
    // The same answers as revoking gives them.
    const [link] = (await list(owner)).body.links;
    const revokeAsMember = await api<{ code: string }>(
      sys.baseUrl,
      'DELETE',
      `/api/v1/rooms/${roomId}/invite-links/${link.id}`,
      { token: member.token },
    );
    expect([revokeAsMember.status, revokeAsMember.body.code]).toEqual([403, 'room.forbidden']);
    const revokeAsOutsider = await api<{ code: string }>(
      sys.baseUrl,
      'DELETE',
      `/api/v1/rooms/${roomId}/invite-links/${link.id}`,
      { token: outsider.token },
    );
    expect([revokeAsOutsider.status, revokeAsOutsider.body.code]).toEqual([403, 'room.not_member']);
    const unknown = await list(owner, '0190b7a6-0000-7000-8000-000000000000');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'room.not_found']);
    const noToken = await api(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}/invite-links`);
    expect(noToken.status).toBe(401);
  });
});
