import { IsInt, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
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

  get usesMongo(): boolean {
    return this.MONGO_URL !== '';
  }
}
