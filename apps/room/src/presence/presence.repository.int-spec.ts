import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { GatewayPresenceReport } from '@app/contracts';
import { dataSourceOptions, runMigrations } from '@app/common';
import { createTestDatabase, Isolated } from '../../../../test/support/infra';
import { ROOM_MIGRATIONS } from '../migrations';
import { PresenceRepository } from './presence.repository';

type Entry = GatewayPresenceReport['users'][number];

const report = (
  gatewayId: string,
  over: Partial<Pick<GatewayPresenceReport, 'full' | 'users' | 'gone' | 'ttlMs'>>,
): GatewayPresenceReport => ({
  type: 'gateway.presence.reported',
  v: 1,
  gatewayId,
  full: false,
  ttlMs: 60_000,
  users: [],
  gone: [],
  ...over,
});

const statusById = (changes: Array<{ userId: string; status: string }>) =>
  Object.fromEntries(changes.map((c) => [c.userId, c.status]));

describe('PresenceRepository (real PostgreSQL)', () => {
  let db: Isolated;
  let ds: DataSource;
  let repo: PresenceRepository;

  beforeAll(async () => {
    db = await createTestDatabase('hc_room_presence');
    ds = await new DataSource(
      dataSourceOptions({ url: db.url, schema: 'room', entities: [], migrations: ROOM_MIGRATIONS }),
    ).initialize();
    await runMigrations(ds, 'room');
    repo = new PresenceRepository(ds);
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Physical row versions of a gateway's sessions: an UPDATE, even to the same values, changes them. */
  const rowVersions = async (gatewayId: string): Promise<string[]> =>
    (
      (await ds.query(
        `SELECT ctid::text AS v FROM "room"."presence_sessions" WHERE "gateway_id" = $1 ORDER BY "user_id"`,
        [gatewayId],
      )) as Array<{ v: string }>
    ).map((r) => r.v);

  it('a full report announces who came, and one that changes nothing writes no session', async () => {
    const gw = `gw-${randomUUID()}`;
    const users: Entry[] = Array.from({ length: 50 }, (_, i) => ({
      userId: randomUUID(),
      status: i % 5 === 0 ? 'away' : 'online',
    }));
    const first = await repo.applyReport(report(gw, { full: true, users }));
    expect(statusById(first)).toEqual(Object.fromEntries(users.map((u) => [u.userId, u.status])));

    const before = await rowVersions(gw);
    expect(before).toHaveLength(50);
    expect(await repo.applyReport(report(gw, { full: true, users }))).toEqual([]);
    expect(await rowVersions(gw)).toEqual(before);
  });

  it('a full report drops who is missing and updates who changed, and only they are announced', async () => {
    const gw = `gw-${randomUUID()}`;
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await repo.applyReport(
      report(gw, {
        full: true,
        users: [
          { userId: a, status: 'online' },
          { userId: b, status: 'online' },
          { userId: c, status: 'online' },
        ],
      }),
    );
    const changes = await repo.applyReport(
      report(gw, {
        full: true,
        users: [
          { userId: a, status: 'online' },
          { userId: b, status: 'away' },
        ],
      }),
    );
    expect(statusById(changes)).toEqual({ [b]: 'away', [c]: 'offline' });
    expect(await repo.statuses([a, b, c])).toEqual(
      new Map([
        [a, expect.objectContaining({ status: 'online' })],
        [b, expect.objectContaining({ status: 'away' })],
        [c, expect.objectContaining({ status: 'offline' })],
      ]),
    );
  });

  it('changes and goodbyes between full reports; a user on two gateways is online while either says so', async () => {
    const [gw1, gw2] = [`gw-${randomUUID()}`, `gw-${randomUUID()}`];
    const u = randomUUID();
    expect(
      statusById(await repo.applyReport(report(gw1, { users: [{ userId: u, status: 'online' }] }))),
    ).toEqual({
      [u]: 'online',
    });
    expect(await repo.applyReport(report(gw2, { users: [{ userId: u, status: 'away' }] }))).toEqual([]);
    expect(await repo.applyReport(report(gw1, { gone: [u] }))).toEqual([
      expect.objectContaining({ userId: u, status: 'away' }),
    ]);
    expect(await repo.applyReport(report(gw2, { gone: [u] }))).toEqual([
      expect.objectContaining({ userId: u, status: 'offline' }),
    ]);
    // A report naming the same user twice is applied once, the first entry winning.
    const twice = await repo.applyReport(
      report(gw1, {
        users: [
          { userId: u, status: 'online' },
          { userId: u, status: 'away' },
        ],
      }),
    );
    expect(statusById(twice)).toEqual({ [u]: 'online' });
  });

  it('a gateway that stops renewing its lease has its users expire; renewing keeps them', async () => {
    const [dying, living] = [`gw-${randomUUID()}`, `gw-${randomUUID()}`];
    const [x, y] = [randomUUID(), randomUUID()];
    await repo.applyReport(
      report(dying, { full: true, ttlMs: 1000, users: [{ userId: x, status: 'online' }] }),
    );
    await repo.applyReport(
      report(living, { full: true, ttlMs: 1000, users: [{ userId: y, status: 'online' }] }),
    );
    await new Promise((r) => setTimeout(r, 600));
    // An empty change report is a lease renewal.
    await repo.applyReport(report(living, { ttlMs: 1000 }));
    await new Promise((r) => setTimeout(r, 600));
    expect(await repo.expire()).toEqual([expect.objectContaining({ userId: x, status: 'offline' })]);
    expect((await repo.statuses([y])).get(y)?.status).toBe('online');
    const leases = (await ds.query(
      `SELECT "gateway_id" FROM "room"."presence_gateways" WHERE "gateway_id" = ANY($1)`,
      [[dying, living]],
    )) as Array<{ gateway_id: string }>;
    expect(leases.map((l) => l.gateway_id)).toEqual([living]);
    // The expired gateway comes back: its full report brings its user back online.
    expect(
      statusById(
        await repo.applyReport(report(dying, { full: true, users: [{ userId: x, status: 'online' }] })),
      ),
    ).toEqual({ [x]: 'online' });
  });

  it('the lease migration goes down (sessions get their gateway’s expiry back) and up again', async () => {
    const gw = `gw-${randomUUID()}`;
    const u = randomUUID();
    await repo.applyReport(report(gw, { full: true, users: [{ userId: u, status: 'online' }] }));
    const runner = ds.createQueryRunner();
    try {
      const leases = ROOM_MIGRATIONS.find((m) => m.name === 'PresenceGatewayLeases1765000000500')!;
      await new leases().down(runner);
      const [row] = (await ds.query(
        `SELECT "expires_at" > now() AS live FROM "room"."presence_sessions" WHERE "gateway_id" = $1`,
        [gw],
      )) as Array<{ live: boolean }>;
      expect(row.live).toBe(true);
      await new leases().up(runner);
    } finally {
      await runner.release();
    }
    expect((await repo.statuses([u])).get(u)?.status).toBe('online');
    expect(
      await repo.applyReport(report(gw, { full: true, users: [{ userId: u, status: 'online' }] })),
    ).toEqual([]);
  });
});
