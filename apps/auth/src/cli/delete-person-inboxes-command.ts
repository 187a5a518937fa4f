import { parseArgs } from 'node:util';
import amqp, { Channel, ChannelModel } from 'amqplib';
import { DataSource } from 'typeorm';
import { inboxExchange } from '@app/contracts';
import { dataSourceOptions, loadConfig, UsageError } from '@app/common';
import { checkAdminConfig } from '../accounts/admin-bootstrap';
import { AUTH_DATABASE } from '../app.module';
import { AuthConfig } from '../auth.config';
import { AUTH_SCHEMA } from '../auth.schema';

const DEFAULT_BATCH_SIZE = 1000;
const MAX_BATCH_SIZE = 10_000;
/**
 * Deletes run on this many channels at once. One channel carries one operation at a time (AMQP
 * 0-9-1 has no pipelining of synchronous methods), so a single channel pays a round trip per
 * account; a few in parallel keep the broker busy without flooding it.
 */
const CHANNELS = 4;
const IN_USE_SAMPLE = 20;
/** AMQP reply code: exchange.delete with if-unused on an exchange that is still a binding's source. */
const PRECONDITION_FAILED = 406;

export const DELETE_PERSON_INBOXES_USAGE = `usage: node dist/apps/auth/src/cli/delete-person-inboxes.js [--dry-run] [--batch-size <n>] [--json]
  One-off, for the upgrade to per-room gateway bindings (docs/operations.md): deletes the inbox
  exchange happychat.inbox.<id> of every account that is a person (user, admin, guest). The
  inboxes of integrations (bots) are kept: their queues hang off them.
  --dry-run         only count the accounts; touch nothing in the broker
  --batch-size <n>  accounts read per page (default ${DEFAULT_BATCH_SIZE}, 1-${MAX_BATCH_SIZE})
  --json            print the result as JSON
Safe to re-run: an inbox already gone counts as deleted. An inbox that still feeds a queue (a
gateway of the previous release still running) is kept and reported, and the exit status is 1.
Reads the auth service's configuration from the environment (DATABASE_URL, AMQP_URL, ...),
validated as the service validates it. Migrates nothing.`;

export interface DeletePersonInboxesResult {
  dryRun: boolean;
  /** Accounts read. */
  accounts: number;
  /** People among them: the accounts whose inboxes go. */
  people: number;
  /** Integrations among them, whose inboxes were left alone. */
  integrations: number;
  /** Inboxes deleted or already absent (0 in a dry run). */
  deleted: number;
  /** Person inboxes kept because a queue is still bound to them. */
  inUse: number;
  /** The first of those, to look at. */
  inUseSample: string[];
}

export interface DeletePersonInboxesOptions {
  env?: NodeJS.ProcessEnv;
  /** Called after each page, e.g. to show progress on stderr. */
  onProgress?: (progress: DeletePersonInboxesResult, lastId: string) => void;
}

interface AccountRow {
  id: string;
  integration: boolean;
}

/** argv without node and script. The result describes the run; see describeDeleteResult. */
export async function runDeletePersonInboxes(
  argv: string[],
  options: DeletePersonInboxesOptions = {},
): Promise<DeletePersonInboxesResult> {
  const { dryRun, batchSize } = parseOptions(argv);
  // Exactly what the auth service checks before it starts.
  const config = loadConfig(AuthConfig, options.env);
  checkAdminConfig(config);

  // No migrations: a one-off cleanup reads the schema the auth service has set up.
  const db = await new DataSource(
    dataSourceOptions({ url: config.DATABASE_URL, ...AUTH_DATABASE, poolSize: 1 }),
  ).initialize();
  let broker: ChannelModel | undefined;
  try {
    if (!dryRun) {
      // noDelay: with Nagle's algorithm every round trip waits ~40 ms for an ACK.
      broker = await amqp.connect(config.AMQP_URL, {
        clientProperties: { connection_name: 'auth-delete-person-inboxes-cli' },
        noDelay: true,
      });
      broker.on('error', () => undefined);
    }
    const deleter = broker ? new InboxDeleter(broker) : undefined;
    const result: DeletePersonInboxesResult = {
      dryRun,
      accounts: 0,
      people: 0,
      integrations: 0,
      deleted: 0,
      inUse: 0,
      inUseSample: [],
    };
    let after: string | undefined;
    for (;;) {
      const page = await accountsPage(db, after, batchSize);
      if (page.length === 0) break;
      const people = page.filter((a) => !a.integration).map((a) => a.id);
      result.accounts += page.length;
      result.people += people.length;
      result.integrations += page.length - people.length;
      if (deleter) {
        const kept = await deleter.deleteAll(people);
        result.deleted += people.length - kept.length;
        result.inUse += kept.length;
        result.inUseSample.push(...kept.slice(0, IN_USE_SAMPLE - result.inUseSample.length));
      }
      after = page[page.length - 1].id;
      options.onProgress?.({ ...result, inUseSample: [...result.inUseSample] }, after);
      if (page.length < batchSize) break;
    }
    await deleter?.close();
    return result;
  } finally {
    await broker?.close().catch(() => undefined);
    await db.destroy();
  }
}

function parseOptions(argv: string[]): { dryRun: boolean; batchSize: number } {
  let values: { 'dry-run'?: boolean; 'batch-size'?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean' },
        'batch-size': { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const raw = values['batch-size'] ?? String(DEFAULT_BATCH_SIZE);
  const batchSize = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(batchSize >= 1 && batchSize <= MAX_BATCH_SIZE)) {
    throw new UsageError(`--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  }
  return { dryRun: values['dry-run'] === true, batchSize };
}

/**
 * One page of accounts in id order (keyset paging on the primary key: each page is an index range
 * scan, however many millions there are). An integration is an account with role `bot` or an
 * integrations row: either one is enough to keep its inbox.
 */
async function accountsPage(db: DataSource, after: string | undefined, limit: number): Promise<AccountRow[]> {
  const rows = (await db.query(
    `SELECT u."id"::text AS "id", (u."role" = 'bot' OR i."id" IS NOT NULL) AS "integration"
       FROM "${AUTH_SCHEMA}"."users" u
       LEFT JOIN "${AUTH_SCHEMA}"."integrations" i ON i."id" = u."id"
      ${after === undefined ? '' : 'WHERE u."id" > $2::uuid'}
      ORDER BY u."id"
      LIMIT $1`,
    after === undefined ? [limit] : [limit, after],
  )) as AccountRow[];
  return rows;
}

/**
 * Deletes inbox exchanges with if-unused: RabbitMQ then deletes an exchange that is only the
 * destination of bindings (a person's inbox, bound to their rooms and their user key) but refuses
 * one that is still the source of a binding, i.e. feeds a queue. So an inbox an old gateway still
 * delivers from is kept, whatever the database says. Deleting an exchange that does not exist
 * succeeds (RabbitMQ 3.10), which makes a re-run cheap.
 */
class InboxDeleter {
  private readonly channels: (Promise<Channel> | undefined)[] = [];

  constructor(private readonly broker: ChannelModel) {}

  /** Deletes these people's inboxes; returns the ids whose inbox was kept because it is in use. */
  async deleteAll(ids: string[]): Promise<string[]> {
    const kept: string[] = [];
    let next = 0;
    let failed = false;
    const worker = async (slot: number): Promise<void> => {
      try {
        while (!failed && next < ids.length) {
          const id = ids[next++];
          if (!(await this.deleteOne(slot, id))) kept.push(id);
        }
      } catch (err) {
        failed = true;
        throw err;
      }
    };
    await Promise.all(Array.from({ length: CHANNELS }, (_, slot) => worker(slot)));
    return kept.sort();
  }

  async close(): Promise<void> {
    await Promise.all(
      this.channels.map(async (ch) => (await ch?.catch(() => undefined))?.close().catch(() => undefined)),
    );
  }

  /** False when the inbox is still in use (kept). Any other failure stops the run. */
  private async deleteOne(slot: number, userId: string): Promise<boolean> {
    const ch = await this.channel(slot);
    try {
      await ch.deleteExchange(inboxExchange(userId), { ifUnused: true });
      return true;
    } catch (err) {
      // The broker closes a channel on any error: the next delete on this slot opens another.
      this.channels[slot] = undefined;
      if ((err as { code?: number }).code === PRECONDITION_FAILED) return false;
      throw err;
    }
  }

  private channel(slot: number): Promise<Channel> {
    let ch = this.channels[slot];
    if (!ch) {
      ch = this.broker.createChannel().then((opened) => {
        opened.on('error', () => undefined);
        return opened;
      });
      this.channels[slot] = ch;
    }
    return ch;
  }
}

/** Human-readable output; --json prints the result as JSON instead. */
export function describeDeleteResult(r: DeletePersonInboxesResult): string {
  const lines = r.dryRun
    ? [
        `dry run: ${r.accounts} accounts: would delete the inboxes of ${r.people} people, ` +
          `keep those of ${r.integrations} integrations`,
      ]
    : [
        `deleted the inboxes of ${r.deleted} people (those already gone included), ` +
          `kept those of ${r.integrations} integrations (${r.accounts} accounts)`,
      ];
  if (r.inUse > 0) {
    lines.push(
      `kept ${r.inUse} person inboxes that still feed a queue: is a gateway of the previous release ` +
        `still running? Upgrade every gateway, then run this again. First ones: ${r.inUseSample.join(', ')}`,
    );
  }
  return lines.join('\n');
}
