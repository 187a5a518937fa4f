import { GatewayPresenceReport } from '@app/contracts';
import { AmqpConnection } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { DeliveryService } from './delivery.service';
import { PresenceReporter } from './presence-reporter.service';

const INTERVAL = 1000;

describe('PresenceReporter', () => {
  let sent: GatewayPresenceReport[];
  let failNext: boolean;
  let reporter: PresenceReporter;
  let connections: Map<string, Array<{ away: boolean }>>;

  beforeEach(() => {
    jest.useFakeTimers();
    sent = [];
    failNext = false;
    const amqp = {
      publish: jest.fn(async (_exchange: string, _key: string, report: GatewayPresenceReport) => {
        if (failNext) {
          failNext = false;
          throw new Error('channel closed');
        }
        sent.push(report);
      }),
    } as unknown as AmqpConnection;
    connections = new Map([
      ['u1', [{ away: false }]],
      ['u2', [{ away: true }]],
    ]);
    const delivery = {
      instanceId: 'gw-test',
      directory: {
        users: () => [...connections.keys()],
        connectionsOf: (u: string) => connections.get(u) ?? [],
      },
    } as unknown as DeliveryService;
    reporter = new PresenceReporter(
      { PRESENCE_REPORT_INTERVAL_MS: INTERVAL } as GatewayConfig,
      amqp,
      delivery,
    );
    reporter.onApplicationBootstrap();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  const tick = async () => {
    await jest.advanceTimersByTimeAsync(INTERVAL);
    return sent.splice(0);
  };
  const everyone = [
    { userId: 'u1', status: 'online' },
    { userId: 'u2', status: 'away' },
  ];

  it('renews the lease every interval and reports everyone every third, with a lease of three intervals', async () => {
    const shapes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [report, ...more] = await tick();
      expect(more).toEqual([]);
      expect(report).toMatchObject({
        type: 'gateway.presence.reported',
        gatewayId: 'gw-test',
        ttlMs: 3 * INTERVAL,
      });
      if (report.full) expect(report.users).toEqual(everyone);
      else expect(report).toMatchObject({ users: [], gone: [] });
      shapes.push(report.full ? 'full' : 'lease');
    }
    expect(shapes).toEqual(['full', 'lease', 'lease', 'full', 'lease', 'lease']);
  });

  it('after a report that could not be sent, the next one is full', async () => {
    await tick();
    failNext = true;
    expect(await tick()).toEqual([]);
    const [repair] = await tick();
    expect(repair).toMatchObject({ full: true, users: everyone });
    const [next] = await tick();
    expect(next.full).toBe(false);
  });

  it('changes within a few milliseconds go out as one report, as they stand when it leaves', async () => {
    connections.set('u3', [{ away: false }]);
    reporter.userChanged('u3');
    connections.set('u4', [{ away: false }]);
    reporter.userChanged('u4');
    connections.set('u1', [{ away: true }]);
    reporter.userChanged('u1');
    // Came and went before the report left: nothing to say about u5.
    connections.set('u5', [{ away: false }]);
    reporter.userChanged('u5');
    connections.delete('u5');
    reporter.userChanged('u5');
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(25);
    expect(sent.splice(0)).toEqual([
      expect.objectContaining({
        full: false,
        users: [
          { userId: 'u3', status: 'online' },
          { userId: 'u4', status: 'online' },
          { userId: 'u1', status: 'away' },
        ],
        gone: [],
      }),
    ]);
    connections.delete('u3');
    reporter.userChanged('u3');
    reporter.userChanged('u4');
    await jest.advanceTimersByTimeAsync(25);
    expect(sent.splice(0)).toEqual([expect.objectContaining({ users: [], gone: ['u3'] })]);
  });
});
