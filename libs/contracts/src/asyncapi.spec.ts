import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { getMetadataStorage } from 'class-validator';
import { Commands } from './commands';
import { Events } from './events';
import { BotCommands, BotMessageSendCommand } from './integrations/commands';
import { botQueue, Exchanges, ROOM_FANOUT_CONTENT_TYPE, RoutingKeys } from './topology';

type Doc = NonNullable<Awaited<ReturnType<Parser['parse']>>['document']>;

/**
 * docs/asyncapi.yaml is written by hand for people; this holds it to the AsyncAPI 3 spec (the
 * official parser, every error and warning) and to the contracts it describes.
 */
describe('docs/asyncapi.yaml against @asyncapi/parser and libs/contracts', () => {
  let doc: Doc;
  let diagnostics: Awaited<ReturnType<Parser['parse']>>['diagnostics'];

  beforeAll(async () => {
    const source = readFileSync(join(__dirname, '../../../docs/asyncapi.yaml'), 'utf8');
    const parsed = await new Parser().parse(source);
    diagnostics = parsed.diagnostics;
    if (!parsed.document) throw new Error(`not parsed: ${JSON.stringify(parsed.diagnostics.slice(0, 5))}`);
    doc = parsed.document;
  }, 30_000);

  const messageNames = (): Set<string> =>
    new Set(
      doc
        .allMessages()
        .all()
        .map((m) => m.name() ?? ''),
    );
  const channel = (id: string) => {
    const c = doc.channels().get(id);
    if (!c) throw new Error(`no channel ${id}`);
    return c;
  };
  const amqpBinding = (id: string): Record<string, { name?: string; type?: string }> =>
    (channel(id).bindings().get('amqp')?.value() ?? {}) as Record<string, { name?: string; type?: string }>;

  it('is a valid AsyncAPI 3 document: no errors, no warnings', () => {
    const serious = diagnostics.filter((d) => d.severity === 0 || d.severity === 1);
    expect(serious.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(doc.version()).toMatch(/^3\./);
  });

  it('names every command, event and bot command as a message', () => {
    const names = messageNames();
    const missing = [
      ...Object.values(Commands),
      ...Object.values(Events),
      ...Object.values(BotCommands),
    ].filter((t) => !names.has(t));
    expect(missing).toEqual([]);
  });

  it('lists exactly the command types as the commands channel routing keys', () => {
    const param = channel('commands').parameters().get('commandType');
    const listed = (param?.json() as { enum?: string[] } | undefined)?.enum ?? [];
    expect([...listed].sort()).toEqual([...Object.values(Commands)].sort());
  });

  it.each([
    ['roomEvents', Exchanges.ROOM_EVENTS, 'topic'],
    ['roomFanout', Exchanges.ROOM_FANOUT, 'direct'],
    ['userEvents', Exchanges.USER_EVENTS, 'topic'],
    ['commands', Exchanges.COMMANDS, 'direct'],
    ['integrationCommands', Exchanges.INTEGRATIONS, 'topic'],
  ])('channel %s is exchange %s (%s)', (id, name, type) => {
    expect(amqpBinding(id).exchange).toMatchObject({ name, type });
  });

  it('gives gateways the room key and the body type the publishers use', () => {
    expect(channel('roomFanout').address()).toBe(RoutingKeys.roomFanout('{roomId}'));
    const batch = doc
      .allMessages()
      .all()
      .find((m) => m.name() === 'room.events.batch');
    expect(batch?.contentType()).toBe(ROOM_FANOUT_CONTENT_TYPE);
  });

  it('gives bots the addresses the services use', () => {
    expect(channel('integrationCommands').address()).toBe(RoutingKeys.roomEvent('{roomId}', '{botId}'));
    expect(channel('botQueue').address()).toBe(botQueue('{botId}'));
    expect(amqpBinding('botQueue').queue).toMatchObject({ name: botQueue('{botId}') });
  });

  it('describes bot.message.send with exactly the contract class fields', () => {
    const message = doc
      .allMessages()
      .all()
      .find((m) => m.name() === BotCommands.BOT_MESSAGE_SEND);
    const schema = message?.payload()?.json() as { properties: Record<string, unknown>; required: string[] };
    const metadata = getMetadataStorage().getTargetValidationMetadatas(
      BotMessageSendCommand,
      '',
      true,
      false,
    );
    const fields = [...new Set(metadata.map((m) => m.propertyName))].sort();
    const optional = new Set(
      metadata.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName),
    );
    expect(Object.keys(schema.properties).sort()).toEqual(fields);
    expect([...schema.required].sort()).toEqual(fields.filter((f) => !optional.has(f)));
  });

  it('lets bots receive the outcome of their commands on their queue', () => {
    const names = channel('botQueue')
      .messages()
      .all()
      .map((m) => m.name());
    expect(names).toEqual(
      expect.arrayContaining([Events.BOT_MESSAGE_SENT, Events.BOT_COMMAND_FAILED, Events.MESSAGE_CREATED]),
    );
  });
});
