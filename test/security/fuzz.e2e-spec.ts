import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Limits } from '@app/contracts';
import { registerUser, TestUser } from '../support/http';
import { createRoomWith } from '../support/rooms';
import { RunningSystem, startSystem } from '../support/system';
import { Frame, TestSocket } from '../support/ws-client';

/** mulberry32: a small seeded generator, so a failing run can be replayed with FUZZ_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20240917);
const FUZZ_SOCKETS = 5;
const FRAMES_PER_SOCKET = 2_100;
const FLOOD_FRAMES = 1_500;
/** Codes a malformed frame may be answered with: all say what is wrong; `common.internal` would not. */
const CLEAR_CODES = new Set([
  'gateway.malformed_frame',
  'gateway.unknown_frame_type',
  'gateway.binary_not_supported',
  'common.validation_failed',
  'common.rate_limited',
  'room.not_found',
  'room.not_member',
  'history.not_found',
]);

type Gen = (r: () => number, ctx: { roomId: string }) => { data: string | Buffer; binary?: boolean };

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const randStr = (r: () => number, n: number): string =>
  Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(r() * 95))).join('');
const TYPES = [
  'message.send',
  'message.edit',
  'message.delete',
  'message.react',
  'sync',
  'typing',
  'read',
  'presence',
  'ping',
];
const WRONG: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  'x',
  '',
  [],
  {},
  [1, 2],
  { a: 1 },
  '\u0000',
  'DROP TABLE',
  '💥'.repeat(3),
];

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** Every generator yields a frame that must be refused with an error frame (never silence). */
const GENERATORS: Gen[] = [
  // not JSON
  (r) => ({ data: randStr(r, 1 + Math.floor(r() * 200)) }),
  (r) => ({ data: '{"type":"message.send","id":"' + randStr(r, 10) }),
  () => ({ data: '' }),
  // JSON but not an object
  (r) => ({ data: JSON.stringify(pick(r, [null, 1, 'str', [], [1, { type: 'ping' }], true])) }),
  // unknown or missing types, missing ids
  (r) => ({ data: JSON.stringify({ type: `x.${randStr(r, 8)}`, id: randStr(r, 8) }) }),
  (r) => ({ data: JSON.stringify({ id: randStr(r, 8), roomId: randomUUID() }) }),
  (r) => ({
    data: JSON.stringify({
      type: pick(
        r,
        WRONG.filter((w) => typeof w !== 'string'),
      ),
    }),
  }),
  () => ({ data: JSON.stringify({ type: 'constructor', id: 'p' }) }),
  (r) => ({ data: JSON.stringify({ type: '__proto__', id: randStr(r, 4) }) }),
  // known types, wrong field types
  (r) => {
    const type = pick(
      r,
      TYPES.filter((t) => t !== 'ping'),
    );
    const frame: Record<string, unknown> = { type, id: randStr(r, 6) };
    for (const f of [
      'roomId',
      'messageId',
      'clientMsgId',
      'content',
      'emoji',
      'add',
      'seq',
      'rooms',
      'active',
      'status',
    ])
      if (r() < 0.6) frame[f] = pick(r, WRONG);
    return { data: JSON.stringify(frame) };
  },
  // missing id on frames that need one
  (r) => ({
    data: JSON.stringify({
      type: 'message.send',
      roomId: randomUUID(),
      clientMsgId: randStr(r, 8),
      content: 'x',
    }),
  }),
  // ids too long, content blank or over the limit, bad clientMsgId
  (r) => ({
    data: JSON.stringify({
      type: 'message.send',
      id: 'i'.repeat(65 + Math.floor(r() * 100)),
      roomId: randomUUID(),
      clientMsgId: '',
      content: 'x',
    }),
  }),
  (r) => ({
    data: JSON.stringify({
      type: 'message.send',
      id: randStr(r, 6),
      roomId: randomUUID(),
      clientMsgId: 'héllo\u0001',
      content: pick(r, ['', '   ', '\n\t']),
    }),
  }),
  // lone surrogates (escaped: valid JSON, ill-formed Unicode)
  (r) => ({
    data: `{"type":"message.send","id":"${randStr(r, 5).replace(/["\\]/g, '')}","roomId":"${randomUUID()}","clientMsgId":"s${Math.floor(r() * 1e9)}","content":"a\\ud800b"}`,
  }),
  (r) => ({
    data: `{"type":"message.send","id":"lo","roomId":"${randomUUID()}","clientMsgId":"t${Math.floor(r() * 1e9)}","content":"\\udfff"}`,
  }),
  // deep nesting, as the frame and inside a field
  (r) => ({ data: nested(500 + Math.floor(r() * 5000)) }),
  (r) => ({
    data: `{"type":"sync","id":"deep","rooms":${nested(200 + Math.floor(r() * 2000))}}`,
  }),
  () => ({
    data: `{"type":"message.send","id":"deep2","roomId":"${randomUUID()}","clientMsgId":"d","content":${'{"a":'.repeat(300)}1${'}'.repeat(300)}}`,
  }),
  // sync with too many rooms, negative seqs
  (r) => ({
    data: JSON.stringify({
      type: 'sync',
      id: 'sync',
      rooms: Array.from({ length: 101 + Math.floor(r() * 50) }, () => ({
        roomId: randomUUID(),
        afterSeq: 0,
      })),
    }),
  }),
  () => ({
    data: JSON.stringify({ type: 'sync', id: 'neg', rooms: [{ roomId: randomUUID(), afterSeq: -5 }] }),
  }),
  // binary frames
  (r) => ({
    data: Buffer.from(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256))),
    binary: true,
  }),
  () => ({ data: Buffer.from(JSON.stringify({ type: 'ping', id: 'bin' })), binary: true }),
  // well-formed but aimed at rooms the user is not in (reaches the room service)
  (r, ctx) => ({
    data: JSON.stringify({
      type: 'message.send',
      id: randStr(r, 6),
      roomId: r() < 0.5 ? randomUUID() : ctx.roomId,
      clientMsgId: `foreign-${Math.floor(r() * 1e12)}`,
      content: 'not yours',
    }),
  }),
  (r, ctx) => ({
    data: JSON.stringify({ type: 'typing', id: randStr(r, 6), roomId: ctx.roomId, active: true }),
  }),
];

/** Frames that must close the socket with a reason; each gets a socket of its own. */
const CLOSERS: Array<{ name: string; code: number; data: () => string | Buffer }> = [
  { name: 'one byte over 512 KiB', code: 1009, data: () => 'x'.repeat(Limits.WS_FRAME_MAX_BYTES + 1) },
  {
    name: 'a 600 KiB message.send',
    code: 1009,
    data: () =>
      JSON.stringify({
        type: 'message.send',
        id: 'big',
        roomId: randomUUID(),
        clientMsgId: 'b',
        content: 'y'.repeat(600 * 1024),
      }),
  },
  {
    name: 'invalid UTF-8 bytes in a text frame',
    code: 1007,
    data: () => Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d]),
  },
  {
    name: 'a truncated UTF-8 sequence',
    code: 1007,
    data: () => Buffer.from('{"type":"ping","id":"\xe2\x82', 'latin1'),
  },
];

/**
 * A seeded fuzzer against the real system: malformed WebSocket frames across several sockets
 * and malformed HTTP bodies to every POST/PATCH/PUT route of the OpenAPI document, while two
 * bystanders chat. Every frame is answered with a clear error or a close with a reason, no HTTP
 * answer is a 5xx, the services stay ready and memory stays bounded.
 */
describe('fuzzing: malformed frames and bodies', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let fuzzer: TestUser;
  let roomId: string;
  let foreignRoom: string;

  beforeAll(async () => {
    sys = await startSystem({ WS_FRAMES_PER_SECOND: '400', WS_FRAME_BURST: '2500', GUESTS_PER_IP: '10000' });
    alice = await registerUser(sys.baseUrl, `alice${Date.now().toString(36)}`);
    bob = await registerUser(sys.baseUrl, `bob${Date.now().toString(36)}`);
    fuzzer = await registerUser(sys.baseUrl, `fuzz${Date.now().toString(36)}`);
    roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'bystanders');
    foreignRoom = roomId; // fuzzer is not a member: frames aimed at it must be refused
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  /** Alice sends to Bob every 40 ms until stopped; returns what was acked and what Bob got. */
  function startBystanders(aliceWs: TestSocket, bobWs: TestSocket) {
    let running = true;
    const acked: string[] = [];
    const failures: string[] = [];
    const loop = (async () => {
      let n = 0;
      while (running) {
        n += 1;
        try {
          const ack = await aliceWs.request(
            { type: 'message.send', roomId, clientMsgId: `by-${n}`, content: `bystander ${n}` },
            10_000,
          );
          if (ack.type === 'message.ack') acked.push((ack.message as { id: string }).id);
          else failures.push(`${n}: ${String(ack.code)}`);
        } catch (err) {
          failures.push(`${n}: ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        await new Promise((r) => setTimeout(r, 500));
        const got = new Set(
          bobWs.ofType('message.created').map((f: Frame) => (f.message as { id: string }).id),
        );
        return { acked, failures, missing: acked.filter((id) => !got.has(id)) };
      },
    };
  }

  it('answers 10,000+ malformed frames with errors or closes, keeps bystanders chatting, stays ready and bounded', async () => {
    const r = prng(SEED);
    const aliceWs = await TestSocket.connect(sys.wsUrl, alice.token);
    const bobWs = await TestSocket.connect(sys.wsUrl, bob.token);
    const rssBefore = process.memoryUsage().rss;
    const bystanders = startBystanders(aliceWs, bobWs);

    const unclear: string[] = [];
    let sent = 0;
    let answered = 0;
    const fuzzOne = async (socketNo: number) => {
      const ws = await TestSocket.connect(sys.wsUrl, fuzzer.token);
      let mine = 0;
      for (let i = 0; i < FRAMES_PER_SOCKET; i++) {
        const { data, binary } = pick(r, GENERATORS)(r, { roomId: foreignRoom });
        ws.sendRaw(data, Boolean(binary));
        mine += 1;
        if (mine % 100 === 0) await waitErrors(ws, mine, `socket ${socketNo}`);
      }
      await waitErrors(ws, mine, `socket ${socketNo}`);
      expect(ws.closed).toBeUndefined();
      for (const f of ws.frames)
        if (f.type === 'error' && !CLEAR_CODES.has(String(f.code)))
          unclear.push(`${String(f.code)}: ${String(f.message)}`);
      sent += mine;
      answered += ws.ofType('error').length;
      await ws.close();
    };
    const waitErrors = async (ws: TestSocket, n: number, what: string) => {
      const deadline = Date.now() + 15_000;
      while (ws.ofType('error').length < n) {
        if (ws.closed)
          throw new Error(
            `${what} closed (${ws.closed.code} ${ws.closed.reason}) after ${ws.ofType('error').length}/${n}`,
          );
        if (Date.now() > deadline)
          throw new Error(`${what}: ${ws.ofType('error').length} error frames for ${n} malformed frames`);
        await new Promise((res) => setTimeout(res, 20));
      }
      // Never more than one answer per frame.
      expect(ws.ofType('error').length).toBe(n);
    };

    await Promise.all(Array.from({ length: FUZZ_SOCKETS }, (_, i) => fuzzOne(i + 1)));

    // A flood past the per-socket budget: every frame over it is refused, none goes unanswered.
    const flood = await TestSocket.connect(sys.wsUrl, fuzzer.token);
    for (let i = 0; i < FLOOD_FRAMES; i++) flood.sendRaw(JSON.stringify({ type: 'nope', id: `f${i}` }));
    for (let i = 0; i < FLOOD_FRAMES; i++) flood.sendRaw(JSON.stringify({ type: 'nope', id: `g${i}` }));
    await waitErrors(flood, FLOOD_FRAMES * 2, 'flood');
    const limited = flood.frames.filter((f) => f.code === 'common.rate_limited').length;
    expect(limited).toBeGreaterThan(0);
    sent += FLOOD_FRAMES * 2;
    answered += flood.ofType('error').length;
    await flood.close();

    // Frames that end the connection: each closes its socket with the documented code and a reason.
    const closes: string[] = [];
    for (const c of CLOSERS) {
      const ws = await TestSocket.connect(sys.wsUrl, fuzzer.token);
      ws.sendRaw(c.data());
      const deadline = Date.now() + 5000;
      while (!ws.closed && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      // The ws library ends these at the protocol level with the code alone: the code is the reason
      // (1009 message too big, 1007 invalid payload data), as documented in docs/protocol.md.
      if (ws.closed?.code !== c.code)
        closes.push(`${c.name}: expected ${c.code}, got ${JSON.stringify(ws.closed)}`);
      sent += 1;
      if (!ws.closed) await ws.close();
    }
    expect(closes).toEqual([]);

    // 512 KiB exactly is allowed in: answered by a validation error (content over 100,000 characters).
    const edge = await TestSocket.connect(sys.wsUrl, fuzzer.token);
    const head = JSON.stringify({
      type: 'message.send',
      id: 'edge',
      roomId,
      clientMsgId: 'edge',
      content: '',
    });
    const filler = 'z'.repeat(Limits.WS_FRAME_MAX_BYTES - Buffer.byteLength(head));
    edge.sendRaw(head.replace('"content":""', `"content":"${filler}"`));
    const edgeAnswer = await edge.waitFor((f) => f.id === 'edge', 10_000);
    expect(edgeAnswer).toMatchObject({ type: 'error', code: 'common.validation_failed' });
    await edge.close();

    const result = await bystanders.stop();
    const rssAfter = process.memoryUsage().rss;
    expect(unclear.slice(0, 10)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(answered).toBe(sent - CLOSERS.length);
    expect(result.failures).toEqual([]);
    expect(result.acked.length).toBeGreaterThan(10);
    expect(result.missing).toEqual([]);
    // One process holds all four services and the fuzzer; 250 MB of growth would mean buffers kept.
    expect((rssAfter - rssBefore) / 1024 / 1024).toBeLessThan(250);
    for (const app of Object.values(sys.apps)) {
      const res = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/health/ready`);
      expect(res.status).toBe(200);
    }
    await Promise.all([aliceWs.close(), bobWs.close()]);
  }, 90_000);

  it('never answers a malformed body to any POST/PATCH/PUT route with a 5xx or without a code', async () => {
    const r = prng(SEED + 1);
    const doc = JSON.parse(readFileSync(join(__dirname, '../../docs/openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    };
    const routes: Array<{ method: string; path: string; types: string[] }> = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        if (['post', 'patch', 'put'].includes(method))
          routes.push({
            method: method.toUpperCase(),
            path,
            types: Object.keys(op.requestBody?.content ?? {}),
          });
    // Logging out ends the fuzzer's session: do it last.
    routes.sort((a, b) => Number(a.path.endsWith('/logout')) - Number(b.path.endsWith('/logout')));
    expect(routes.length).toBeGreaterThan(30);

    const bodies: Array<() => { body: string | Buffer; type: string }> = [
      () => ({ body: '{', type: 'application/json' }),
      () => ({ body: 'null', type: 'application/json' }),
      () => ({ body: '[1,2,3]', type: 'application/json' }),
      () => ({ body: '"just a string"', type: 'application/json' }),
      () => ({ body: nested(3000), type: 'application/json' }),
      () => ({
        body: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
        type: 'application/json',
      }),
      () => ({
        body: JSON.stringify(
          Object.fromEntries(
            [
              'name',
              'content',
              'clientMsgId',
              'userId',
              'role',
              'seq',
              'username',
              'password',
              'days',
              'durationSeconds',
              'inviteToken',
              'refreshToken',
            ].map((k) => [k, pick(r, WRONG)]),
          ),
        ),
        type: 'application/json',
      }),
      () => ({
        body: `{"content":"a\\ud800","name":"\\udfff","username":"\\u0000"}`,
        type: 'application/json',
      }),
      () => ({
        body: JSON.stringify({ name: 'n'.repeat(200_000), content: 'c'.repeat(300_000) }),
        type: 'application/json',
      }),
      () => ({ body: 'x'.repeat(1024 * 1024 + 10), type: 'application/json' }),
      () => ({ body: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0xc3, 0x28]), type: 'application/json' }),
      () => ({ body: 'a=1&b=2', type: 'application/x-www-form-urlencoded' }),
      () => ({
        body: Buffer.from(Array.from({ length: 512 }, () => Math.floor(r() * 256))),
        type: 'image/png',
      }),
      () => ({ body: '<xml/>', type: 'text/xml' }),
    ];
    const ids = () => pick(r, [randomUUID(), 'not-a-uuid', '%00', '..%2F..', '1'.repeat(300), roomId]);

    const bad: string[] = [];
    let tried = 0;
    for (const route of routes) {
      for (const make of bodies) {
        const { body, type } = make();
        const path = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(ids()).replace(/%25/g, '%'));
        const res = await fetch(`${sys.baseUrl}${path}`, {
          method: route.method,
          headers: { authorization: `Bearer ${fuzzer.token}`, 'content-type': type },
          body,
        });
        tried += 1;
        const text = await res.text();
        let code: unknown;
        try {
          code = (JSON.parse(text) as { code?: unknown }).code;
        } catch {
          code = undefined;
        }
        const ok2xx = res.status >= 200 && res.status < 300;
        if (
          res.status >= 500 ||
          (!ok2xx && typeof code !== 'string') ||
          /\bat \S+ \(|node_modules|\.ts:\d+/.test(text)
        )
          bad.push(
            `${route.method} ${path} [${type}, ${Buffer.byteLength(body)} B] → ${res.status} ${text.slice(0, 160)}`,
          );
      }
    }
    expect(tried).toBeGreaterThan(500);
    expect(bad).toEqual([]);
    for (const app of Object.values(sys.apps)) {
      const res = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/health/ready`);
      expect(res.status).toBe(200);
    }
  }, 120_000);
});
