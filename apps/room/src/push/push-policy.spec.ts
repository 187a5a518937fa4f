import { createECDH, randomBytes } from 'node:crypto';
import { generateVAPIDKeys } from 'web-push';
import { AppException, loadConfig } from '@app/common';
import { PUSH_PREVIEW_MAX } from '@app/contracts';
import { RoomConfig } from '../room.config';
import { base64UrlBytes, previewOf, pushPayload, roomTopic, validateSubscription } from './push-policy';

const browserKeys = () => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
};

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppException);
    return (err as AppException).details?.[0]?.field;
  }
  throw new Error('expected a validation failure');
};

describe('validateSubscription', () => {
  const keys = browserKeys();

  it('accepts a browser subscription and normalises padding away', () => {
    const sub = validateSubscription(
      'https://fcm.googleapis.com/fcm/send/abc:def',
      { p256dh: `${keys.p256dh}=`, auth: `${keys.auth}==` },
      false,
    );
    expect(sub).toEqual({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def', ...keys });
  });

  it.each([
    ['http://push.example.com/x', false],
    ['http://127.0.0.1:9999/x', false],
    ['http://10.0.0.1/x', true],
    ['ftp://push.example.com/x', true],
    ['file:///etc/passwd', true],
    ['not a url', true],
    ['https://user:pw@push.example.com/x', true],
    [`https://push.example.com/${'a'.repeat(2100)}`, true],
  ])('refuses the endpoint #%# (test loopback allowed: %p)', (endpoint, allowLoopback) => {
    expect(fieldOf(() => validateSubscription(endpoint, keys, allowLoopback))).toBe('endpoint');
  });

  it('allows http on the loopback only when configured for tests', () => {
    expect(validateSubscription('http://127.0.0.1:9999/push/1', keys, true).endpoint).toBe(
      'http://127.0.0.1:9999/push/1',
    );
    expect(validateSubscription('http://localhost:9999/push/1', keys, true).endpoint).toBe(
      'http://localhost:9999/push/1',
    );
  });

  it.each([
    ['too short', keys.p256dh.slice(0, 60)],
    ['too long', `${keys.p256dh}AAAA`],
    ['not base64url', `${keys.p256dh.slice(0, 86)}+`],
    ['compressed point', Buffer.concat([Buffer.from([2]), randomBytes(64)]).toString('base64url')],
  ])('refuses a p256dh key: %s', (_why, p256dh) => {
    expect(fieldOf(() => validateSubscription('https://p.example/x', { ...keys, p256dh }, false))).toBe(
      'keys.p256dh',
    );
  });

  it.each([
    randomBytes(8).toString('base64url'),
    randomBytes(32).toString('base64url'),
    '!!!!!!!!!!!!!!!!!!!!!!',
  ])('refuses the auth secret %s', (auth) => {
    expect(fieldOf(() => validateSubscription('https://p.example/x', { ...keys, auth }, false))).toBe(
      'keys.auth',
    );
  });

  it('measures base64url lengths', () => {
    expect(base64UrlBytes(randomBytes(65).toString('base64url'))).toBe(65);
    expect(base64UrlBytes('a')).toBe(-1);
    expect(base64UrlBytes('a+b')).toBe(-1);
  });
});

describe('push payload', () => {
  const message = { id: 'm1', roomId: '0190a5b2-0000-7000-8000-000000000001', kind: 'text' as const };

  it('carries room, sender and a short preview', () => {
    expect(
      pushPayload({ ...message, content: '안녕\n  하세요' }, { kind: 'group', name: '팀' }, '민수'),
    ).toEqual({
      kind: 'message',
      roomId: message.roomId,
      messageId: 'm1',
      roomName: '팀',
      senderName: '민수',
      preview: '안녕 하세요',
    });
  });

  it('leaves the room name out for a direct room', () => {
    expect(pushPayload({ ...message, content: 'hi' }, { kind: 'direct', name: 'x' }, 'Bob').roomName).toBe(
      '',
    );
  });

  it('cuts a long text by code points, never inside an emoji', () => {
    const preview = previewOf({ kind: 'text', content: '😀'.repeat(500) });
    expect(Array.from(preview)).toHaveLength(PUSH_PREVIEW_MAX);
    expect(preview.endsWith('😀…')).toBe(true);
  });

  it('names an image without text', () => {
    expect(previewOf({ kind: 'image', content: '' })).toBe('📷');
  });

  it('makes a per-room topic of at most 32 base64url characters', () => {
    const topic = roomTopic(message.roomId);
    expect(topic).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(roomTopic('0190a5b2-0000-7000-8000-000000000002')).not.toBe(topic);
  });
});

describe('RoomConfig VAPID settings', () => {
  const vapid = generateVAPIDKeys();
  const env = {
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: 'mailto:ops@example.com',
  };

  it('is off with no keys', () => {
    const config = loadConfig(RoomConfig, {});
    expect(config.pushEnabled).toBe(false);
    expect(config.PUSH_ALLOW_HTTP_LOCALHOST).toBe(false);
  });

  it('is on with a valid key pair and subject', () => {
    const config = loadConfig(RoomConfig, env);
    expect(config.pushEnabled).toBe(true);
    expect(loadConfig(RoomConfig, { ...env, VAPID_SUBJECT: 'https://chat.example.com' }).pushEnabled).toBe(
      true,
    );
  });

  it.each([
    [{ VAPID_PUBLIC_KEY: '' }, /VAPID_PUBLIC_KEY/],
    [{ VAPID_PRIVATE_KEY: '' }, /VAPID_PRIVATE_KEY/],
    [{ VAPID_SUBJECT: '' }, /VAPID_SUBJECT/],
    [{ VAPID_PUBLIC_KEY: 'short' }, /VAPID_PUBLIC_KEY/],
    [{ VAPID_PRIVATE_KEY: `${vapid.privateKey}A` }, /VAPID_PRIVATE_KEY/],
    [{ VAPID_SUBJECT: 'ops@example.com' }, /VAPID_SUBJECT/],
    [{ VAPID_SUBJECT: 'http://chat.example.com' }, /VAPID_SUBJECT/],
  ])('refuses a partial or malformed setting %p', (change, message) => {
    expect(() => loadConfig(RoomConfig, { ...env, ...change })).toThrow(message);
  });
});
