import { randomUUID } from 'node:crypto';
import { ContractValidationError, parseContract } from '../validation';
import { GatewayPresenceReport, PRESENCE_REPORT_MAX_USERS } from './presence';

const report = (over: Record<string, unknown> = {}) => ({
  type: 'gateway.presence.reported',
  v: 1,
  gatewayId: 'gw-1',
  full: true,
  ttlMs: 30_000,
  users: [
    { userId: randomUUID(), status: 'online' },
    { userId: randomUUID(), status: 'away' },
  ],
  gone: [randomUUID()],
  ...over,
});

const reasonFor = (plain: unknown): string => {
  try {
    parseContract(GatewayPresenceReport, plain);
  } catch (err) {
    expect(err).toBeInstanceOf(ContractValidationError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('GatewayPresenceReport', () => {
  it('accepts a report and keeps its entries as sent', () => {
    const plain = report();
    const parsed = parseContract(GatewayPresenceReport, plain);
    expect(parsed.users).toEqual(plain.users);
    expect(parsed.gone).toEqual(plain.gone);
    expect(parseContract(GatewayPresenceReport, report({ users: [], gone: [] })).users).toEqual([]);
  });

  it('refuses a bad entry and says which one and why', () => {
    const id = randomUUID();
    expect(
      reasonFor(
        report({
          users: [
            { userId: id, status: 'online' },
            { userId: 'x', status: 'online' },
          ],
        }),
      ),
    ).toMatch('users[1]: userId must be a UUID');
    expect(reasonFor(report({ users: [{ userId: id, status: 'offline' }] }))).toMatch(
      "users[0]: status must be 'online' or 'away'",
    );
    expect(reasonFor(report({ users: [{ userId: id, status: 'away', admin: true }] }))).toMatch(
      'users[0]: property admin should not exist',
    );
    expect(reasonFor(report({ users: [{ userId: id }] }))).toMatch('users[0]: status');
    expect(reasonFor(report({ users: [null] }))).toMatch('users[0]: must be an object');
    expect(reasonFor(report({ users: [[id, 'online']] }))).toMatch('users[0]: must be an object');
    expect(reasonFor(report({ users: { userId: id, status: 'online' } }))).toMatch('users must be an array');
    expect(reasonFor(report({ users: undefined }))).toMatch('users must be an array');
  });

  it('refuses a bad id among the gone, and oversized lists', () => {
    expect(reasonFor(report({ gone: [randomUUID(), 42] }))).toMatch('gone[1] must be a UUID');
    expect(reasonFor(report({ gone: 'all' }))).toMatch('gone must be an array');
    const many = new Array(PRESENCE_REPORT_MAX_USERS + 1).fill(randomUUID());
    expect(reasonFor(report({ gone: many }))).toMatch(
      `gone must contain no more than ${PRESENCE_REPORT_MAX_USERS}`,
    );
    const entries = new Array(PRESENCE_REPORT_MAX_USERS + 1).fill({ userId: randomUUID(), status: 'online' });
    expect(reasonFor(report({ users: entries }))).toMatch(`users must contain no more than`);
  });

  it('still refuses unknown top-level properties', () => {
    expect(reasonFor(report({ extra: 1 }))).toMatch(/extra/);
  });
});
