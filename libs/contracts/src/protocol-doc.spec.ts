import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientFrames, ServerFrames, WsCloseCodes } from './frames';
import { RealtimeEvents } from './realtime/events';
import { MessageEvents } from './messages/events';
import { RoomEvents } from './rooms/events';
import { ReadEvents } from './reads/events';
import { PresenceEvents } from './presence/presence';

/** docs/protocol.md is prose; this keeps every frame, pushed event and close code in it. */
describe('docs/protocol.md', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/protocol.md'), 'utf8');
  const pushed = [
    ...Object.values(MessageEvents),
    ...Object.values(RoomEvents),
    ...Object.values(RealtimeEvents),
    ...Object.values(ReadEvents),
    ...Object.values(PresenceEvents),
  ];

  it.each([...Object.values(ClientFrames), ...Object.values(ServerFrames), ...pushed])(
    'documents %s',
    (type) => {
      expect(doc).toContain(`| \`${type}\` |`);
    },
  );

  it.each(Object.values(WsCloseCodes).filter((c) => c !== 1000))('documents close code %s', (code) => {
    expect(doc).toMatch(new RegExp(`\\| ${code} \\|`));
  });
});
