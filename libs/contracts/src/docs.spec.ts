import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands } from './commands';
import { Events } from './events';
import { Exchanges } from './topology';

/** The AsyncAPI document is written by hand; this keeps it from drifting from the contracts. */
describe('docs/asyncapi.yaml', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/asyncapi.yaml'), 'utf8');

  it.each(Object.values(Commands))('documents command %s', (type) => {
    expect(doc).toContain(`name: ${type}`);
  });

  it.each(Object.values(Events))('documents event %s', (type) => {
    expect(doc).toContain(`name: ${type}`);
  });

  it.each([Exchanges.ROOM_EVENTS, Exchanges.USER_EVENTS, Exchanges.COMMANDS])('names exchange %s', (name) => {
    expect(doc).toContain(`name: ${name}`);
  });
});
