import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { MessageView, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@app/contracts';
import { api, registerUser, TestUser } from '../support/http';
import { eventually } from '../support/infra';
import { createRoomWith } from '../support/rooms';
import { ResilientClient } from '../support/resilient-client';
import { ScaleOut } from './scale-out.harness';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const USERS = 6;
const CONNECTIONS = 'happychat_gateway_connections';

/**
 * The scaled-out topology as real OS processes (scripts/scale-out.mjs): two gateways, two room
 * and two history instances and auth, behind a real nginx, on a fresh database and vhost. Users
 * connect only through nginx, with a client that behaves like the web client (reconnect with
 * backoff, resend unacked sends with the same clientMsgId, resync from history after `hello`).
 * Needs the build (`npm test` builds first) and Debian's nginx (scripts/ensure-services.sh).
 */
describe('scale-out: two gateways, two room and two history instances behind nginx', () => {
  let so: ScaleOut;
  let users: TestUser[];
  let roomId: string;
  const clients: ResilientClient[] = [];
  /** Which gateway each client was on when it first connected. */
  const firstGateway = new Map<ResilientClient, string>();
  /** Every message any test had acknowledged (by WebSocket ack or HTTP 201). */
  const acknowledged: MessageView[] = [];

  const gatewayConnections = async (): Promise<Record<string, number>> => {
    const names = so.names('gateway');
    const values = await Promise.all(names.map((n) => so.metric(n, CONNECTIONS)));
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  };

  /** The whole room from history, paged by afterSeq like a resyncing client. */
  const roomHistory = async (): Promise<MessageView[]> => {
    const all: MessageView[] = [];
    for (;;) {
      const res = await api<{ messages: MessageView[]; hasMore: boolean }>(
        so.url,
        'GET',
        `/api/v1/rooms/${roomId}/messages?afterSeq=${all.length ? all[all.length - 1].seq : 0}&limit=100`,
        { token: users[0].token },
      );
      expect(res.status).toBe(200);
      all.push(...res.body.messages);
      if (!res.body.hasMore) return all;
    }
  };

  /**
   * Zero loss, no duplicates: history holds exactly the acknowledged messages, once each, with
   * seqs 1..n and no gap; every client, after a resync, shows exactly that (deduped by id).
   */
  const expectEveryoneHasEverything = async (): Promise<MessageView[]> => {
    await Promise.all(clients.map((c) => c.resyncAll()));
    const history = await roomHistory();
    expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
    expect(new Set(history.map((m) => m.id)).size).toBe(history.length);
    expect(new Set(history.map((m) => `${m.senderId}/${m.clientMsgId}`)).size).toBe(history.length);
    const stored = new Map(history.map((m) => [m.id, m]));
    for (const m of acknowledged)
      expect(stored.get(m.id)).toMatchObject({ seq: m.seq, clientMsgId: m.clientMsgId });
    expect(history.length).toBe(new Set(acknowledged.map((m) => m.id)).size);
    const ids = history.map((m) => m.id);
    for (const c of clients) {
      expect({ client: c.label, ids: c.messages(roomId).map((m) => m.id) }).toEqual({ client: c.label, ids });
      expect(c.seqConflicts).toEqual([]);
    }
    return history;
  };

  /** Senders keep sending (each send resent until acked) until `stop()`; resolves with the acks. */
  const keepSending = (senders: ResilientClient[], tag: string, everyMs = 40) => {
    let sending = true;
    const acks: Array<Promise<MessageView>> = [];
    const loops = senders.map(async (s) => {
      for (let i = 0; sending; i++) {
        acks.push(s.send(roomId, `${tag} ${s.label} #${i}`));
        await sleep(everyMs);
      }
    });
    return {
      sent: () => acks.length,
      async stop(): Promise<MessageView[]> {
        sending = false;
        await Promise.all(loops);
        const done = await Promise.all(acks);
        acknowledged.push(...done);
        return done;
      },
    };
  };

  const onGateway = (name: string): ResilientClient[] => clients.filter((c) => firstGateway.get(c) === name);

  beforeAll(async () => {
    // A killed instance comes back after 4s: long enough that its clients visibly move over.
    so = await ScaleOut.start({ SCALE_OUT_RESTART_DELAY_MS: '4000' });
    users = [];
    for (let i = 0; i < USERS; i++) users.push(await registerUser(so.url, `scale${i}`));
    // The shared helper knows how members get in (invitations), so this test does not.
    roomId = await createRoomWith(so.url, users[0], users.slice(1), 'scale-out');
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await so?.stop();
  }, 60_000);

  it('spreads users connecting through nginx over both gateways (no sticky sessions)', async () => {
    for (const u of users) {
      const before = await gatewayConnections();
      const client = new ResilientClient({
        baseUrl: so.url,
        wsUrl: so.wsUrl,
        token: u.token,
        label: u.username,
      });
      client.watch(roomId);
      await client.start();
      clients.push(client);
      const after = await eventually<Record<string, number> | false>(async () => {
        const now = await gatewayConnections();
        const grew = Object.keys(now).filter((g) => now[g] === before[g] + 1);
        return grew.length === 1 ? now : false;
      });
      const grown = after as Record<string, number>;
      firstGateway.set(client, Object.keys(grown).find((g) => grown[g] === before[g] + 1) as string);
    }
    const counts = await gatewayConnections();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(USERS);
    for (const [gateway, n] of Object.entries(counts))
      expect({ gateway, n: n > 0 }).toEqual({ gateway, n: true });
  });

  it('passes a browser Origin through (Host with its port) and still refuses a foreign one', async () => {
    const open = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(so.wsUrl, [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${users[0].token}`], {
          headers: { Origin: origin },
        });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => (ws.close(), resolve(101)));
        ws.once('error', () => resolve(-1));
      });
    expect(await open(so.url)).toBe(101);
    expect(await open('https://elsewhere.example')).toBe(403);
  });

  it('gives every request through nginx a request id (the client’s, else its own) and logs it', async () => {
    const res = await fetch(`${so.url}/health/live`, { headers: { 'X-Request-Id': 'ops-test-req-1' } });
    expect(res.status).toBe(200);
    await fetch(`${so.url}/health/live`);
    const log = await eventually(() => {
      const text = readFileSync(join(so.dir, 'nginx-access.log'), 'utf8');
      return text.includes('request_id=ops-test-req-1') && text;
    });
    const ids = [...String(log).matchAll(/request_id=(\S+)/g)].map((m) => m[1]);
    expect(ids.every((id) => id.length > 0 && id !== '-')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lets users on different gateways chat', async () => {
    const a = onGateway('gateway-1')[0];
    const b = onGateway('gateway-2')[0];
    const fromA = await a.send(roomId, 'hello from gateway-1 👋');
    const fromB = await b.send(roomId, '안녕, from gateway-2');
    acknowledged.push(fromA, fromB);
    await b.until(() => b.received.get(roomId)?.has(fromA.id) ?? false, 10_000, 'b did not get a’s message');
    await a.until(() => a.received.get(roomId)?.has(fromB.id) ?? false, 10_000, 'a did not get b’s message');
    expect(fromB.seq).toBe(fromA.seq + 1);
  });

  it('kill -9 of a gateway: its users reconnect through nginx to the other and nothing is lost', async () => {
    const victim = 'gateway-1';
    const survivor = 'gateway-2';
    const moved = onGateway(victim);
    const hellos = new Map(clients.map((c) => [c, c.hellos]));
    const flow = keepSending([moved[0], onGateway(survivor)[0]], 'kill');
    await sleep(1000);
    const pid = so.signal(victim, 'SIGKILL');
    await so.waitExited(victim, pid);
    await Promise.all(
      moved.map((c) =>
        c.until(() => c.isOnline && c.hellos > (hellos.get(c) ?? 0), 20_000, `${c.label} did not reconnect`),
      ),
    );
    // The killed gateway is still down (it restarts after 4s): everyone is on the survivor.
    expect(so.instance(victim).running).toBe(false);
    expect(await so.metric(survivor, CONNECTIONS)).toBe(USERS);
    await sleep(500);
    const acks = await flow.stop();
    expect(acks.length).toBeGreaterThan(20);
    const history = await expectEveryoneHasEverything();
    // Both history instances appended to this one room, and the seqs above have no gap.
    for (const h of so.names('history'))
      expect({ h, appended: (await so.metric(h, 'happychat_history_appends_total')) > 0 }).toEqual({
        h,
        appended: true,
      });
    expect(history.length).toBeGreaterThan(acks.length);
  }, 90_000);

  it('SIGTERM of a room instance while requests flow: in-flight ones finish, the other takes the rest', async () => {
    await so.waitReady('gateway-1', 2); // back from the kill above
    type Result = { status: number; at: number; message?: MessageView };
    const results: Result[] = [];
    let flowing = true;
    const workers = users.slice(0, 4).map(async (u, k) => {
      while (flowing) {
        const res = await api<{ message: MessageView }>(so.url, 'POST', `/api/v1/rooms/${roomId}/messages`, {
          token: u.token,
          body: { clientMsgId: randomUUID(), content: `flow ${k}` },
        });
        results.push({ status: res.status, at: Date.now(), message: res.body?.message });
      }
    });
    await sleep(1500);
    expect(await so.metric('room-1', 'happychat_room_messages_sent_total')).toBeGreaterThan(0);
    const signalledAt = Date.now();
    const pid = so.signal('room-1', 'SIGTERM');
    await so.waitExited('room-1', pid, 20_000);
    const exitedAt = Date.now();
    await sleep(1500);
    flowing = false;
    await Promise.all(workers);
    expect(results.filter((r) => r.status !== 201)).toEqual([]);
    expect(results.filter((r) => r.at > exitedAt).length).toBeGreaterThan(0);
    expect(exitedAt - signalledAt).toBeLessThan(10_000); // drained well within SHUTDOWN_TIMEOUT_MS
    acknowledged.push(...results.map((r) => r.message as MessageView));
    await expectEveryoneHasEverything();
    // The launcher brings it back, as in a rolling restart.
    await so.waitReady('room-1', 2);
  }, 90_000);

  it('SIGTERM of a gateway: its sockets close with 1001 and reconnect to the other, nothing lost', async () => {
    await so.waitReady('gateway-1', 2);
    // After the kill everyone moved to gateway-2: it is the one to stop now.
    const target = 'gateway-2';
    const other = 'gateway-1';
    expect(await so.metric(target, CONNECTIONS)).toBe(USERS);
    const closes = new Map(clients.map((c) => [c, c.closes.length]));
    const hellos = new Map(clients.map((c) => [c, c.hellos]));
    const flow = keepSending(clients.slice(0, 2), 'sigterm');
    await sleep(800);
    const pid = so.signal(target, 'SIGTERM');
    await Promise.all(
      clients.map((c) =>
        c.until(() => c.isOnline && c.hellos > (hellos.get(c) ?? 0), 20_000, `${c.label} did not reconnect`),
      ),
    );
    for (const c of clients) {
      expect({ client: c.label, close: c.closes[closes.get(c) ?? 0]?.code }).toEqual({
        client: c.label,
        close: 1001,
      });
    }
    await so.waitExited(target, pid);
    expect(await so.metric(other, CONNECTIONS)).toBe(USERS);
    await sleep(500);
    await flow.stop();
    await expectEveryoneHasEverything();
    await so.waitReady(target, 2);
  }, 90_000);

  it('a rolling restart (SIGUSR2 to the launcher) replaces every instance while chat goes on, losing nothing', async () => {
    const before = so.state().instances;
    const flow = keepSending(clients.slice(0, 2), 'rolling', 100);
    process.kill(so.state().pid, 'SIGUSR2');
    await eventually(() => so.output.includes('rolling restart done'), 150_000, 250);
    const after = so.state().instances;
    for (const [name, inst] of Object.entries(after)) {
      if (name === 'nginx') continue; // reloaded in place (SIGHUP), same master process
      expect({ name, restarted: inst.starts > before[name].starts && inst.pid !== before[name].pid }).toEqual(
        {
          name,
          restarted: true,
        },
      );
    }
    await Promise.all(clients.map((c) => c.until(() => c.isOnline, 20_000, `${c.label} is offline`)));
    await sleep(500);
    const acks = await flow.stop();
    expect(acks.length).toBeGreaterThan(20);
    await expectEveryoneHasEverything();
  }, 180_000);
});
