import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Username keys move from NFC + lowercase to NFKC + lowercase, so compatibility look-alikes
 * ('Ａｌｉｃｅ' and 'alice') are one name. The key functions are copied here on purpose: this
 * migration must keep doing what it did even if the application's rules change later.
 *
 * Two existing accounts whose new keys collide cannot both keep their name: the older one does,
 * the newer one gets `_2` (or `_3`, …) appended to its username, the way a person would pick one.
 * Existing names that are now reserved are left alone: the rule applies to new registrations.
 */
const USERNAME_MAX = 32;
const nfkcKey = (name: string): string => name.normalize('NFKC').toLowerCase().normalize('NFKC');
const nfcKey = (name: string): string => name.normalize('NFC').toLowerCase().normalize('NFC');

interface UserRow {
  id: string;
  username: string;
  username_key: string;
}

/**
 * Who keeps which name: every account whose new key is free keeps its name (the oldest wins a
 * collision); only then do the losers get the first free suffix, so a suffix never takes a name
 * another account held.
 */
export function planKeyRebuild(
  rows: UserRow[],
  key: (name: string) => string,
): Array<{ id: string; username: string; key: string }> {
  const taken = new Set<string>();
  const assigned = new Map<string, { username: string; key: string }>();
  const losers: UserRow[] = [];
  for (const row of rows) {
    const k = key(row.username);
    if (taken.has(k)) {
      losers.push(row);
    } else {
      taken.add(k);
      assigned.set(row.id, { username: row.username, key: k });
    }
  }
  for (const row of losers) {
    for (let n = 2; ; n++) {
      const suffix = `_${n}`;
      const username = [...row.username].slice(0, USERNAME_MAX - suffix.length).join('') + suffix;
      const k = key(username);
      if (taken.has(k)) continue;
      taken.add(k);
      assigned.set(row.id, { username, key: k });
      break;
    }
  }
  return rows
    .map((row) => ({ id: row.id, ...(assigned.get(row.id) as { username: string; key: string }), row }))
    .filter(({ row, username, key: k }) => k !== row.username_key || username !== row.username)
    .map(({ id, username, key: k }) => ({ id, username, key: k }));
}

async function rebuild(q: QueryRunner, key: (name: string) => string): Promise<void> {
  const rows = (await q.query(
    `SELECT "id", "username", "username_key" FROM "auth"."users" ORDER BY "created_at", "id"`,
  )) as UserRow[];
  const changes = planKeyRebuild(rows, key);
  if (changes.length === 0) return;
  const ids = changes.map((c) => c.id);
  // Park the changing rows on keys no username can have ('#'), so the swap never trips the unique key.
  await q.query(`UPDATE "auth"."users" SET "username_key" = '#' || "id"::text WHERE "id" = ANY($1::uuid[])`, [
    ids,
  ]);
  await q.query(
    `UPDATE "auth"."users" AS u SET "username" = v.username, "username_key" = v.key
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, username, key)
      WHERE u."id" = v.id`,
    [ids, changes.map((c) => c.username), changes.map((c) => c.key)],
  );
}

export class AuthUsernameKeysNfkc1733100000000 implements MigrationInterface {
  name = 'AuthUsernameKeysNfkc1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE "auth"."users" IN SHARE ROW EXCLUSIVE MODE`);
    await rebuild(q, nfkcKey);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE "auth"."users" IN SHARE ROW EXCLUSIVE MODE`);
    await rebuild(q, nfcKey);
  }
}
