import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Commands, CommonErrorCode, DomainEvent, Queues } from '@app/contracts';
import { EventPublisher } from '@app/messaging';
import { uuidv7 } from '@app/common';
import { eventually } from '../../../../test/support/infra';
import { InboxProbe, quiet, RoomKit } from '../../../../test/rooms/room-kit';

const exec = promisify(execFile);

const OUTAGE = 'outage';
const DEVICE_QUEUES = `^${Queues.GATEWAY_PREFIX.replace(/\./g, '\\.')}`;

/**
 * The broker refuses (nacks) every publish that would reach a connected device, delivering it
 * nowhere, while everything else works: the room service can commit, but cannot tell a person's
 * devices of their join or removal, the step that matters now that gateways bind rooms on it.
 * It stands for a broker outage or a crash between the commit and the broker call. (Refusing
 * write permission would not do: a channel remembers the checks that passed, and a refused
 * publish closes the publisher's channel, and with it the connection and the call's reply.)
 */
async function refuseDevices(vhost: string): Promise<void> {
  const policy = JSON.stringify({ 'max-length': 0, overflow: 'reject-publish' });
  await exec('rabbitmqctl', [
    '-q',
    'set_policy',
    '-p',
    vhost,
    '--apply-to',
    'queues',
    OUTAGE,
    DEVICE_QUEUES,
    policy,
  ]);
}

async function allowEverything(vhost: string): Promise<void> {
  // No outage to end is fine.
  await exec('rabbitmqctl', ['-q', 'clear_policy', '-p', vhost, OUTAGE]).catch(() => undefined);
}

const JOINED_SEEN = ['user.membership.added', 'room.member.joined', 'user.membership.removed'];
const JOINED_MISSED = ['user.membership.added', 'user.membership.removed'];

const ENV = { OUTBOX_ACK_TIMEOUT_MS: '600', OUTBOX_POLL_INTERVAL_MS: '100', OUTBOX_MAX_BACKOFF_MS: '400' };

describe('room service: the membership outbox (real PostgreSQL + RabbitMQ)', () => {
  describe('one instance', () => {
    const kit = new RoomKit(ENV);

    beforeAll(() => kit.start(1, { history: false }), 60_000);
    afterEach(() => allowEverything(kit.vhost.name));
    afterAll(() => kit.stop());

    /** Say something in a room, as the history service would. */
    async function say(roomId: string, senderId: string, text: string): Promise<void> {
      await new EventPublisher(kit.client.amqp).publishRoomEvent(roomId, senderId, {
        type: 'message.created',
        v: 1,
        eventId: uuidv7(),
        occurredAt: new Date().toISOString(),
        message: {
          id: uuidv7(),
          roomId,
          seq: 1,
          senderId,
          kind: 'text',
          content: text,
          clientMsgId: text,
          createdAt: new Date().toISOString(),
        },
      });
    }
    const heard = (probe: InboxProbe, text: string) =>
      probe.events.some((e) => e.type === 'message.created' && e.message.content === text);

    it('acknowledges a join only once the broker has it; the relay finishes a refused one with backoff', async () => {
      const [owner, bob] = [uuidv7(), uuidv7()];
      const room = await kit.createRoom(owner);
      const link = await kit.link(owner, room.id);
      const [ownerDevices, bobDevices] = await Promise.all([kit.probe(owner), kit.probe(bob)]);

      await refuseDevices(kit.vhost.name);
      const started = Date.now();
      await expect(kit.join(bob, room.id, { inviteToken: link.token })).rejects.toMatchObject({
        code: CommonErrorCode.SERVICE_UNAVAILABLE,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      // Saved, not yet acknowledged: the membership is in PostgreSQL, telling Bob's devices is owed.
      await expect(kit.rpc.request(Commands.ROOM_MEMBERSHIPS_LIST, { userId: bob })).resolves.toEqual({
        roomIds: [room.id],
      });
      const pending = await kit.sql<{
        type: string;
        attempts: number;
        last_error: string;
        due_in_ms: number;
      }>(
        `SELECT op->'event'->>'type' AS type, attempts, last_error,
                EXTRACT(EPOCH FROM (next_attempt_at - now())) * 1000 AS due_in_ms
           FROM room.outbox WHERE stream = $1 ORDER BY id`,
        [`user:${bob}`],
      );
      // Nothing overtakes the refused op: the room is not told of a join Bob's devices do not know.
      expect(pending.map((p) => p.type)).toEqual(['user.membership.added', 'room.member.joined']);
      expect(pending[0].attempts).toBeGreaterThanOrEqual(1);
      expect(pending[0].last_error).toMatch(/refused/i);

      // The relay keeps trying; once the broker takes it again, everything owed is applied in order.
      await allowEverything(kit.vhost.name);
      await ownerDevices.waitFor((e) => e.type === 'room.member.joined' && e.userId === bob, 5000);
      await eventually(async () => (await kit.sql(`SELECT 1 FROM room.outbox`)).length === 0);
      expect(bobDevices.types()[0]).toBe('user.membership.added');
      await say(room.id, owner, 'after the join');
      await eventually(() => heard(bobDevices, 'after the join'));
      // A retry of the join is acknowledged at once, and changes nothing.
      await expect(kit.join(bob, room.id, { inviteToken: link.token })).resolves.toMatchObject({
        memberCount: 2,
      });
    });

    it('a removal is acknowledged only once the member’s devices have it: nothing reaches them after', async () => {
      const { room, owner, member } = await kit.cast();
      const memberDevices = await kit.probe(member);
      await refuseDevices(kit.vhost.name);
      await expect(
        kit.rpc.request(Commands.MODERATION_KICK, { actorId: owner, roomId: room.id, userId: member }),
      ).rejects.toMatchObject({ code: CommonErrorCode.SERVICE_UNAVAILABLE });
      // Not acknowledged: user.membership.removed is owed, and (the only honest answer) the member
      // may still hear the room.
      expect(memberDevices.types()).toEqual([]);
      await allowEverything(kit.vhost.name);
      await memberDevices.waitFor((e) => e.type === 'user.membership.removed');
      // (The kick's system message waits for a history service this test does not run.)
      await eventually(
        async () =>
          (await kit.sql(`SELECT 1 FROM room.outbox WHERE stream = $1`, [`user:${member}`])).length === 0,
      );
      await say(room.id, owner, 'after the kick');
      await quiet(300);
      expect(heard(memberDevices, 'after the kick')).toBe(false);
    });
  });

  it('re-applies, at start, what a stopped instance left owed', async () => {
    const kit = new RoomKit(ENV);
    await kit.start(1, { history: false });
    try {
      const [owner, bob] = [uuidv7(), uuidv7()];
      const room = await kit.createRoom(owner);
      const link = await kit.link(owner, room.id);
      const [ownerDevices, bobDevices] = await Promise.all([kit.probe(owner), kit.probe(bob)]);
      await refuseDevices(kit.vhost.name);
      await expect(kit.join(bob, room.id, { inviteToken: link.token })).rejects.toMatchObject({
        code: CommonErrorCode.SERVICE_UNAVAILABLE,
      });
      // The instance goes away with the join's events owed (as after a crash), the broker
      // recovers, and a new instance starts: its relay applies what was left.
      await kit.apps[0].close();
      kit.apps.length = 0;
      await allowEverything(kit.vhost.name);
      expect((await kit.sql(`SELECT 1 FROM room.outbox`)).length).toBeGreaterThan(0);
      await kit.startInstance();
      await bobDevices.waitFor((e) => e.type === 'user.membership.added', 5000);
      await ownerDevices.waitFor((e) => e.type === 'room.member.joined', 5000);
      await eventually(async () => (await kit.sql(`SELECT 1 FROM room.outbox`)).length === 0);
    } finally {
      await allowEverything(kit.vhost.name).catch(() => undefined);
      await kit.stop();
    }
  });

  it('two instances apply each stream once and in order', async () => {
    const kit = new RoomKit(ENV);
    await kit.start(2, { history: false });
    try {
      const owner = uuidv7();
      const room = await kit.createRoom(owner);
      const link = await kit.link(owner, room.id);
      const users = Array.from({ length: 6 }, () => uuidv7());
      const ownerDevices = await kit.probe(owner);
      const devices = await Promise.all(users.map((u) => kit.probe(u)));

      await refuseDevices(kit.vhost.name);
      // Each user joins and then leaves while the broker refuses: every op is owed, in order.
      await Promise.all(
        users.map(async (u) => {
          await kit.join(u, room.id, { inviteToken: link.token }).catch(() => undefined);
          await kit.rpc.request(Commands.ROOM_LEAVE, { actorId: u, roomId: room.id }).catch(() => undefined);
        }),
      );
      expect((await kit.sql(`SELECT DISTINCT stream FROM room.outbox`)).length).toBe(users.length);
      await allowEverything(kit.vhost.name);

      await eventually(async () => (await kit.sql(`SELECT 1 FROM room.outbox`)).length === 0, 10_000);
      await quiet(300);
      const ofUser = (events: DomainEvent[], u: string) =>
        events.filter((e) => 'userId' in e && e.userId === u).map((e) => e.type);
      for (const [i, u] of users.entries()) {
        // Told of the join, then of the removal; their own room.member.joined may pass before their
        // gateway's binding lands, and their own departure never reaches them.
        expect([JOINED_SEEN, JOINED_MISSED]).toContainEqual(ofUser(devices[i].events, u));
        expect(ofUser(ownerDevices.events, u)).toEqual(['room.member.joined', 'room.member.left']);
      }
      for (const d of [ownerDevices, ...devices]) {
        const ids = d.events.map((e) => e.eventId);
        expect(new Set(ids).size).toBe(ids.length);
      }
      // And they end out of the room: nothing said now reaches any of them.
      await new EventPublisher(kit.client.amqp).publishRoomEvent(room.id, owner, {
        type: 'room.renamed',
        v: 1,
        eventId: uuidv7(),
        occurredAt: new Date().toISOString(),
        roomId: room.id,
        name: 'probe',
        actorId: owner,
      });
      await ownerDevices.waitFor((e) => e.type === 'room.renamed');
      await quiet(200);
      for (const d of devices) expect(d.types()).not.toContain('room.renamed');
    } finally {
      await allowEverything(kit.vhost.name).catch(() => undefined);
      await kit.stop();
    }
  }, 60_000);
});
