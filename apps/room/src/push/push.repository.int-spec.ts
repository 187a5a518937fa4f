import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { uuidv7 } from '@app/common';
import { RoomKit } from '../../../../test/rooms/room-kit';
import { PushRepository } from './push.repository';

describe('PushRepository: who is pushed about a message (real PostgreSQL)', () => {
  const kit = new RoomKit();
  const [alice, bob, carol, dave] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
  const repo = () => kit.app.get(PushRepository);

  beforeAll(async () => {
    await kit.start();
    for (const user of [alice, bob, carol, dave])
      await repo().save(user, randomUUID(), {
        endpoint: `https://push.example/${user}`,
        p256dh: 'p256dh',
        auth: 'auth',
      });
  }, 60_000);
  afterAll(() => kit.stop());

  const presence = async (userId: string, expiresIn: string) => {
    const ds = kit.app.get(DataSource);
    const gatewayId = `gw-${randomUUID()}`;
    await ds.query(
      `INSERT INTO "room"."presence_gateways" ("gateway_id", "expires_at") VALUES ($1, now() + $2::interval)`,
      [gatewayId, expiresIn],
    );
    await ds.query(
      `INSERT INTO "room"."presence_sessions" ("user_id", "gateway_id", "status") VALUES ($1, $2, 'online')`,
      [userId, gatewayId],
    );
  };

  it('answers the messages of one turn with one statement, each with its room’s offline members but the sender', async () => {
    const one = await kit.createRoom(alice, 'One');
    await kit.admit(alice, one.id, bob);
    await kit.admit(alice, one.id, carol);
    const two = await kit.createRoom(dave, 'Two');
    await kit.admit(dave, two.id, alice);
    await kit.admit(dave, two.id, bob);
    // Carol has a device connected; Dave's only session is on a gateway whose lease ran out.
    await presence(carol, '1 minute');
    await presence(dave, '-1 minute');

    const { result: asked, statements } = await kit.statementsDuring(() =>
      Promise.all([
        repo().offlineTargets(one.id, alice),
        repo().offlineTargets(one.id, bob),
        repo().offlineTargets(two.id, dave),
        repo().offlineTargets(two.id, alice),
        repo().offlineTargets(uuidv7(), alice),
      ]),
    );
    expect(asked.map((targets) => targets.map((t) => t.userId).sort())).toEqual([
      [bob],
      [alice],
      [alice, bob].sort(),
      [bob, dave].sort(),
      [],
    ]);
    expect(asked[0]).toEqual([
      { userId: bob, endpoint: `https://push.example/${bob}`, p256dh: 'p256dh', auth: 'auth' },
    ]);
    expect(statements).toBe(1);
  });

  it('a malformed room id fails only its own message', async () => {
    const room = await kit.createRoom(bob, 'Three');
    await kit.admit(bob, room.id, alice);
    const [bad, good] = await Promise.allSettled([
      repo().offlineTargets('not-a-uuid', alice),
      repo().offlineTargets(room.id, bob),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good).toMatchObject({ status: 'fulfilled', value: [{ userId: alice }] });
  });
});
