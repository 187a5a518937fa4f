import { createDecipheriv, createECDH, createHmac, ECDH, randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { generateVAPIDKeys } from 'web-push';
import { api, registerUser, TestUser } from '../support/http';
import { eventually } from '../support/infra';
import { createRoomWith, sendHttp } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

interface PushRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Stands in for a browser vendor's push service (FCM, Mozilla autopush, Apple): takes the
 * encrypted POST and answers 201, or what the test says for a path (410: subscription gone).
 */
class FakePushService {
  readonly requests: PushRequest[] = [];
  readonly answers = new Map<string, number>();
  private server: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(this.answers.get(req.url ?? '') ?? 201).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  to(path: string): PushRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** A browser's side of a subscription: its P-256 key pair and auth secret. */
interface Device {
  ecdh: ECDH;
  auth: Buffer;
  path: string;
  subscription: { endpoint: string; keys: { p256dh: string; auth: string }; expirationTime: null };
}

function newDevice(base: string, name: string): Device {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const path = `/push/${name}-${randomBytes(4).toString('hex')}`;
  return {
    ecdh,
    auth,
    path,
    subscription: {
      endpoint: `${base}${path}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
      expirationTime: null,
    },
  };
}

const hmac = (key: Buffer, data: Buffer): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 8291 / RFC 8188 (aes128gcm, one record): what the browser does with the push body. */
function decrypt(device: Device, body: Buffer): unknown {
  const salt = body.subarray(0, 16);
  const idLen = body[20];
  const senderKey = body.subarray(21, 21 + idLen);
  const ciphertext = body.subarray(21 + idLen);
  const shared = device.ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([
    Buffer.from('WebPush: info\0'),
    device.ecdh.getPublicKey(),
    senderKey,
    Buffer.from([1]),
  ]);
  const ikm = hmac(hmac(device.auth, shared), keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final(),
  ]);
  let end = padded.length - 1;
  while (padded[end] === 0) end--;
  expect(padded[end]).toBe(2); // the last record's delimiter
  return JSON.parse(padded.subarray(0, end).toString('utf8'));
}

/**
 * Web push: members with no device connected get an encrypted push through their push service;
 * connected members do not (their page shows its own notification); a subscription the push
 * service calls gone (410) is deleted.
 */
describe('web push', () => {
  let sys: RunningSystem;
  let pushService: FakePushService;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let roomId: string;
  let db: Client;
  const vapid = generateVAPIDKeys();
  const sockets: TestSocket[] = [];

  const subscribe = (user: TestUser, body: unknown) =>
    api(sys.baseUrl, 'POST', '/api/v1/push/subscription', { token: user.token, body });
  const presenceOf = async (userId: string): Promise<string | undefined> => {
    const res = await api<{ presence: Array<{ userId: string; status: string }> }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/presence`,
      { token: alice.token },
    );
    return res.body.presence.find((p) => p.userId === userId)?.status;
  };
  const subscriptionsOf = async (userId: string): Promise<number> =>
    Number(
      (
        await db.query<{ n: string }>(
          'SELECT count(*) AS n FROM room.push_subscriptions WHERE user_id = $1',
          [userId],
        )
      ).rows[0].n,
    );

  beforeAll(async () => {
    pushService = new FakePushService();
    base = await pushService.start();
    sys = await startSystem({
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.com',
      PUSH_ALLOW_HTTP_LOCALHOST: 'true',
      PUSH_TTL_SECONDS: '120',
    });
    db = new Client({ connectionString: sys.db.url });
    await db.connect();
    [alice, bob, carol, dave] = await Promise.all(
      [
        ['palice', 'Alice'],
        ['pbob', 'Bob'],
        ['pcarol', 'Carol'],
        ['pdave', 'Dave'],
      ].map(([u, d]) => registerUser(sys.baseUrl, u, d)),
    );
    roomId = await createRoomWith(sys.baseUrl, alice, [bob, carol, dave], '주간 회의');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
    await db?.end();
    await sys?.stop();
    await pushService?.stop();
  });

  it('tells clients the VAPID public key', async () => {
    const res = await api(sys.baseUrl, 'GET', '/api/v1/push/config');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ enabled: true, publicKey: vapid.publicKey });
  });

  it('refuses subscriptions that are not https or whose keys are wrong, and strangers', async () => {
    const device = newDevice(base, 'x');
    const https = { ...device.subscription, endpoint: 'https://push.example.com/x' };
    expect((await subscribe(bob, { ...https, endpoint: 'http://push.example.com/x' })).status).toBe(400);
    expect((await subscribe(bob, { ...https, endpoint: 'javascript:alert(1)' })).status).toBe(400);
    expect((await subscribe(bob, { ...https, keys: { ...https.keys, p256dh: 'AAAA' } })).status).toBe(400);
    expect((await subscribe(bob, { ...https, keys: { ...https.keys, auth: 'short' } })).status).toBe(400);
    expect((await subscribe(bob, { endpoint: https.endpoint })).status).toBe(400);
    const anonymous = await api(sys.baseUrl, 'POST', '/api/v1/push/subscription', { body: https });
    expect(anonymous.status).toBe(401);
    expect(await subscriptionsOf(bob.id)).toBe(0);
  });

  it('pushes to offline members only, encrypted, and drops a subscription the push service calls gone', async () => {
    const bobPhone = newDevice(base, 'bob');
    const carolPhone = newDevice(base, 'carol');
    const davePhone = newDevice(base, 'dave');
    pushService.answers.set(davePhone.path, 410);
    for (const [user, device] of [
      [bob, bobPhone],
      [carol, carolPhone],
      [dave, davePhone],
    ] as const) {
      expect((await subscribe(user, device.subscription)).status).toBe(204);
    }
    // Carol has the app open on another device.
    const carolLaptop = await TestSocket.connect(sys.wsUrl, carol.token);
    sockets.push(carolLaptop);
    await eventually(async () => (await presenceOf(carol.id)) === 'online');

    const first = await sendHttp(sys.baseUrl, alice, roomId, '내일 회의는 10시입니다', 'push-1');
    await eventually(
      () => pushService.to(bobPhone.path).length === 1 && pushService.to(davePhone.path).length === 1,
    );
    const [push] = pushService.to(bobPhone.path);
    expect(push.headers.ttl).toBe('120');
    expect(push.headers.urgency).toBe('high');
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(push.headers['content-type']).toBe('application/octet-stream');
    expect(push.headers.authorization).toMatch(
      new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`),
    );
    expect(push.headers.topic).toMatch(/^[\w-]{22}$/);
    expect(push.body.length).toBeLessThan(4096);
    expect(decrypt(bobPhone, push.body)).toEqual({
      kind: 'message',
      roomId,
      messageId: first.id,
      roomName: '주간 회의',
      senderName: 'Alice',
      preview: '내일 회의는 10시입니다',
    });
    // The 410 answer removed Dave's subscription; Bob's stays.
    await eventually(async () => (await subscriptionsOf(dave.id)) === 0);
    expect(await subscriptionsOf(bob.id)).toBe(1);

    // Carol was connected when the first message came: no push. Once her last device is gone she
    // gets the next one — and only that one (the first would have been sent before this).
    await carolLaptop.close();
    await eventually(async () => (await presenceOf(carol.id)) === 'offline');
    const second = await sendHttp(sys.baseUrl, alice, roomId, 'see you', 'push-2');
    await eventually(() => pushService.to(carolPhone.path).length > 0);
    expect(
      pushService
        .to(carolPhone.path)
        .map((r) => (decrypt(carolPhone, r.body) as { messageId: string }).messageId),
    ).toEqual([second.id]);
    // The sender is never pushed about their own message, and a gone subscription is not tried again.
    await eventually(() => pushService.to(bobPhone.path).length === 2);
    expect(pushService.to(davePhone.path)).toHaveLength(1);
  }, 30_000);

  it('keeps one subscription per session and forgets it on request', async () => {
    const first = newDevice(base, 'bob-old');
    const renewed = newDevice(base, 'bob-new');
    expect((await subscribe(bob, first.subscription)).status).toBe(204);
    expect((await subscribe(bob, renewed.subscription)).status).toBe(204);
    expect(await subscriptionsOf(bob.id)).toBe(1);
    const removed = await api(sys.baseUrl, 'DELETE', '/api/v1/push/subscription', { token: bob.token });
    expect(removed).toMatchObject({ status: 200, body: { removed: true } });
    expect(await subscriptionsOf(bob.id)).toBe(0);
    const again = await api(sys.baseUrl, 'DELETE', '/api/v1/push/subscription', { token: bob.token });
    expect(again.body).toEqual({ removed: false });
  });

  it('forgets the subscription of a session that is revoked from another device', async () => {
    const login = await api<{ accessToken: string }>(sys.baseUrl, 'POST', '/api/v1/auth/login', {
      body: { username: 'pcarol', password: 'correct horse battery staple' },
    });
    const phone = { ...carol, token: login.body.accessToken };
    const sid = (
      JSON.parse(Buffer.from(phone.token.split('.')[1], 'base64url').toString()) as { sid: string }
    ).sid;
    const before = await subscriptionsOf(carol.id); // her other devices keep theirs
    expect((await subscribe(phone, newDevice(base, 'carol-phone').subscription)).status).toBe(204);
    expect(await subscriptionsOf(carol.id)).toBe(before + 1);
    const revoked = await api(sys.baseUrl, 'DELETE', `/api/v1/me/sessions/${sid}`, { token: carol.token });
    expect(revoked.status).toBeLessThan(300);
    await eventually(async () => (await subscriptionsOf(carol.id)) === before, 10_000);
  });
});

describe('web push without VAPID keys', () => {
  let sys: RunningSystem;

  beforeAll(async () => {
    sys = await startSystem({ VAPID_PUBLIC_KEY: '', VAPID_PRIVATE_KEY: '', VAPID_SUBJECT: '' });
  }, 60_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('says push is off and refuses subscriptions', async () => {
    expect((await api(sys.baseUrl, 'GET', '/api/v1/push/config')).body).toEqual({
      enabled: false,
      publicKey: null,
    });
    const user = await registerUser(sys.baseUrl, 'nopush');
    const device = newDevice('https://push.example.com', 'n');
    const res = await api(sys.baseUrl, 'POST', '/api/v1/push/subscription', {
      token: user.token,
      body: device.subscription,
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'room.push_disabled' });
  });
});
