export * from './amqp-connection';
export * from './topology';
export * from './rpc-client';
export * from './command-handler.decorator';
export * from './command-server';
export * from './event-publisher';
export * from './inbox-bindings';
export * from './messaging.module';
