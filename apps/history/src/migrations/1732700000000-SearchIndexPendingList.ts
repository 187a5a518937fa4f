import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search index takes new entries into its pending list (GIN fastupdate) and merges the list
 * into the index once it reaches gin_pending_list_limit, inside whichever insert crosses it, while
 * that append holds its room's sequence lock. At the default 4 MB one merge stalled an append for
 * 150–240 ms (a stall for every message of that room meanwhile); at 256 kB merges are 16 times
 * smaller (30–60 ms at worst, measured) and cost no more CPU in total. Turning fastupdate off removes
 * the merges but made each insert cost 1.4–2.2 times the CPU. docs/performance.md has the numbers.
 */
export class SearchIndexPendingList1732700000000 implements MigrationInterface {
  name = 'SearchIndexPendingList1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX "history"."messages_search_idx" SET (gin_pending_list_limit = 256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX "history"."messages_search_idx" RESET (gin_pending_list_limit)`);
  }
}
