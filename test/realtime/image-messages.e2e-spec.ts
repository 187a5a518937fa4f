import type { MessageView } from '@app/contracts';
import { api, registerUser, TestUser } from '../support/http';
import { makeGifHeader, makePng } from '../support/images';
import { createRoomWith } from '../support/rooms';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

const MAX = 64 * 1024;

/** `message.send` of an image message without a caption. */
function sendImage(socket: TestSocket, roomId: string, clientMsgId: string, attachmentIds: unknown[]) {
  return socket.request({
    type: 'message.send',
    roomId,
    clientMsgId,
    kind: 'image',
    content: '',
    attachmentIds,
  });
}

async function upload(
  baseUrl: string,
  user: TestUser,
  roomId: string,
  body: Buffer,
  type = 'image/png',
  name?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const query = name === undefined ? '' : `?name=${encodeURIComponent(name)}`;
  const res = await fetch(`${baseUrl}/api/v1/rooms/${roomId}/attachments${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': type },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function download(
  baseUrl: string,
  user: TestUser,
  id: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/attachments/${id}`, {
    headers: { authorization: `Bearer ${user.token}`, ...headers },
  });
}

/** Image messages end to end: upload over HTTP, send over the socket, delivered, downloaded by members only. */
describe('image messages', () => {
  let sys: RunningSystem;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let roomId: string;
  let a: TestSocket;
  let b: TestSocket;
  const photo = makePng(40, 30);

  beforeAll(async () => {
    sys = await startSystem({ ATTACHMENT_MAX_BYTES: String(MAX) });
    [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map((n) => registerUser(sys.baseUrl, `${n}${Date.now().toString(36)}`)),
    );
    roomId = await createRoomWith(sys.baseUrl, alice, [bob], 'pictures');
    [a, b] = await Promise.all([
      TestSocket.connect(sys.wsUrl, alice.token),
      TestSocket.connect(sys.wsUrl, bob.token),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b].map((s) => s?.close()));
    await sys?.stop();
  });

  const latestSeq = async (): Promise<number> => {
    const page = await api<{ messages: MessageView[] }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/messages`,
      {
        token: alice.token,
      },
    );
    return page.body.messages.at(-1)?.seq ?? 0;
  };

  it('uploads, sends with a caption, delivers to the other member, who downloads it with safe headers', async () => {
    const up = await upload(sys.baseUrl, alice, roomId, photo, 'image/png', '../고양이 "cat".png');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: '고양이 "cat".png',
      mimeType: 'image/png',
      size: photo.length,
      width: 40,
      height: 30,
      roomId,
    });
    const id = up.body.id as string;

    const ack = await a.request({
      type: 'message.send',
      roomId,
      clientMsgId: 'img-1',
      kind: 'image',
      content: '우리 고양이',
      attachmentIds: [id],
    });
    expect(ack).toMatchObject({
      type: 'message.ack',
      duplicate: false,
      message: { kind: 'image', content: '우리 고양이', attachments: [{ id, width: 40, height: 30 }] },
    });
    const created = await b.waitFor(
      (f) => f.type === 'message.created' && (f.message as MessageView).attachments?.[0]?.id === id,
    );
    expect((created.message as MessageView).kind).toBe('image');

    const res = await download(sys.baseUrl, bob, id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="___ _cat_.png"; filename*=UTF-8''${encodeURIComponent('고양이 "cat".png')}`,
    );
    expect(res.headers.get('cache-control')).toBe('private, max-age=86400');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(true);
    const etag = res.headers.get('etag') as string;
    const again = await download(sys.baseUrl, bob, id, { 'if-none-match': etag });
    expect(again.status).toBe(304);

    // The retry of the same send is the same message, not a second one.
    const retry = await a.request({
      type: 'message.send',
      roomId,
      clientMsgId: 'img-1',
      kind: 'image',
      content: '우리 고양이',
      attachmentIds: [id],
    });
    expect(retry).toMatchObject({
      type: 'message.ack',
      duplicate: true,
      message: { id: (ack.message as MessageView).id },
    });

    // History pages carry the attachment too.
    const page = await api<{ messages: MessageView[] }>(
      sys.baseUrl,
      'GET',
      `/api/v1/rooms/${roomId}/messages`,
      {
        token: bob.token,
      },
    );
    expect(page.body.messages.at(-1)?.attachments).toEqual([
      { id, name: '고양이 "cat".png', mimeType: 'image/png', size: photo.length, width: 40, height: 30 },
    ]);
  });

  it('answers 404 to a non-member and to an unknown id alike, and refuses non-members uploading', async () => {
    const up = await upload(sys.baseUrl, alice, roomId, photo);
    await sendImage(a, roomId, 'img-nm', [up.body.id]);
    const stranger = await download(sys.baseUrl, carol, up.body.id as string);
    expect(stranger.status).toBe(404);
    const unknown = await download(sys.baseUrl, carol, '0190f0f0-0000-7000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(await stranger.json()).toEqual(await unknown.json());
    expect((await download(sys.baseUrl, bob, up.body.id as string)).status).toBe(200);

    const refused = await upload(sys.baseUrl, carol, roomId, photo);
    expect(refused).toMatchObject({ status: 403, body: { code: 'room.not_member' } });
    const anonymous = await fetch(`${sys.baseUrl}/api/v1/attachments/${up.body.id as string}`);
    expect(anonymous.status).toBe(401);
  });

  it('refuses what is not a PNG, JPEG, GIF or WebP with 415, and more than ATTACHMENT_MAX_BYTES with 413', async () => {
    const text = await upload(
      sys.baseUrl,
      alice,
      roomId,
      Buffer.from('I am a picture, honestly\n'),
      'image/png',
    );
    expect(text).toMatchObject({ status: 415, body: { code: 'room.attachment_type_unsupported' } });
    const svg = await upload(
      sys.baseUrl,
      alice,
      roomId,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'image/svg+xml',
    );
    expect(svg).toMatchObject({ status: 415, body: { code: 'room.attachment_type_unsupported' } });
    const html = await upload(sys.baseUrl, alice, roomId, Buffer.from('<html>'), 'application/octet-stream');
    expect(html).toMatchObject({ status: 415, body: { code: 'room.attachment_type_unsupported' } });
    const empty = await upload(sys.baseUrl, alice, roomId, Buffer.alloc(0));
    expect(empty.status).toBe(415);

    const big = Buffer.concat([photo, Buffer.alloc(MAX, 0)]);
    const tooLarge = await upload(sys.baseUrl, alice, roomId, big);
    expect(tooLarge).toMatchObject({ status: 413, body: { code: 'common.payload_too_large' } });

    const gif = await upload(sys.baseUrl, alice, roomId, makeGifHeader(7, 9), 'image/gif', 'a.gif');
    expect(gif).toMatchObject({ status: 201, body: { mimeType: 'image/gif', width: 7, height: 9 } });
    // The bytes decide the type, not the header the client sent.
    const mislabelled = await upload(sys.baseUrl, alice, roomId, photo, 'image/jpeg');
    expect(mislabelled).toMatchObject({ status: 201, body: { mimeType: 'image/png' } });
  });

  it('refuses an attachment already sent, someone else’s, or unknown, storing nothing (all or none)', async () => {
    const used = await upload(sys.baseUrl, alice, roomId, photo);
    await a.request({
      type: 'message.send',
      roomId,
      clientMsgId: 'img-used',
      kind: 'image',
      content: 'first',
      attachmentIds: [used.body.id],
    });
    const fresh = await upload(sys.baseUrl, alice, roomId, photo);
    const before = await latestSeq();

    const reuse = await a.request({
      type: 'message.send',
      roomId,
      clientMsgId: 'img-reuse',
      kind: 'image',
      content: 'again',
      attachmentIds: [fresh.body.id, used.body.id],
    });
    expect(reuse).toMatchObject({ type: 'error', code: 'room.attachment_in_use' });

    const notHers = await sendImage(b, roomId, 'img-steal', [fresh.body.id]);
    expect(notHers).toMatchObject({ type: 'error', code: 'room.attachment_not_found' });

    const unknown = await sendImage(a, roomId, 'img-unknown', ['0190f0f0-0000-7000-8000-000000000001']);
    expect(unknown).toMatchObject({ type: 'error', code: 'room.attachment_not_found' });

    // Another room of Alice's: the image was uploaded to this one.
    const other = await createRoomWith(sys.baseUrl, alice, [], 'elsewhere');
    const wrongRoom = await sendImage(a, other, 'img-wrong-room', [fresh.body.id]);
    expect(wrongRoom).toMatchObject({ type: 'error', code: 'room.attachment_not_found' });
    expect(await latestSeq()).toBe(before);

    // Nothing was half-claimed: the fresh image is still free to send.
    const ok = await sendImage(a, roomId, 'img-fresh', [fresh.body.id]);
    expect(ok).toMatchObject({ type: 'message.ack', message: { seq: before + 1 } });

    // Over HTTP the same refusal is a 409.
    const http = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${roomId}/messages`, {
      token: alice.token,
      body: { clientMsgId: 'img-http', kind: 'image', content: '', attachmentIds: [used.body.id] },
    });
    expect(http).toMatchObject({ status: 409, body: { code: 'room.attachment_in_use' } });
  });

  it('gives a raced image to one of two concurrent sends, and frees images of a send history refuses', async () => {
    const up = await upload(sys.baseUrl, alice, roomId, photo);
    const send = (clientMsgId: string) => sendImage(a, roomId, clientMsgId, [up.body.id]);
    const replies = await Promise.all([send('race-1'), send('race-2'), send('race-3')]);
    expect(replies.filter((r) => r.type === 'message.ack')).toHaveLength(1);
    expect(replies.filter((r) => r.type === 'error').map((r) => r.code)).toEqual([
      'room.attachment_in_use',
      'room.attachment_in_use',
    ]);

    // A clientMsgId already used for a text message: history refuses, the image stays free.
    await a.request({ type: 'message.send', roomId, clientMsgId: 'taken-key', content: 'text first' });
    const fresh = await upload(sys.baseUrl, alice, roomId, photo);
    const conflict = await sendImage(a, roomId, 'taken-key', [fresh.body.id]);
    expect(conflict).toMatchObject({ type: 'error', code: 'history.idempotency_conflict' });
    const later = await sendImage(a, roomId, 'fresh-ok', [fresh.body.id]);
    expect(later).toMatchObject({ type: 'message.ack', duplicate: false });
  });

  it('checks the shape: images only with kind image, an image message needs one, text needs words', async () => {
    const up = await upload(sys.baseUrl, alice, roomId, photo);
    const cases = [
      { kind: 'text', content: 'hi', attachmentIds: [up.body.id] },
      { kind: 'image', content: 'no picture' },
      { kind: 'text', content: '' },
      { kind: 'image', content: '', attachmentIds: [] },
      { kind: 'image', content: '', attachmentIds: ['nope'] },
    ];
    const before = await latestSeq();
    for (const [i, c] of cases.entries()) {
      const reply = await a.request({ type: 'message.send', roomId, clientMsgId: `shape-${i}`, ...c });
      expect(reply).toMatchObject({ type: 'error', code: 'common.validation_failed' });
    }
    expect(await latestSeq()).toBe(before);
  });

  it('in a room that hides history from before one joined, serves a newcomer only images sent since', async () => {
    const hidden = await createRoomWith(sys.baseUrl, alice, [], 'hidden past');
    const set = await api(sys.baseUrl, 'PATCH', `/api/v1/rooms/${hidden}/settings`, {
      token: alice.token,
      body: { historyVisibility: 'joined' },
    });
    expect(set.status).toBe(200);
    const before = await upload(sys.baseUrl, alice, hidden, photo);
    const sent = await sendImage(a, hidden, 'hidden-before', [before.body.id]);
    expect(sent.type).toBe('message.ack');

    const link = await api<{ token: string }>(sys.baseUrl, 'POST', `/api/v1/rooms/${hidden}/invite-links`, {
      token: alice.token,
      body: {},
    });
    const joined = await api(sys.baseUrl, 'POST', `/api/v1/rooms/${hidden}/join`, {
      token: carol.token,
      body: { inviteToken: link.body.token },
    });
    expect(joined.status).toBe(200);
    expect((await download(sys.baseUrl, carol, before.body.id as string)).status).toBe(404);

    const after = await upload(sys.baseUrl, alice, hidden, photo);
    await sendImage(a, hidden, 'hidden-after', [after.body.id]);
    expect((await download(sys.baseUrl, carol, after.body.id as string)).status).toBe(200);
    expect((await download(sys.baseUrl, alice, before.body.id as string)).status).toBe(200);
  });

  it('shows an upload only to its uploader until it is sent, and stops serving a deleted message’s images', async () => {
    const up = await upload(sys.baseUrl, alice, roomId, photo);
    const id = up.body.id as string;
    expect((await download(sys.baseUrl, bob, id)).status).toBe(404);
    expect((await download(sys.baseUrl, alice, id)).status).toBe(200);

    const ack = await a.request({
      type: 'message.send',
      roomId,
      clientMsgId: 'img-del',
      kind: 'image',
      content: 'oops',
      attachmentIds: [id],
    });
    expect((await download(sys.baseUrl, bob, id)).status).toBe(200);
    const deleted = await a.request({
      type: 'message.delete',
      roomId,
      messageId: (ack.message as MessageView).id,
    });
    expect(deleted).toMatchObject({ type: 'message.ack', message: { attachments: [], content: '' } });
    expect((await download(sys.baseUrl, bob, id)).status).toBe(404);
    expect((await download(sys.baseUrl, alice, id)).status).toBe(404);
  });
});
