import { Commands, RoomErrorCode } from '@app/contracts';
import { AppException, Metrics } from '@app/common';
import { EventPublisher, RpcClient } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { ClientConnection } from './client-connection';
import { FrameDispatcher } from './frame-dispatcher';
import { LocalDirectory } from './local-directory';
import { PresenceReporter } from './presence-reporter.service';
import { ResyncService } from './resync.service';

const ROOM = '01900000-0000-7000-8000-00000000000a';
const ALICE = '01900000-0000-7000-8000-0000000000a0';

describe('FrameDispatcher: a read frame', () => {
  const sent: Array<Record<string, unknown>> = [];
  const asked: Array<{ type: string; payload: unknown; settle: (err?: Error) => void }> = [];
  const conn = {
    userId: ALICE,
    takeFrameToken: () => true,
    send: (frame: Record<string, unknown>) => void sent.push(frame),
    sendError: (frame: Record<string, unknown>) => void sent.push({ type: 'error', ...frame }),
  } as unknown as ClientConnection;
  // Every RPC stays open until the test settles it.
  const rpc = {
    request: (type: string, payload: unknown) =>
      new Promise((resolve, reject) =>
        asked.push({ type, payload, settle: (err) => (err ? reject(err) : resolve({ lastReadSeq: 1 })) }),
      ),
  } as unknown as RpcClient;
  const dispatcher = new FrameDispatcher(
    rpc,
    {} as ResyncService,
    {} as EventPublisher,
    new LocalDirectory(),
    {} as GatewayConfig,
    {} as PresenceReporter,
    new Metrics(),
  );
  const frame = (body: Record<string, unknown>) => Buffer.from(JSON.stringify(body));

  beforeEach(() => {
    sent.length = 0;
    asked.length = 0;
  });

  it('is handed to the room service without holding up the frames behind it', async () => {
    await dispatcher.handle(conn, frame({ type: 'read', roomId: ROOM, seq: 3 }), false);
    expect(asked.map((a) => [a.type, a.payload])).toEqual([
      [Commands.READ_MARK, { actorId: ALICE, roomId: ROOM, seq: 3 }],
    ]);
    // handle() came back with the read still unanswered: the socket's next frame goes now.
    asked[0].settle();
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([]);
  });

  it('a refused read still gets its error frame, naming the request', async () => {
    await dispatcher.handle(conn, frame({ type: 'read', id: 'r-1', roomId: ROOM, seq: 3 }), false);
    asked[0].settle(new AppException(RoomErrorCode.NOT_MEMBER, 'You are not a member of this room'));
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([
      { type: 'error', id: 'r-1', code: RoomErrorCode.NOT_MEMBER, message: expect.any(String) },
    ]);
  });
});
