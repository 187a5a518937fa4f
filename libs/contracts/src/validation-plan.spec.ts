import { plainToInstance, Expose, Transform } from 'class-transformer';
import {
  IsOptional,
  IsString,
  registerDecorator,
  validateSync,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AttachmentRecord } from './messages/attachments';
import { SendMessageCommand } from './messages/commands';
import { AppendMessageCommand } from './history/commands';
import { SyncCursor, SyncFrame } from './frames';
import { ValidationPlans } from './validation-plan';

const ROOM = '0193a8f2-1c2d-7e3f-8a4b-5c6d7e8f9a0b';
const USER = '0193a8f2-1c2d-7e3f-8a4b-5c6d7e8f9a0c';
const send = (extra: object = {}) => ({
  type: 'message.send',
  v: 1,
  actorId: USER,
  roomId: ROOM,
  clientMsgId: 'c-1',
  kind: 'text',
  content: '안녕 👋',
  ...extra,
});
const attachment = { id: ROOM, name: 'a.png', mimeType: 'image/png', size: 10, width: 2 };
const append = (extra: object = {}) => ({
  type: 'history.append',
  v: 1,
  roomId: ROOM,
  senderId: USER,
  clientMsgId: 'c-1',
  kind: 'image',
  content: '',
  ...extra,
});

/** What parseContract did before plans: class-transformer, then class-validator. */
function full<T extends object>(cls: new () => T, plain: object): { instance: T; valid: boolean } {
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  return { instance, valid: errors.length === 0 };
}

describe('ValidationPlans', () => {
  const plans = new ValidationPlans();

  it.each([
    ['a text message', SendMessageCommand, send()],
    ['an optional field left null', SendMessageCommand, send({ replyToId: null })],
    ['a reply', SendMessageCommand, send({ replyToId: ROOM })],
    [
      'an image with its attachment ids (ValidateIf, each)',
      SendMessageCommand,
      send({ kind: 'image', attachmentIds: [ROOM] }),
    ],
    [
      'nested records built by @Type',
      AppendMessageCommand,
      append({ attachments: [attachment], effects: ['confetti'] }),
    ],
    [
      'a nested array of cursors',
      SyncFrame,
      { type: 'sync', id: 'r1', rooms: [{ roomId: ROOM, afterSeq: 3 }] },
    ],
  ])('accepts %s, building what class-transformer builds', (_, cls, plain) => {
    const fast = plans.tryFastParse(cls as new () => object, plain);
    const expected = full(cls as new () => object, plain);
    expect(expected.valid).toBe(true);
    expect(fast).toBeInstanceOf(cls);
    expect(fast).toStrictEqual(expected.instance);
  });

  it('builds nested instances of the @Type class', () => {
    const fast = plans.tryFastParse(AppendMessageCommand, append({ attachments: [attachment] }));
    expect(fast?.attachments?.[0]).toBeInstanceOf(AttachmentRecord);
    const sync = plans.tryFastParse(SyncFrame, {
      type: 'sync',
      id: 'r1',
      rooms: [{ roomId: ROOM, afterSeq: 0 }],
    });
    expect(sync?.rooms[0]).toBeInstanceOf(SyncCursor);
  });

  it.each([
    ['an unknown property', SendMessageCommand, send({ extra: 1 })],
    ['a wrong literal', SendMessageCommand, send({ v: 2 })],
    ['a missing field', SendMessageCommand, send({ roomId: undefined })],
    ['an image without attachment ids (ValidateIf applies)', SendMessageCommand, send({ kind: 'image' })],
    [
      'one bad id among several (each)',
      SendMessageCommand,
      send({ kind: 'image', attachmentIds: [ROOM, 'x'] }),
    ],
    ['blank text', SendMessageCommand, send({ content: '   ' })],
    ['a bad nested record', AppendMessageCommand, append({ attachments: [{ ...attachment, size: 0 }] })],
    [
      'an unknown field in a nested record',
      AppendMessageCommand,
      append({ attachments: [{ ...attachment, x: 1 }] }),
    ],
    ['a nested record that is not an object', AppendMessageCommand, append({ attachments: ['a'] })],
    ['a lone surrogate', AppendMessageCommand, append({ kind: 'text', content: 'a\ud800' })],
    [
      'an own __proto__ key',
      SendMessageCommand,
      JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(send()).slice(1)}`),
    ],
    ['a non-JSON value', SendMessageCommand, send({ content: new Date() })],
  ])('leaves %s to the full way', (_, cls, plain) => {
    expect(plans.tryFastParse(cls as new () => object, plain)).toBeUndefined();
  });

  it('leaves classes it cannot follow exactly to the full way', () => {
    class Exposed {
      @Expose() @IsString() a: string;
    }
    class Transformed {
      @Transform(({ value }) => String(value).trim()) @IsString() a: string;
    }
    class Untyped {
      @ValidateNested() inner: object;
    }
    class AsyncRule {
      @IsString() a: string;
    }
    registerDecorator({
      name: 'slowly',
      target: AsyncRule,
      propertyName: 'a',
      async: true,
      validator: { validate: () => Promise.resolve(true) },
    });
    class Nothing {}
    expect(plans.tryFastParse(Exposed, { a: 'x' })).toBeUndefined();
    expect(plans.tryFastParse(Transformed, { a: ' x ' })).toBeUndefined();
    expect(plans.tryFastParse(Untyped, { inner: {} })).toBeUndefined();
    expect(plans.tryFastParse(AsyncRule, { a: 'x' })).toBeUndefined();
    expect(plans.tryFastParse(Nothing, {})).toBeUndefined();
  });

  it('evaluates every condition, as class-validator does', () => {
    class Conditional {
      @IsOptional() @ValidateIf((o: Conditional) => o.on === 'yes') @IsString() a?: string;
      @IsString() on: string;
    }
    expect(plans.tryFastParse(Conditional, { on: 'no', a: 1 })).toMatchObject({ a: 1 });
    expect(plans.tryFastParse(Conditional, { on: 'yes', a: 1 })).toBeUndefined();
    expect(plans.tryFastParse(Conditional, { on: 'yes', a: null })).toMatchObject({ a: null });
  });
});
