import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestDatabase, Isolated } from '../support/infra';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/** `npm run migrate`: the services' migrations without the services (the first step of an upgrade). */
describe('scripts/migrate.mjs', () => {
  let db: Isolated;
  const migrate = (...apps: string[]) =>
    exec(process.execPath, ['scripts/migrate.mjs', ...apps], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: db.url },
    });
  const applied = async (schema: string): Promise<string[]> => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const r = await c.query<{ name: string }>(`SELECT name FROM "${schema}"."migrations" ORDER BY id`);
      return r.rows.map((row) => row.name);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/libs/common/src/database/run-migrations.js')))
      throw new Error('dist missing: run npm run build (npm test does)');
    db = await createTestDatabase('hc_migrate');
  });
  afterAll(() => db?.drop());

  it("applies every service's migrations into its own schema, then finds nothing left to do", async () => {
    const first = await migrate();
    for (const schema of ['auth', 'room', 'history']) {
      expect(first.stdout).toMatch(new RegExp(`${schema}: applied `));
      expect((await applied(schema)).length).toBeGreaterThan(0);
    }
    const second = await migrate('room');
    expect(second.stdout).toMatch(/room: up to date/);
  });

  it('refuses an unknown service name', async () => {
    await expect(migrate('rooms')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown service'),
    });
  });
});
