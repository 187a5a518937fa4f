import * as argon2 from 'argon2';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '@app/common';
import { AuthResultView } from '@app/contracts';
import { AUTH_SCHEMA } from '../auth.schema';
import { startAuthService } from '../index';
import { connectRpc } from '../../../../test/support/rpc';
import { createTestDatabase, createTestVhost, Isolated } from '../../../../test/support/infra';
import { AuthInit1732400000000 } from './1732400000000-AuthInit';
import { planKeyRebuild } from './1733100000000-AuthUsernameKeysNfkc';
import { AUTH_DATABASE } from '../app.module';

const ALL = AUTH_DATABASE.migrations;

describe('auth migrations: NFKC username keys over existing accounts', () => {
  let db: Isolated;
  let vhost: Isolated;
  let ds: DataSource;

  beforeAll(async () => {
    [db, vhost] = await Promise.all([createTestDatabase('hc_auth_mig'), createTestVhost('hc_auth_mig')]);
    ds = await new DataSource(
      dataSourceOptions({
        url: db.url,
        schema: AUTH_SCHEMA,
        entities: [],
        migrations: [AuthInit1732400000000],
      }),
    ).initialize();
    await runMigrations(ds, AUTH_SCHEMA);
    // Accounts as the first release stored them: keys NFC + lowercase.
    const hash = await argon2.hash('correct horse battery', {
      type: argon2.argon2id,
      memoryCost: 1024,
      timeCost: 1,
    });
    const users: Array<[string, string, string, string]> = [
      ['0190a000-0000-7000-8000-000000000001', 'alice', 'alice', '2024-01-01'],
      ['0190a000-0000-7000-8000-000000000002', 'Ａｌｉｃｅ', 'ａｌｉｃｅ', '2024-02-01'],
      ['0190a000-0000-7000-8000-000000000003', 'ｂｏｂ', 'ｂｏｂ', '2024-03-01'],
      ['0190a000-0000-7000-8000-000000000004', '김민수', '김민수', '2024-04-01'],
    ];
    for (const [id, username, key, created] of users) {
      await ds.query(
        `INSERT INTO auth.users (id, username, username_key, display_name, password_hash, created_at)
         VALUES ($1, $2, $3, $2, $4, $5)`,
        [id, username, key, hash, created],
      );
    }
    await ds.query(
      `INSERT INTO auth.sessions (id, user_id) VALUES ('0190a000-0000-7000-8000-0000000000aa', $1)`,
      [users[0][0]],
    );
  });

  afterAll(async () => {
    await ds?.destroy();
    await Promise.all([db?.drop(), vhost?.drop()]);
  });

  const rows = async () =>
    (await ds.query(
      `SELECT username, username_key, display_name_key FROM auth.users ORDER BY created_at`,
    )) as Array<Record<string, string>>;

  it('rebuilds every key; of two colliding accounts the newer gets a suffix; the service then logs them in', async () => {
    const app = await startAuthService({
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      HTTP_PORT: '0',
      LOG_LEVEL: 'error',
      JWT_SECRET: 'j'.repeat(40),
    });
    const client = await connectRpc(vhost.url);
    try {
      expect(await rows()).toEqual([
        { username: 'alice', username_key: 'alice', display_name_key: 'alice' },
        { username: 'Ａｌｉｃｅ_2', username_key: 'alice_2', display_name_key: 'alice' },
        { username: 'ｂｏｂ', username_key: 'bob', display_name_key: 'bob' },
        { username: '김민수', username_key: '김민수', display_name_key: '김민수' },
      ]);
      const login = (username: string): Promise<AuthResultView> =>
        client.rpc.request('auth.login', { username, password: 'correct horse battery' });
      await expect(login('bob')).resolves.toMatchObject({ user: { username: 'ｂｏｂ' } });
      await expect(login('ＡＬＩＣＥ')).resolves.toMatchObject({ user: { username: 'alice' } });
      await expect(login('alice_2')).resolves.toMatchObject({ user: { username: 'Ａｌｉｃｅ_2' } });
      const legacy = (await ds.query(
        `SELECT expires_at > now() AS alive, expires_at < now() + interval '25 hours' AS soon FROM auth.sessions
          WHERE id = '0190a000-0000-7000-8000-0000000000aa'`,
      )) as Array<{ alive: boolean; soon: boolean }>;
      expect(legacy).toEqual([{ alive: true, soon: true }]);
    } finally {
      await client.close();
      await app.close();
    }
  });

  it('goes back down to NFC keys and the first schema', async () => {
    const full = await new DataSource(
      dataSourceOptions({ url: db.url, schema: AUTH_SCHEMA, entities: [], migrations: ALL }),
    ).initialize();
    try {
      // Integrations (bots dropped, role check restored), sessions and profiles, NFKC keys.
      for (let i = 0; i < 3; i++) await full.undoLastMigration({ transaction: 'each' });
      const keys = (await full.query(`SELECT username_key FROM auth.users ORDER BY created_at`)) as Array<{
        username_key: string;
      }>;
      expect(keys.map((k) => k.username_key)).toEqual(['alice', 'ａｌｉｃｅ_2', 'ｂｏｂ', '김민수']);
      const tables = (await full.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'auth' ORDER BY table_name`,
      )) as Array<{ table_name: string }>;
      expect(tables.map((t) => t.table_name)).toEqual(['migrations', 'sessions', 'users']);
      expect(await runMigrations(full, AUTH_SCHEMA)).toEqual([
        'AuthUsernameKeysNfkc1733100000000',
        'AuthSessionsProfiles1733100000001',
        'AuthIntegrations1765000000000',
      ]);
    } finally {
      await full.destroy();
    }
  });

  it('gives a loser the first free suffix, within the length limit, never a name another account holds', () => {
    const fold = (n: string) => n.normalize('NFKC').toLowerCase();
    const plan = planKeyRebuild(
      [
        { id: '1', username: 'x'.repeat(32), username_key: 'x'.repeat(32) },
        { id: '2', username: 'Ｘ'.repeat(32), username_key: 'ｘ'.repeat(32) },
        { id: '3', username: 'x'.repeat(30) + '_2', username_key: 'x'.repeat(30) + '_2' },
      ],
      fold,
    );
    expect(plan).toEqual([{ id: '2', username: 'Ｘ'.repeat(30) + '_3', key: 'x'.repeat(30) + '_3' }]);
  });
});
