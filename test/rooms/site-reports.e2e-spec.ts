import { api, TestUser } from '../support/http';
import { createRoomWith, sendHttp } from '../support/rooms';
import { RunningSystem, startSystem } from '../support/system';
import { loginAdmin, PEOPLE_ENV, someone } from './people';

interface SiteReport {
  id: string;
  roomId: string;
  roomName: string;
  messageId: string;
  reporterId: string;
  reason: string;
  status: string;
  resolution?: string;
  resolvedBy?: string;
}
interface SitePage {
  reports: SiteReport[];
  nextCursor: string | null;
}

/**
 * The site-wide report queue: a site admin reviews and resolves reports of rooms it is not a
 * member of; nobody else sees it.
 */
describe('site-wide reports: GET /admin/reports and resolving as a site admin', () => {
  let sys: RunningSystem;
  let admin: TestUser;
  let owner: TestUser;
  let member: TestUser;
  let sent = 0;

  const page = (who: TestUser, query = '') =>
    api<SitePage & { code?: string }>(sys.baseUrl, 'GET', `/api/v1/admin/reports${query}`, {
      token: who.token,
    });

  async function report(roomId: string, reason: string): Promise<SiteReport> {
    const message = await sendHttp(sys.baseUrl, owner, roomId, `message for ${reason}`, `c-${++sent}`);
    const res = await api<SiteReport>(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/reports`, {
      token: member.token,
      body: { messageId: message.id, reason },
    });
    if (res.status !== 201) throw new Error(`report: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  beforeAll(async () => {
    sys = await startSystem(PEOPLE_ENV);
    admin = await loginAdmin(sys.baseUrl);
    owner = await someone(sys.baseUrl, 'owner');
    member = await someone(sys.baseUrl, 'member');
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('lists a report of a room the admin is not in, with its room name; others are refused', async () => {
    const roomId = await createRoomWith(sys.baseUrl, owner, [member], 'Far away room');
    const filed = await report(roomId, 'spam');

    const listed = await page(admin, '?status=open');
    expect(listed.status).toBe(200);
    expect(listed.body.reports).toContainEqual(
      expect.objectContaining({
        id: filed.id,
        roomId,
        roomName: 'Far away room',
        messageId: filed.messageId,
        reporterId: member.id,
        reason: 'spam',
        status: 'open',
      }),
    );
    // The admin is still not a member of the room.
    expect((await api(sys.baseUrl, 'GET', `/api/v1/rooms/${roomId}`, { token: admin.token })).status).toBe(
      403,
    );

    for (const who of [member, owner]) {
      const refused = await page(who);
      expect([refused.status, refused.body.code]).toEqual([403, 'room.forbidden']);
    }
    expect((await api(sys.baseUrl, 'GET', '/api/v1/admin/reports')).status).toBe(401);
  });

  it('resolves a report in a room the admin is not in; it leaves the open list', async () => {
    const roomId = await createRoomWith(sys.baseUrl, owner, [member], 'Another room');
    const filed = await report(roomId, 'rude');

    const resolved = await api<SiteReport>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/reports/${filed.id}/resolve`,
      { token: admin.token, body: { resolution: 'actioned', note: 'handled by trust & safety' } },
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'actioned', resolvedBy: admin.id });

    const open = await page(admin, '?status=open&limit=100');
    expect(open.body.reports.map((r) => r.id)).not.toContain(filed.id);
    const done = await page(admin, '?status=resolved&limit=100');
    expect(done.body.reports).toContainEqual(
      expect.objectContaining({ id: filed.id, roomName: 'Another room', resolution: 'actioned' }),
    );
    // The room's owner sees the decision in its own queue.
    const ownQueue = await api<{ reports: SiteReport[] }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/reports?status=resolved`,
      { token: owner.token },
    );
    expect(ownQueue.body.reports.map((r) => [r.id, r.resolvedBy])).toEqual([[filed.id, admin.id]]);

    const again = await api<{ code: string }>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/reports/${filed.id}/resolve`,
      { token: admin.token, body: { resolution: 'dismissed' } },
    );
    expect([again.status, again.body.code]).toEqual([409, 'moderation.report_resolved']);
  });

  it('a member cannot resolve a report of their room', async () => {
    const roomId = await createRoomWith(sys.baseUrl, owner, [member], 'Members only');
    const filed = await report(roomId, 'not mine to judge');
    const refused = await api<{ code: string }>(
      sys.baseUrl,
      'POST',
      `/api/v1/rooms/${roomId}/reports/${filed.id}/resolve`,
      { token: member.token, body: { resolution: 'dismissed' } },
    );
    expect([refused.status, refused.body.code]).toEqual([403, 'room.forbidden']);
  });

  it('pages every room’s reports newest first with a cursor', async () => {
    const rooms = [
      await createRoomWith(sys.baseUrl, owner, [member], 'Paged A'),
      await createRoomWith(sys.baseUrl, owner, [member], 'Paged B'),
    ];
    const filed: SiteReport[] = [];
    for (let i = 0; i < 5; i += 1) filed.push(await report(rooms[i % 2], `paged ${i}`));

    const all = (await page(admin, '?status=open&limit=100')).body.reports.map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await page(admin, `?status=open&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.reports.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.reports.map((r) => r.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);

    expect(seen).toEqual(all);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(seen.slice(0, 5)).toEqual(filed.map((r) => r.id).reverse());
    expect(new Set(seen).size).toBe(seen.length);

    const bad = await page(admin, '?limit=0');
    expect(bad.status).toBe(400);
  });
});
