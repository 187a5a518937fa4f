import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { HistoryLimits } from '@app/contracts';
import { ExportArchive } from '@app/contracts/history/export-archive';
import { dataSourceOptions, loadConfig, UsageError } from '@app/common';
import { HistoryConfig } from '../history.config';
import { HistoryStore } from '../messages/store/history-store';
import { MongoHistoryStore } from '../messages/store/mongo-history.store';
import {
  HISTORY_ENTITIES,
  HISTORY_MIGRATIONS,
  HISTORY_SCHEMA,
  PostgresHistoryStore,
} from '../messages/store/postgres-history.store';

export const EXPORT_USAGE = `Usage: node dist/apps/history/src/cli/export.js --room <roomId> --out <file.zip> [--name <room name>] [--creator <owner id>]

Writes a room's log as a zip in the original spec's shape (<roomId>/session_info.json,
<roomId>/YYYY/MM/DD.json). Reads the history store configured like the service (DATABASE_URL, or
MONGO_URL + MONGO_DB). The history store does not know room names or owners: pass --name and
--creator to fill session_info.json (they default to the room id and "").`;

export interface ExportSummary {
  roomId: string;
  out: string;
  messages: number;
  days: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The admin export: argv without node and script; env defaults to the process environment, read as the service reads it. */
export async function runExport(argv: string[], env?: NodeJS.ProcessEnv): Promise<ExportSummary> {
  let values: { room?: string; out?: string; name?: string; creator?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        room: { type: 'string' },
        out: { type: 'string' },
        name: { type: 'string' },
        creator: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!values.room || !UUID.test(values.room)) throw new UsageError('--room must be a room id (UUID)');
  if (!values.out) throw new UsageError('--out is required');
  const roomId = values.room.toLowerCase();
  const config = loadConfig(HistoryConfig, env);
  const { store, close } = await openStore(config);
  try {
    const archive = new ExportArchive({
      roomId,
      roomName: values.name ?? roomId,
      creatorId: values.creator ?? '',
    });
    const file = createWriteStream(values.out);
    archive.output.pipe(file);
    let afterSeq = 0;
    for (;;) {
      const page = await store.exportPage({ roomId, afterSeq, limit: HistoryLimits.EXPORT_PAGE_MAX });
      await archive.add(page.messages);
      if (!page.hasMore || page.messages.length === 0) break;
      afterSeq = page.messages[page.messages.length - 1].seq;
    }
    await archive.finish();
    await finished(file);
    return { roomId, out: values.out, messages: archive.messages, days: archive.days };
  } finally {
    await close();
  }
}

async function openStore(config: HistoryConfig): Promise<{ store: HistoryStore; close(): Promise<void> }> {
  if (config.usesMongo) {
    const store = await MongoHistoryStore.connect(config.MONGO_URL, config.MONGO_DB);
    return { store, close: () => store.close() };
  }
  // No migrations here: an export reads what the service already set up.
  const ds = await new DataSource(
    dataSourceOptions({
      url: config.DATABASE_URL,
      schema: HISTORY_SCHEMA,
      entities: HISTORY_ENTITIES,
      migrations: HISTORY_MIGRATIONS,
      poolSize: 2,
    }),
  ).initialize();
  return { store: new PostgresHistoryStore(ds), close: () => ds.destroy() };
}
