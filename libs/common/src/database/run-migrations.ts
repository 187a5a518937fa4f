import { DataSource } from 'typeorm';

/**
 * Apply pending migrations under a PostgreSQL advisory lock, so two instances of a service
 * starting together never run the same migration twice.
 */
export async function runMigrations(ds: DataSource, schema: string): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`happychat.migrations.${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`happychat.migrations.${schema}`])
      .catch(() => undefined);
    await runner.release();
  }
}
