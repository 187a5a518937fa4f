import { AmqpConnection, RpcClient } from '@app/messaging';

/** An RPC client of our own, as another service would be, for driving a service in tests. */
export async function connectRpc(
  amqpUrl: string,
  timeoutMs = 5000,
): Promise<{ rpc: RpcClient; amqp: AmqpConnection; close(): Promise<void> }> {
  const amqp = new AmqpConnection(amqpUrl, 'test-client');
  await amqp.start();
  const rpc = new RpcClient(amqp, { timeoutMs });
  await rpc.start();
  return {
    rpc,
    amqp,
    async close() {
      rpc.stop();
      await amqp.stop();
    },
  };
}
