import { MessageView } from '@app/contracts';
import { ScaleOut } from '../ops/scale-out.harness';
import { api, registerUser, TestUser } from '../support/http';
import {
  CHAOS_FULL,
  keepInfraLog,
  PrivateInfra,
  privateInfra,
  runInfraCommand,
} from '../support/private-infra';
import { ResilientClient } from '../support/resilient-client';
import { createRoomWith } from '../support/rooms';

/**
 * `npm run chaos` (scripts/chaos.mjs) runs the full version: more users and rooms, and the broker
 * and the database are faulted too — its own private RabbitMQ node and PostgreSQL cluster, never
 * the shared ones. `npm test` runs the short version on the shared servers: service kills only.
 */
const FULL = CHAOS_FULL;
const INFRA: PrivateInfra | undefined = FULL ? privateInfra() : undefined;
if (FULL && !INFRA)
  throw new Error('the full chaos run faults its own broker and database: start it with `npm run chaos`');
const USERS = FULL ? 16 : 6;
const ROOMS = FULL ? 4 : 2;
const SEND_EVERY_MS = FULL ? 120 : 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fault {
  name: string;
  run(so: ScaleOut): Promise<string>;
}

const killNine = (instance: string): Fault => ({
  name: `kill -9 ${instance}`,
  async run(so) {
    const before = so.instance(instance).starts;
    const started = Date.now();
    const pid = so.signal(instance, 'SIGKILL');
    await so.waitExited(instance, pid);
    await so.waitReady(instance, before + 1, 60_000);
    return `pid ${pid} killed; the launcher restarted it, ready again after ${((Date.now() - started) / 1000).toFixed(1)} s`;
  },
});

const allReady = async (so: ScaleOut): Promise<void> => {
  for (const name of Object.keys(so.state().instances).filter((n) => n !== 'nginx'))
    await so.waitReady(name, 1, 90_000);
};

/**
 * PostgreSQL restarted both ways: `fast` (clients are told to go, open transactions roll back,
 * a clean checkpoint) and `immediate` (every backend killed at once, no checkpoint: on start the
 * server replays its WAL, as after a crash — the harder case for the services).
 */
const pgRestart = (mode: 'fast' | 'immediate', infra: PrivateInfra): Fault => ({
  name: `PostgreSQL restart (pg_ctl restart -m ${mode})`,
  async run(so) {
    const started = Date.now();
    await runInfraCommand(mode === 'fast' ? infra.postgres.restartFast : infra.postgres.restartImmediate);
    const back = ((Date.now() - started) / 1000).toFixed(1);
    await allReady(so);
    return `database back after ${back} s; every instance ready after ${((Date.now() - started) / 1000).toFixed(1)} s`;
  },
});

const FAULTS: Fault[] = [
  killNine('gateway-1'),
  killNine('auth'),
  killNine('room-1'),
  killNine('history-1'),
  ...(INFRA
    ? [
        {
          name: 'RabbitMQ stop_app / start_app',
          async run(so: ScaleOut) {
            const started = Date.now();
            await runInfraCommand(INFRA.rabbitmq.stopApp);
            await sleep(3000);
            await runInfraCommand(INFRA.rabbitmq.startApp);
            await runInfraCommand(INFRA.rabbitmq.awaitStartup);
            await allReady(so);
            return `broker down ~3 s; every instance reconnected and was ready after ${((Date.now() - started) / 1000).toFixed(1)} s`;
          },
        },
        pgRestart('fast', INFRA),
        pgRestart('immediate', INFRA),
      ]
    : []),
];

/**
 * Steady load from resilient clients (reconnect, resend unacked sends with the same clientMsgId,
 * resync) through nginx to two gateways, while each fault hits in turn. At the end every acked
 * message is in history exactly once, every member's device holds it exactly once after resync,
 * and every room's seqs run 1..n without a gap.
 */
describe(`chaos (${FULL ? 'full: services, broker, database' : 'short: services only'})`, () => {
  let so: ScaleOut;
  const users: TestUser[] = [];
  const rooms: Array<{ id: string; members: TestUser[] }> = [];
  const clients = new Map<string, ResilientClient>();

  beforeAll(async () => {
    so = await ScaleOut.start(
      {
        SCALE_OUT_RESTART_DELAY_MS: '500',
        SCALE_OUT_ROOMS: '1',
        SCALE_OUT_HISTORIES: '1',
      },
      INFRA && { pgAdminUrl: INFRA.postgres.adminUrl, amqpUrl: INFRA.rabbitmq.amqpUrl },
    );
    for (let i = 0; i < USERS; i++)
      users.push(await registerUser(so.url, `chaos${i}${Date.now().toString(36).slice(-4)}`));
    for (let r = 0; r < ROOMS; r++) {
      // Each room: its owner and every other user from a stride, so rooms overlap.
      const members = users.filter((_, i) => (i + r) % 2 === 0 || i % ROOMS === r);
      rooms.push({ id: await createRoomWith(so.url, members[0], members.slice(1), `chaos ${r}`), members });
    }
    for (const u of users) {
      const c = new ResilientClient({ baseUrl: so.url, wsUrl: so.wsUrl, token: u.token, label: u.username });
      for (const r of rooms) if (r.members.includes(u)) c.watch(r.id);
      await c.start();
      clients.set(u.id, c);
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...clients.values()].map((c) => c.stop()));
    if (so) keepInfraLog('scale-out.log', so.output);
    await so?.stop();
  }, 60_000);

  it(
    'loses and duplicates nothing acknowledged while services (and in the full run the broker and database) fail',
    async () => {
      let sent = 0;
      const acked: MessageView[] = [];
      const failed: string[] = [];
      let running = true;
      const pending: Array<Promise<void>> = [];
      const load = (async () => {
        let n = 0;
        while (running) {
          for (const r of rooms) {
            const sender = r.members[n % r.members.length];
            sent += 1;
            pending.push(
              (clients.get(sender.id) as ResilientClient)
                .send(r.id, `chaos ${n} in ${r.id.slice(-4)}`)
                .then((m) => void acked.push(m))
                .catch((err: Error) => void failed.push(err.message)),
            );
          }
          n += 1;
          await sleep(SEND_EVERY_MS);
        }
      })();

      const log: string[] = [];
      await sleep(2000);
      for (const fault of FAULTS) {
        log.push(`${fault.name}: ${await fault.run(so)}`);
        await sleep(1500);
      }
      running = false;
      await load;
      await Promise.race([Promise.all(pending), sleep(60_000)]);

      // History: page every room from the start as a member.
      let stored = 0;
      const problems: string[] = [];
      const inHistory = new Map<string, number>();
      for (const r of rooms) {
        const all: MessageView[] = [];
        for (let after = 0, more = true; more;) {
          const page = await api<{ messages: MessageView[]; hasMore: boolean }>(
            so.url,
            'GET',
            `/api/v1/rooms/${r.id}/messages?afterSeq=${after}&limit=100`,
            { token: r.members[0].token },
          );
          if (page.status !== 200)
            throw new Error(`history ${r.id}: ${page.status} ${JSON.stringify(page.body)}`);
          all.push(...page.body.messages);
          more = page.body.hasMore && page.body.messages.length > 0;
          after = all.length ? all[all.length - 1].seq : after;
        }
        all.forEach((m, i) => {
          if (m.seq !== i + 1) problems.push(`room ${r.id}: seq ${m.seq} at position ${i + 1}`);
          inHistory.set(m.clientMsgId, (inHistory.get(m.clientMsgId) ?? 0) + 1);
        });
        stored += all.filter((m) => m.kind !== 'system').length;
      }
      const lostInHistory = acked.filter((m) => !inHistory.has(m.clientMsgId)).length;
      const duplicated = [...inHistory.values()].filter((n) => n > 1).length;

      // Devices: resync, then every member holds every acked message of their rooms exactly once.
      let delivered = 0;
      let lostOnDevices = 0;
      let duplicatedOnDevices = 0;
      for (const r of rooms) {
        const expected = acked.filter((m) => m.roomId === r.id);
        for (const u of r.members) {
          const c = clients.get(u.id) as ResilientClient;
          await c.resyncAll();
          const held = c.messages(r.id);
          const byClientId = new Map<string, number>();
          for (const m of held) byClientId.set(m.clientMsgId, (byClientId.get(m.clientMsgId) ?? 0) + 1);
          for (const m of expected) {
            const count = byClientId.get(m.clientMsgId) ?? 0;
            if (count === 0) lostOnDevices += 1;
            else delivered += 1;
            if (count > 1) duplicatedOnDevices += 1;
          }
        }
      }

      const counts = {
        sent,
        acked: acked.length,
        stored,
        delivered,
        lost: lostInHistory + lostOnDevices,
        duplicated: duplicated + duplicatedOnDevices,
        unacked: sent - acked.length,
      };
      console.log(
        [
          `chaos (${FULL ? 'full' : 'short'}): ${USERS} users, ${ROOMS} rooms`,
          ...log.map((l) => `  ${l}`),
          `  counts: ${JSON.stringify(counts)}`,
        ].join('\n'),
      );
      expect(problems).toEqual([]);
      expect(counts.lost).toBe(0);
      expect(counts.duplicated).toBe(0);
      expect(failed).toEqual([]);
      expect(counts.acked).toBe(sent);
      expect(acked.length).toBeGreaterThan(0);
    },
    FULL ? 900_000 : 150_000,
  );
});
