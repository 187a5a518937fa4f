import { decodeRoomFanout, encodeRoomFanout } from './room-fanout';

describe('room fanout body', () => {
  const room = (n: number) => `0190f5c2-7c1a-7000-8000-00000000000${n}`;

  it('gives back each event bytes for bytes, with its room, in order', () => {
    const events = [
      {
        roomId: room(1),
        json: JSON.stringify({ type: 'message.created', content: '안녕하세요 👋\nline two' }),
      },
      { roomId: room(2), json: JSON.stringify({ type: 'typing', userId: 'x' }) },
      { roomId: room(1), json: '{}' },
    ];
    const body = encodeRoomFanout(events);
    const { items, malformed } = decodeRoomFanout(body);
    expect(malformed).toBe(0);
    expect(items.map((i) => ({ roomId: i.roomId, json: i.raw.toString('utf8') }))).toEqual(events);
    // Slices of the body, not copies.
    expect(items[0].raw.buffer).toBe(body.buffer);
  });

  it('skips a line without a room or an event, and reads the rest', () => {
    const body = Buffer.from(`${room(1)} {"a":1}\nno-event-here\n\n ${'{"b":2}'}\n${room(2)} {"c":3}`);
    const { items, malformed } = decodeRoomFanout(body);
    expect(items.map((i) => `${i.roomId}|${i.raw.toString()}`)).toEqual([
      `${room(1)}|{"a":1}`,
      `${room(2)}|{"c":3}`,
    ]);
    expect(malformed).toBe(2);
  });
});
