import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { runMigrations } from './run-migrations';

export interface ServiceDatabaseOptions {
  url: string;
  /** Each service owns one PostgreSQL schema and touches no other. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
}

export function dataSourceOptions(o: ServiceDatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    // Keep idle connections for a minute: under bursty chat traffic the default 10 s made the
    // pool close and reopen connections between bursts (a handshake each, measured in the bench).
    extra: { max: o.poolSize ?? 10, idleTimeoutMillis: 60_000, application_name: `happychat-${o.schema}` },
  };
}

/** TypeORM for one service: its schema, its entities, its migrations applied before it serves. */
@Module({})
export class DatabaseModule {
  static forService(o: ServiceDatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(o),
          dataSourceFactory: async (options) => {
            const ds = await new DataSource(options as DataSourceOptions).initialize();
            await runMigrations(ds, o.schema);
            return ds;
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
