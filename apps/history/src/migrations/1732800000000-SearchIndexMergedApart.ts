import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The history services now merge the search index's pending list themselves, about once a second
 * and apart from any append (SearchMergeScheduler). The limit only says when an insert must do it
 * instead, because the services have not: at 16 MB that is a safety valve, not the rhythm. Merged
 * once a second, the list costs about the CPU it cost merged 256 kB at a time inside appends, but
 * no append holds its rooms' sequence locks through a merge: an insert's p99 fell to a third
 * (docs/performance.md, "the search index merged apart").
 */
export class SearchIndexMergedApart1732800000000 implements MigrationInterface {
  name = 'SearchIndexMergedApart1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX "history"."messages_search_idx" SET (gin_pending_list_limit = 16384)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX "history"."messages_search_idx" SET (gin_pending_list_limit = 256)`);
  }
}
