import { ContractValidationError, parseContract } from '../validation';
import { SearchMessagesCommand, SetRetentionCommand } from './commands';

const roomId = '0190f5c2-7c1a-7000-8000-000000000001';
const search = (over: Record<string, unknown>) =>
  parseContract(SearchMessagesCommand, {
    type: 'history.search',
    v: 1,
    query: 'hi',
    limit: 5,
    rooms: [],
    ...over,
  });

const fieldsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    return err instanceof ContractValidationError
      ? err.details.map((d) => d.field ?? '')
      : ['not a contract error'];
  }
  return [];
};

describe('history.search contract', () => {
  it('accepts rooms with and without visibleFrom', () => {
    expect(
      search({ rooms: [{ roomId }, { roomId, visibleFrom: '2026-01-01T00:00:00.000Z' }] }).rooms,
    ).toHaveLength(2);
  });

  it.each([
    ['a non-UUID room', [{ roomId: 'x' }]],
    ['a bad time', [{ roomId, visibleFrom: 'yesterday' }]],
    ['an unknown field', [{ roomId, admin: true }]],
    ['a bare string', [roomId]],
    ['null', [null]],
  ])('refuses %s in rooms', (_what, rooms) => {
    expect(fieldsOf(() => search({ rooms }))).toEqual(['rooms']);
  });

  it('refuses 10 KB queries, blank ones, and over 1000 rooms', () => {
    expect(fieldsOf(() => search({ query: 'x'.repeat(10 * 1024) }))).toEqual(['query']);
    expect(fieldsOf(() => search({ query: '  ' }))).toEqual(['query']);
    expect(fieldsOf(() => search({ rooms: Array.from({ length: 1001 }, () => ({ roomId })) }))).toEqual([
      'rooms',
    ]);
  });
});

describe('history.retention.set contract', () => {
  const set = (days: unknown) =>
    fieldsOf(() => parseContract(SetRetentionCommand, { type: 'history.retention.set', v: 1, roomId, days }));

  it('takes days ≥ 0 or null', () => {
    for (const days of [0, 0.5, 30, null]) expect(set(days)).toEqual([]);
    for (const days of [-1, '30', 40000]) expect(new Set(set(days))).toEqual(new Set(['days']));
  });
});
