import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandClasses } from '@app/contracts';
import { buildDefinitions, CommandRoutes } from './topology';

describe('broker topology', () => {
  it('rabbitmq/definitions.json mirrors the declared topology (regenerate with npm run definitions)', () => {
    const file = JSON.parse(
      readFileSync(join(__dirname, '../../../rabbitmq/definitions.json'), 'utf8'),
    ) as unknown;
    expect(file).toEqual(buildDefinitions());
  });

  it('routes every command to exactly one service queue', () => {
    const routed = Object.values(CommandRoutes).flat();
    expect([...routed].sort()).toEqual(Object.keys(CommandClasses).sort());
    expect(new Set(routed).size).toBe(routed.length);
  });
});
