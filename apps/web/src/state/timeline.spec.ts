import type { MessageView } from '@app/contracts/views';
import { emptyTimeline, mergeMessages, replaceMessage } from './timeline';
import type { Timeline } from './types';

const ME = 'me';
function msg(seq: number, patch: Partial<MessageView> = {}): MessageView {
  return {
    id: `m${seq}`,
    roomId: 'r',
    seq,
    senderId: 'them',
    kind: 'text',
    content: `message ${seq}`,
    clientMsgId: `c${seq}`,
    createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    ...patch,
  };
}
const ready = (messages: MessageView[] = []): Timeline => ({ ...emptyTimeline(), status: 'ready', messages });

describe('timeline merging', () => {
  it('keeps one message per id and per seq, in seq order, whatever order they come in', () => {
    let tl = ready();
    tl = mergeMessages(tl, [msg(3), msg(1)], ME);
    tl = mergeMessages(tl, [msg(2), msg(3), msg(1)], ME);
    expect(tl.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('returns the same timeline when nothing is new (no re-render)', () => {
    const tl = ready([msg(1)]);
    expect(mergeMessages(tl, [msg(1)], ME)).toBe(tl);
  });

  it('takes a newer state of a held message, but never un-deletes one', () => {
    const deleted = msg(1, { content: '', deletedAt: '2024-01-01T00:00:00Z' });
    let tl = mergeMessages(
      ready([msg(1)]),
      [msg(1, { content: 'edited', editedAt: '2024-01-01T00:00:00Z' })],
      ME,
    );
    expect(tl.messages[0].content).toBe('edited');
    tl = mergeMessages(tl, [deleted], ME);
    expect(tl.messages[0].deletedAt).toBeDefined();
    tl = mergeMessages(tl, [msg(1, { content: 'late edit', editedAt: '2024-01-01T00:00:00Z' })], ME);
    expect(tl.messages[0].content).toBe('');
    expect(replaceMessage(tl, msg(1, { content: 'late edit' }))).toBe(tl);
  });

  it('drops my pending copy when the stored message with its clientMsgId arrives', () => {
    const tl: Timeline = {
      ...ready(),
      pending: [{ clientMsgId: 'c7', roomId: 'r', content: 'hi', createdAt: '', status: 'pending' }],
    };
    const after = mergeMessages(tl, [msg(7, { senderId: ME, clientMsgId: 'c7' })], ME);
    expect(after.pending).toEqual([]);
    expect(after.messages.map((m) => m.seq)).toEqual([7]);
  });
});
