import type { DataSource } from 'typeorm';

interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A named statement on the data source's `pg` pool: each connection parses and plans it once and
 * then only binds and executes it. For the few statements that run for every message, where
 * planning cost more of PostgreSQL's CPU than running them. Errors are `pg` errors (with `code`
 * and `constraint`), not TypeORM's wrapper.
 */
export async function queryPrepared<T>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  if (!pool) throw new Error('queryPrepared needs the postgres driver');
  return (await pool.query({ name, text, values })).rows as T[];
}
