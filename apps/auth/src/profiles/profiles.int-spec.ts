import { AuthErrorCode, AuthResultView, Commands, CommonErrorCode } from '@app/contracts';
import { AuthHarness, failure, startAuthHarness } from '../../../../test/auth/auth-harness';
import { JPEG, PNG, pngOfSize, TEXT_NAMED_PNG, WEBP } from '../../../../test/auth/images';

const AVATAR_MAX = 4096;

describe('auth service: profiles, avatars and user search', () => {
  let h: AuthHarness;
  let me: AuthResultView;

  beforeAll(async () => {
    h = await startAuthHarness({ AVATAR_MAX_BYTES: String(AVATAR_MAX) });
    me = await h.register('profiled', { displayName: 'Profiled' });
  });

  afterAll(async () => {
    await h?.close();
  });

  const setAvatar = (actorId: string, contentType: 'image/png' | 'image/jpeg' | 'image/webp', data: Buffer) =>
    h.rpc.request(Commands.AUTH_AVATAR_SET, { actorId, contentType, data: data.toString('base64') });
  const avatars = () => h.count('SELECT 1 FROM auth.avatars');
  const search = (query: string, limit?: number) =>
    h.rpc.request(Commands.AUTH_USERS_SEARCH, { actorId: me.user.id, query, limit }).then((r) => r.users);

  it('shows a public profile', async () => {
    await expect(h.rpc.request(Commands.AUTH_USER_GET, { userId: me.user.id })).resolves.toEqual({
      id: me.user.id,
      username: 'profiled',
      displayName: 'Profiled',
      statusText: '',
      hasAvatar: false,
      role: 'user',
    });
  });

  it('updates the display name and status text, trimmed and NFC', async () => {
    const out = await h.rpc.request(Commands.AUTH_PROFILE_UPDATE, {
      actorId: me.user.id,
      displayName: ' 프로필 \u1112\u1161\u11AB ',
      statusText: ' 회의 중 📅 ',
    });
    expect(out).toMatchObject({ displayName: '프로필 한', statusText: '회의 중 📅' });
    await expect(
      h.rpc.request(Commands.AUTH_PROFILE_UPDATE, { actorId: me.user.id, statusText: '' }),
    ).resolves.toMatchObject({ displayName: '프로필 한', statusText: '' });
  });

  it.each([
    ['a status text over 140 characters', { statusText: '😀'.repeat(141) }, 'statusText'],
    ['a status text with a newline', { statusText: 'line\nbreak' }, 'statusText'],
    ['a display name with a control character', { displayName: 'bell\u0007' }, 'displayName'],
    ['a display name over 50 characters', { displayName: 'x'.repeat(51) }, 'displayName'],
    ['a lone surrogate', { displayName: 'a\uD800b' }, 'displayName'],
    ['a wrong type', { statusText: 42 }, 'statusText'],
  ])('refuses %s and changes nothing', async (_label, changes, field) => {
    const before = await h.pg.query('SELECT display_name, status_text FROM auth.users WHERE id = $1', [
      me.user.id,
    ]);
    await expect(
      failure(
        h.rpc.request(Commands.AUTH_PROFILE_UPDATE, {
          actorId: me.user.id,
          displayName: 'Would change',
          ...(changes as Record<string, string>),
        }),
      ),
    ).resolves.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
      details: expect.arrayContaining([expect.objectContaining({ field })]),
    });
    const after = await h.pg.query('SELECT display_name, status_text FROM auth.users WHERE id = $1', [
      me.user.id,
    ]);
    expect(after.rows).toEqual(before.rows);
  });

  it('refuses an update that changes nothing', async () => {
    await expect(
      failure(h.rpc.request(Commands.AUTH_PROFILE_UPDATE, { actorId: me.user.id })),
    ).resolves.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
    });
  });

  it.each([
    ['PNG', 'image/png', PNG],
    ['JPEG', 'image/jpeg', JPEG],
    ['WebP', 'image/webp', WEBP],
  ] as const)('stores a %s avatar and serves it with a validator', async (_label, type, bytes) => {
    await expect(setAvatar(me.user.id, type, bytes)).resolves.toMatchObject({ hasAvatar: true });
    const got = await h.rpc.request(Commands.AUTH_AVATAR_GET, { userId: me.user.id });
    expect(got).toEqual({
      contentType: type,
      etag: expect.stringMatching(/^"[A-Za-z0-9_-]{32}"$/),
      notModified: false,
      data: bytes.toString('base64'),
    });
    await expect(
      h.rpc.request(Commands.AUTH_AVATAR_GET, { userId: me.user.id, ifNoneMatch: `"stale", W/${got.etag}` }),
    ).resolves.toEqual({ contentType: type, etag: got.etag, notModified: true });
    expect(await avatars()).toBe(1);
  });

  it.each([
    ['a text file sent as PNG', 'image/png', TEXT_NAMED_PNG, 'This is not a PNG, JPEG or WebP image'],
    ['JPEG bytes sent as PNG', 'image/png', JPEG, 'Sent as image/png, but the content is image/jpeg'],
    ['a truncated PNG signature', 'image/png', PNG.subarray(0, 8), 'This is not a PNG, JPEG or WebP image'],
    [
      'a RIFF that is not WebP',
      'image/webp',
      Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'),
      'This is not a PNG, JPEG or WebP image',
    ],
  ] as const)('refuses %s and keeps the old avatar', async (_label, type, bytes, message) => {
    const before = await h.rpc.request(Commands.AUTH_AVATAR_GET, { userId: me.user.id });
    await expect(failure(setAvatar(me.user.id, type, bytes))).resolves.toEqual({
      code: AuthErrorCode.INVALID_IMAGE,
      message,
    });
    await expect(h.rpc.request(Commands.AUTH_AVATAR_GET, { userId: me.user.id })).resolves.toEqual(before);
  });

  it('refuses an avatar over the size cap', async () => {
    const before = await h.rpc.request(Commands.AUTH_AVATAR_GET, { userId: me.user.id });
    await expect(setAvatar(me.user.id, 'image/png', pngOfSize(AVATAR_MAX))).resolves.toMatchObject({
      hasAvatar: true,
    });
    await setAvatar(me.user.id, before.contentType, Buffer.from(before.data as string, 'base64'));
    await expect(
      failure(setAvatar(me.user.id, 'image/png', pngOfSize(AVATAR_MAX + 1))),
    ).resolves.toMatchObject({
      code: CommonErrorCode.PAYLOAD_TOO_LARGE,
    });
    await expect(h.rpc.request(Commands.AUTH_AVATAR_GET, { userId: me.user.id })).resolves.toEqual(before);
  });

  it('refuses data that is not base64, or a type it does not take', async () => {
    await expect(
      failure(
        h.rpc.request(Commands.AUTH_AVATAR_SET, {
          actorId: me.user.id,
          contentType: 'image/png',
          data: '*not base64*',
        }),
      ),
    ).resolves.toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED, details: [{ field: 'data' }] });
    await expect(
      failure(
        h.rpc.request(Commands.AUTH_AVATAR_SET, {
          actorId: me.user.id,
          contentType: 'image/svg+xml' as 'image/png',
          data: PNG.toString('base64'),
        }),
      ),
    ).resolves.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
      details: [{ field: 'contentType' }],
    });
  });

  it('does not let a guest set an avatar', async () => {
    const guest = await h.rpc.request(Commands.AUTH_GUEST_CREATE, {});
    const before = await avatars();
    await expect(failure(setAvatar(guest.user.id, 'image/png', PNG))).resolves.toMatchObject({
      code: AuthErrorCode.FORBIDDEN,
    });
    expect(await avatars()).toBe(before);
  });

  it('removes an avatar', async () => {
    const other = await h.register('removing');
    await setAvatar(other.user.id, 'image/png', PNG);
    await expect(
      h.rpc.request(Commands.AUTH_AVATAR_DELETE, { actorId: other.user.id }),
    ).resolves.toMatchObject({
      hasAvatar: false,
    });
    await expect(
      failure(h.rpc.request(Commands.AUTH_AVATAR_GET, { userId: other.user.id })),
    ).resolves.toMatchObject({
      code: CommonErrorCode.NOT_FOUND,
    });
  });

  it('says which of many users have an avatar (for member lists)', async () => {
    const pictured = await h.register('pictured');
    const plain = await h.register('unpictured');
    await setAvatar(pictured.user.id, 'image/png', PNG);
    const unknown = '0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b';
    const ask = (userIds: string[]) => h.rpc.request(Commands.AUTH_USERS_AVATARS, { userIds });
    await expect(ask([plain.user.id, pictured.user.id, unknown, pictured.user.id])).resolves.toEqual({
      withAvatar: [pictured.user.id],
    });
    await expect(ask([])).resolves.toEqual({ withAvatar: [] });
    await expect(failure(ask(['not-an-id']))).resolves.toMatchObject({
      code: CommonErrorCode.VALIDATION_FAILED,
    });
  });

  it('does not show an unknown or deactivated user, nor their avatar', async () => {
    const gone = await h.register('vanished');
    await setAvatar(gone.user.id, 'image/png', PNG);
    await h.pg.query('UPDATE auth.users SET deactivated_at = now() WHERE id = $1', [gone.user.id]);
    for (const userId of [gone.user.id, '0190a000-0000-7000-8000-000000000000']) {
      await expect(failure(h.rpc.request(Commands.AUTH_USER_GET, { userId }))).resolves.toMatchObject({
        code: AuthErrorCode.USER_NOT_FOUND,
      });
      await expect(failure(h.rpc.request(Commands.AUTH_AVATAR_GET, { userId }))).resolves.toMatchObject({
        code: CommonErrorCode.NOT_FOUND,
      });
    }
  });

  describe('search', () => {
    beforeAll(async () => {
      await h.register('minsu', { displayName: 'Minsu Park' });
      await h.register('Minho');
      await h.register('김민수', { displayName: 'Kim Minsu' });
      await h.register('a_b');
      await h.register('axb');
      const mina = await h.register('mina');
      await h.pg.query('UPDATE auth.users SET deactivated_at = now() WHERE id = $1', [mina.user.id]);
      const guest = await h.rpc.request(Commands.AUTH_GUEST_CREATE, {});
      await h.rpc.request(Commands.AUTH_PROFILE_UPDATE, {
        actorId: guest.user.id,
        displayName: 'mini guest',
      });
    });

    const names = (users: Array<{ username: string }>) => users.map((u) => u.username);

    it('matches username prefixes case-insensitively, without guests or deactivated accounts', async () => {
      await expect(search('MIN').then(names)).resolves.toEqual(['Minho', 'minsu']);
      await expect(search('ｍｉｎ').then(names)).resolves.toEqual(['Minho', 'minsu']);
    });

    it('matches display-name prefixes, in any script', async () => {
      await expect(search('kim').then(names)).resolves.toEqual(['김민수']);
      await expect(search('김').then(names)).resolves.toEqual(['김민수']);
      await expect(search('minsu p').then(names)).resolves.toEqual(['minsu']);
    });

    it('puts an exact username first and honours the limit', async () => {
      await expect(search('minsu').then(names)).resolves.toEqual(['minsu']);
      await expect(search('m', 1).then(names)).resolves.toEqual(['Minho']);
    });

    it('takes _ and % literally', async () => {
      await expect(search('a_').then(names)).resolves.toEqual(['a_b']);
      await expect(search('%')).resolves.toEqual([]);
    });

    it('returns public profiles', async () => {
      const [hit] = await search('김민');
      expect(hit).toEqual({
        id: expect.any(String),
        username: '김민수',
        displayName: 'Kim Minsu',
        statusText: '',
        hasAvatar: false,
        role: 'user',
      });
    });

    it.each([
      ['a blank query', { query: '   ' }, 'query'],
      ['an empty query', { query: '' }, 'query'],
      ['a lone surrogate', { query: '\uDC00' }, 'query'],
      ['an over-long query', { query: 'x'.repeat(65) }, 'query'],
      ['a limit over 20', { query: 'm', limit: 21 }, 'limit'],
      ['a limit of 0', { query: 'm', limit: 0 }, 'limit'],
    ])('refuses %s', async (_label, input, field) => {
      await expect(
        failure(
          h.rpc.request(Commands.AUTH_USERS_SEARCH, { actorId: me.user.id, ...(input as { query: string }) }),
        ),
      ).resolves.toMatchObject({
        code: CommonErrorCode.VALIDATION_FAILED,
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    });

    it('is served by the prefix indexes', async () => {
      // A realistic table (the planner rightly scans a dozen rows whole), rolled back afterwards.
      const plan = await h.pg.query(`
        BEGIN;
        INSERT INTO auth.users (id, username, username_key, display_name, display_name_key, password_hash, role, created_at)
          SELECT gen_random_uuid(), 'u' || g, 'u' || g, 'name ' || g, 'name ' || g, '!', 'user', now()
            FROM generate_series(1, 5000) AS g;
        ANALYZE auth.users;
        SET LOCAL enable_seqscan = off;
        EXPLAIN SELECT id FROM auth.users u
         WHERE u.role <> 'guest' AND u.deactivated_at IS NULL
           AND (u.username_key LIKE 'min%' OR u.display_name_key LIKE 'min%');
        ROLLBACK;`);
      const lines = (plan as unknown as Array<{ rows: Array<{ 'QUERY PLAN': string }> }>)
        .flatMap((r) => r.rows)
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(lines).toMatch(
        /Bitmap Index Scan on users_username_key_prefix_idx\s+.*\n\s+Index Cond: \(\(username_key ~>=~ 'min'/,
      );
      expect(lines).toMatch(
        /Bitmap Index Scan on users_display_name_key_prefix_idx\s+.*\n\s+Index Cond: \(\(display_name_key ~>=~ 'min'/,
      );
    });
  });
});
