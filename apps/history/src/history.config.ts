import { IsInt, IsNumber, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { BaseConfig } from '@app/common';

export class HistoryConfig extends BaseConfig {
  // Redeclared with an explicit type so the decorator metadata says Number even when compiled
  // file by file (ts-jest isolatedModules), which env-string conversion relies on.
  @IsInt() @Min(0) @Max(65535) override HTTP_PORT: number = 3003;

  /** When set, messages live in MongoDB (a replica set: appends use transactions) and PostgreSQL is not used. */
  @ValidateIf((c: HistoryConfig) => c.MONGO_URL !== '')
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGO_URL must be a mongodb:// or mongodb+srv:// URL' })
  MONGO_URL: string = '';

  @IsString() @MinLength(1) MONGO_DB: string = 'happychat';

  /** How long after sending the author may edit a message; 0 turns editing off. */
  @IsInt() @Min(0) @Max(31_536_000) MESSAGE_EDIT_WINDOW_SECONDS: number = 900;

  /**
   * Messages older than this many days are deleted for good, unless their room has its own
   * setting (0 there keeps it forever). 0 = keep forever. Fractions are allowed (0.5 = 12 hours).
   */
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(36500) HISTORY_RETENTION_DAYS: number = 0;

  /** How often each instance tries to run retention (one at a time across instances); 0 = never. */
  @IsInt() @Min(0) @Max(604_800) HISTORY_RETENTION_INTERVAL_SECONDS: number = 3600;

  /** Rows deleted per statement during retention. */
  @IsInt() @Min(1) @Max(1_000_000) HISTORY_RETENTION_BATCH: number = 5000;

  /**
   * How often each instance folds new messages into the search index (PostgreSQL), apart from
   * appends; 0 leaves it to the appends that fill the index's pending list and to autovacuum.
   */
  @IsInt() @Min(0) @Max(600_000) HISTORY_SEARCH_MERGE_INTERVAL_MS: number = 1000;

  get usesMongo(): boolean {
    return this.MONGO_URL !== '';
  }
}
