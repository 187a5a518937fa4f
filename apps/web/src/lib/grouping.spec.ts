import type { MessageView } from '@app/contracts/views';
import { buildRows, toDisplay } from './grouping';

const ME = 'me';
const t0 = Date.UTC(2024, 4, 1, 10, 0, 0);
function msg(seq: number, senderId: string, patch: Partial<MessageView> = {}): MessageView {
  return {
    id: `m${seq}`,
    roomId: 'r',
    seq,
    senderId,
    kind: 'text',
    content: `message ${seq}`,
    clientMsgId: `c${seq}`,
    createdAt: new Date(t0 + seq * 10_000).toISOString(),
    ...patch,
  };
}

describe('conversation rows', () => {
  const messages = [
    msg(1, ME),
    msg(2, 'ann'),
    msg(3, 'ann'),
    msg(4, 'bob', { kind: 'system', content: 'Bob muted Ann' }),
    msg(5, 'ann'),
  ];
  const rows = buildRows(toDisplay(messages, [], ME), ME, 1);
  const kinds = rows.map((r) =>
    r.kind === 'message' || r.kind === 'system' ? `${r.kind}:${r.message.seq}` : r.kind,
  );

  it('puts the new-messages divider before the first message from someone else past my read position', () => {
    expect(kinds).toEqual(['day', 'message:1', 'divider', 'message:2', 'message:3', 'system:4', 'message:5']);
  });

  it('groups runs by sender, and a system line breaks a run', () => {
    const starts = rows.flatMap((r) => (r.kind === 'message' ? [[r.message.seq, r.startsGroup]] : []));
    expect(starts).toEqual([
      [1, true],
      [2, true],
      [3, false],
      [5, true],
    ]);
  });

  it('shows no divider when everything from others is read', () => {
    expect(buildRows(toDisplay(messages, [], ME), ME, 5).some((r) => r.kind === 'divider')).toBe(false);
  });
});
