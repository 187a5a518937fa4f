import { randomUUID } from 'node:crypto';
import { DomainEvent, Exchanges, GatewayPresenceReport } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { eventually } from '../../../../test/support/infra';
import { RoomKit } from '../../../../test/rooms/room-kit';
import { RoomsRepository } from '../rooms/rooms.repository';

describe('presence announcements (real PostgreSQL + RabbitMQ)', () => {
  const kit = new RoomKit();

  beforeAll(() => kit.start(), 60_000);
  afterAll(() => kit.stop());

  const report = (gatewayId: string, users: GatewayPresenceReport['users'], gone: string[] = []) =>
    kit.client.amqp.publish(Exchanges.PRESENCE, '', {
      type: 'gateway.presence.reported',
      v: 1,
      gatewayId,
      full: false,
      ttlMs: 60_000,
      users,
      gone,
    } satisfies GatewayPresenceReport);

  const presence = (events: DomainEvent[], userId: string) =>
    events.flatMap((e) => (e.type === 'presence.changed' && e.userId === userId ? [e.status] : []));

  it('tells every room of everyone in a report, with one lookup of their rooms, in the order of the reports', async () => {
    const [owner, ann, ben] = [uuidv7(), uuidv7(), uuidv7()];
    const lobby = await kit.createRoom(owner, 'Lobby');
    const garden = await kit.createRoom(owner, 'Garden');
    await kit.admit(owner, lobby.id, ann);
    await kit.admit(owner, garden.id, ann);
    await kit.admit(owner, garden.id, ben);
    const watcher = await kit.probe(owner);
    const lookups = jest.spyOn(kit.app.get(RoomsRepository), 'listRoomIdsOfUsers');
    const perUser = jest.spyOn(kit.app.get(RoomsRepository), 'listMembershipsWithRooms');
    const gateway = `gw-${randomUUID()}`;
    try {
      await report(gateway, [
        { userId: ann, status: 'online' },
        { userId: ben, status: 'online' },
      ]);
      await report(gateway, [], [ann]);
      await eventually(() => presence(watcher.events, ann).length === 4);
      await eventually(() => presence(watcher.events, ben).length === 1);
      // Ann is in both rooms the watcher is in: both hear her come, then both hear her go.
      expect(presence(watcher.events, ann)).toEqual(['online', 'online', 'offline', 'offline']);
      expect(presence(watcher.events, ben)).toEqual(['online']);
      expect(lookups).toHaveBeenCalledTimes(2);
      expect(lookups.mock.calls[0][0].sort()).toEqual([ann, ben].sort());
      expect(perUser).not.toHaveBeenCalled();
    } finally {
      lookups.mockRestore();
      perUser.mockRestore();
    }
  });
});
