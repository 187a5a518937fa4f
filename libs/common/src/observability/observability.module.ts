import {
  Global,
  Inject,
  Injectable,
  Module,
  OnModuleInit,
  BeforeApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '@app/messaging/amqp-connection';
import { HealthController, HealthRegistry } from './health';
import { Metrics, MetricsController } from './metrics';

/** Registers the checks every service has: its database (if any) and the broker. */
@Injectable()
class StandardChecks implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly registry: HealthRegistry,
    @Optional() @Inject(DataSource) private readonly dataSource?: DataSource,
    @Optional() private readonly amqp?: AmqpConnection,
  ) {}

  onModuleInit(): void {
    const ds = this.dataSource;
    if (ds) {
      this.registry.register('database', async () => {
        await ds.query('SELECT 1');
        return true;
      });
    }
    const amqp = this.amqp;
    if (amqp) this.registry.register('broker', () => amqp.connected);
  }

  beforeApplicationShutdown(): void {
    this.registry.markShuttingDown();
  }
}

@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [HealthRegistry, Metrics, StandardChecks],
  exports: [HealthRegistry, Metrics],
})
export class ObservabilityModule {}
