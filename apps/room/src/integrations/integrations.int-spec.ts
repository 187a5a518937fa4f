import { botQueue, Commands, Exchanges, RoutingKeys } from '@app/contracts';
import { uuidv7 } from '@app/common';
import { InboxBindings } from '@app/messaging';
import { eventually } from '../../../../test/support/infra';
import { RoomKit } from '../../../../test/rooms/room-kit';

const MARKER = 'test.marker';

describe('room service: integrations in rooms (real PostgreSQL + RabbitMQ)', () => {
  const kit = new RoomKit();

  beforeAll(() => kit.start(), 60_000);
  afterAll(() => kit.stop());

  /** What reaches a bot's own queue (which hangs off its inbox, as the auth service declares it). */
  async function botEars(botId: string): Promise<{ types: string[]; heard(type: string): Promise<boolean> }> {
    await new InboxBindings(kit.client.amqp).ensureBotQueue(botId);
    const ch = await kit.client.amqp.createChannel();
    const types: string[] = [];
    await ch.consume(botQueue(botId), (m) => m && types.push(JSON.parse(m.content.toString('utf8')).type), {
      noAck: true,
    });
    return { types, heard: (type) => eventually(() => types.includes(type)) };
  }

  /**
   * Published after everything acknowledged so far, to the bot's own key: once it arrives,
   * anything of the room that was routed to the bot's queue before it has arrived too.
   */
  async function mark(botId: string): Promise<void> {
    await kit.client.amqp.publish(Exchanges.USER_EVENTS, RoutingKeys.userEvent(botId), { type: MARKER });
  }

  it('binds a bot’s inbox to a room it is added to, and unbinds it before telling the room of its removal', async () => {
    const owner = uuidv7();
    const room = await kit.createRoom(owner);
    const bot = uuidv7();
    const ears = await botEars(bot);
    const rename = (name: string) =>
      kit.rpc.request(Commands.ROOM_RENAME, { actorId: owner, roomId: room.id, name });
    const integration = { actorId: owner, roomId: room.id, integrationId: bot };

    await kit.rpc.request(Commands.ROOM_INTEGRATION_ADD, { ...integration, integrationName: 'Helper' });
    await rename('With a bot');
    await ears.heard('room.renamed');
    // Bound before the room is told: the bot hears its own arrival.
    expect(ears.types).toEqual(['user.membership.added', 'room.member.joined', 'room.renamed']);

    ears.types.length = 0;
    await kit.rpc.request(Commands.ROOM_INTEGRATION_REMOVE, integration);
    await rename('Without it');
    await mark(bot);
    await ears.heard(MARKER);
    expect(ears.types).toEqual(['user.membership.removed', MARKER]);
  });

  it('tells history whether the room has an integration with every message, as the posting check read it', async () => {
    const owner = uuidv7();
    const room = await kit.createRoom(owner);
    const bot = uuidv7();
    const send = async (clientMsgId: string) => {
      await kit.rpc.request(Commands.MESSAGE_SEND, {
        actorId: owner,
        roomId: room.id,
        clientMsgId,
        kind: 'text',
        content: `${clientMsgId} 👋`,
      });
      return kit.appends.find((a) => a.clientMsgId === clientMsgId)?.roomHasIntegrations;
    };
    const integration = { actorId: owner, roomId: room.id, integrationId: bot };

    // Without one, history announces the message to gateways only.
    expect(await send('before')).toBe(false);
    await kit.rpc.request(Commands.ROOM_INTEGRATION_ADD, { ...integration, integrationName: 'Helper' });
    expect(await send('with-bot')).toBe(true);
    await kit.rpc.request(Commands.ROOM_INTEGRATION_REMOVE, integration);
    expect(await send('after')).toBe(false);
  });

  it('puts a read receipt on the integrations’ exchange only while the room has a bot', async () => {
    const { room, owner, member } = await kit.cast('Receipts for bots');
    const ch = await kit.client.amqp.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await ch.bindQueue(queue, Exchanges.ROOM_EVENTS, `room.${room.id}.user.*`);
    const heard: string[] = [];
    await ch.consume(queue, (m) => m && heard.push(JSON.parse(m.content.toString('utf8')).type), {
      noAck: true,
    });
    /** Everything of the room routed before this marker has arrived once the marker has. */
    const receiptsHeard = async () => {
      await kit.client.amqp.publish(Exchanges.ROOM_EVENTS, RoutingKeys.roomEvent(room.id, owner), {
        type: MARKER,
      });
      await eventually(() => heard.includes(MARKER));
      return heard.filter((type) => type === 'room.member.read').length;
    };
    const sendAndRead = async (content: string) => {
      heard.length = 0;
      const sent = await kit.rpc.request(Commands.MESSAGE_SEND, {
        actorId: owner,
        roomId: room.id,
        clientMsgId: uuidv7(),
        kind: 'text',
        content,
      });
      await kit.rpc.request(Commands.READ_MARK, { actorId: member, roomId: room.id, seq: sent.message.seq });
    };
    const integration = { actorId: owner, roomId: room.id, integrationId: uuidv7() };

    await sendAndRead('no bot yet');
    expect(await receiptsHeard()).toBe(0);
    await kit.rpc.request(Commands.ROOM_INTEGRATION_ADD, { ...integration, integrationName: 'Helper' });
    await sendAndRead('a bot listens');
    expect(await receiptsHeard()).toBe(1);
    await kit.rpc.request(Commands.ROOM_INTEGRATION_REMOVE, integration);
    await sendAndRead('gone again');
    expect(await receiptsHeard()).toBe(0);
    await ch.close();
  });
});
