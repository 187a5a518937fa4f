import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CommandType } from '@app/contracts';
import { Metrics } from '@app/common/observability/metrics';
import { AmqpConnection } from './amqp-connection';
import { COMMAND_HANDLER } from './command-handler.decorator';
import { CommandFn, CommandServer } from './command-server';
import { EventConsumer } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { InboxBindings } from './inbox-bindings';
import { RpcClient } from './rpc-client';
import { CommandRoutes, declareSharedTopology } from './topology';

export interface MessagingOptions {
  url: string;
  /** Shown in the broker's connection list. */
  connectionName: string;
  /** The command queue this service consumes; omit for services that only send (the gateway). */
  commandQueue?: string;
  prefetch: number;
  rpcTimeoutMs: number;
  /** See RpcClient: the least time between two batches of one command. */
  rpcBatchLingerMs?: number;
  shutdownTimeoutMs: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

@Injectable()
class MessagingLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly amqp: AmqpConnection,
    private readonly rpc: RpcClient,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly eventConsumer: EventConsumer,
    @Optional() private readonly commands?: CommandServer,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async onModuleInit(): Promise<void> {
    this.registerBrokerGauges();
    await this.amqp.start();
    await this.rpc.start();
  }

  /** After every module is initialised (databases migrated), start taking commands. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.commands || !this.options.commandQueue) return;
    const expected = new Set(CommandRoutes[this.options.commandQueue] ?? []);
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const method = instance[name] as (...args: unknown[]) => Promise<unknown>;
        const type = this.reflector.get<CommandType | undefined>(COMMAND_HANDLER, method);
        if (!type) continue;
        if (!expected.has(type))
          throw new Error(`${type} is not routed to ${this.options.commandQueue} (see CommandRoutes)`);
        this.commands.register(type, method.bind(instance) as CommandFn);
        expected.delete(type);
      }
    }
    if (expected.size > 0) throw new Error(`No handler for ${[...expected].join(', ')}`);
    await this.commands.start();
  }

  /** Read at scrape time: whether the broker is reachable, and this service's queues as the broker sees them. */
  private registerBrokerGauges(): void {
    if (!this.metrics) return;
    this.metrics.gaugeFn('happychat_broker_connected', '1 when connected to RabbitMQ', [], (set) =>
      set({}, this.amqp.connected ? 1 : 0),
    );
    this.metrics.gaugeFn(
      'happychat_queue_depth',
      'Messages waiting in a queue this service consumes, and its consumers',
      ['queue', 'what'],
      async (set) => {
        const queues = [
          ...(this.options.commandQueue ? [this.options.commandQueue] : []),
          ...this.eventConsumer.queues,
        ];
        if (!this.amqp.connected || queues.length === 0) return;
        const ch = await this.amqp.createChannel();
        try {
          for (const queue of queues) {
            const q = await ch.checkQueue(queue);
            set({ queue, what: 'messages' }, q.messageCount);
            set({ queue, what: 'consumers' }, q.consumerCount);
          }
        } finally {
          await ch.close().catch(() => undefined);
        }
      },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.eventConsumer.stop();
    await this.commands?.drain(this.options.shutdownTimeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.rpc.stop();
    await this.amqp.stop();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const providers = [
      { provide: MESSAGING_OPTIONS, useValue: options },
      {
        provide: AmqpConnection,
        useFactory: () => new AmqpConnection(options.url, options.connectionName, declareSharedTopology),
      },
      {
        provide: RpcClient,
        inject: [AmqpConnection, { token: Metrics, optional: true }],
        useFactory: (a: AmqpConnection, m?: Metrics) =>
          new RpcClient(a, { timeoutMs: options.rpcTimeoutMs, batchLingerMs: options.rpcBatchLingerMs }, m),
      },
      {
        provide: EventPublisher,
        inject: [AmqpConnection],
        useFactory: (a: AmqpConnection) => new EventPublisher(a),
      },
      {
        provide: InboxBindings,
        inject: [AmqpConnection],
        useFactory: (a: AmqpConnection) => new InboxBindings(a),
      },
      {
        provide: EventConsumer,
        inject: [AmqpConnection],
        useFactory: (a: AmqpConnection) => new EventConsumer(a),
      },
      ...(options.commandQueue
        ? [
            {
              provide: CommandServer,
              inject: [AmqpConnection, { token: Metrics, optional: true }],
              useFactory: (a: AmqpConnection, m?: Metrics) =>
                new CommandServer(a, options.commandQueue as string, options.prefetch, m),
            },
          ]
        : []),
      MessagingLifecycle,
    ];
    return {
      module: MessagingModule,
      imports: [DiscoveryModule],
      providers,
      exports: [AmqpConnection, RpcClient, EventPublisher, InboxBindings, EventConsumer],
    };
  }
}
