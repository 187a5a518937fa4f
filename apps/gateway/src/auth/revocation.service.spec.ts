import { AuthErrorCode, Commands, CommonErrorCode, SessionCheckView } from '@app/contracts';
import { AppException, loadConfig, Metrics } from '@app/common';
import type { AmqpConnection, RpcClient } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { RevocationService, RevokedSessionNotice } from './revocation.service';

class FakeRpc {
  calls = 0;
  answer: SessionCheckView | Error = {
    active: true,
    userId: 'u1',
    tokensExpireAt: new Date(Date.now() + 1e6).toISOString(),
  };
  gate?: Promise<void>;
  async request(type: string, input: { sessionId: string }): Promise<SessionCheckView> {
    expect(type).toBe(Commands.AUTH_SESSION_CHECK);
    expect(input.sessionId).toEqual(expect.any(String));
    this.calls++;
    await this.gate;
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

describe('RevocationService', () => {
  let rpc: FakeRpc;
  let service: RevocationService;
  let now: number;
  const claims = { sub: 'u1', sid: 's1' };

  beforeEach(() => {
    now = Date.parse('2030-01-01T00:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    rpc = new FakeRpc();
    service = new RevocationService(
      loadConfig(GatewayConfig, { JWT_SECRET: 'x'.repeat(32), SESSION_CHECK_TTL_MS: '10000' }),
      {} as AmqpConnection,
      rpc as unknown as RpcClient,
      new Metrics(),
    );
  });

  afterEach(() => jest.restoreAllMocks());

  it('asks once per session per TTL, sharing one call among concurrent requests', async () => {
    let open!: () => void;
    rpc.gate = new Promise((r) => (open = r));
    const answers = Promise.all([
      service.isActive(claims),
      service.isActive(claims),
      service.isActive(claims),
    ]);
    open();
    await expect(answers).resolves.toEqual([true, true, true]);
    expect(rpc.calls).toBe(1);
    now += 9_999;
    await service.isActive(claims);
    expect(rpc.calls).toBe(1);
    now += 2;
    await service.isActive(claims);
    expect(rpc.calls).toBe(2);
  });

  it('refuses at once on an event, even with a fresh positive answer cached, and forgets after the tokens expire', async () => {
    await service.isActive(claims);
    service.noteRevoked({
      userId: 'u1',
      sessionId: 's1',
      tokensExpireAt: new Date(now + 900_000).toISOString(),
    });
    await expect(service.isActive(claims)).resolves.toBe(false);
    await expect(service.assertActive(claims)).rejects.toMatchObject({ code: AuthErrorCode.SESSION_REVOKED });
    expect(service.isRevoked('s1')).toBe(true);
    now += 900_000 + 60_001;
    expect(service.isRevoked('s1')).toBe(false);
  });

  it('remembers what the auth service says is inactive, and tells listeners once', async () => {
    const heard: RevokedSessionNotice[] = [];
    service.onRevoked((n) => heard.push(n));
    rpc.answer = { active: false, userId: 'u1', tokensExpireAt: new Date(now + 60_000).toISOString() };
    await expect(service.isActive(claims)).resolves.toBe(false);
    await expect(service.isActive(claims)).resolves.toBe(false);
    service.noteRevoked({ userId: 'u1', sessionId: 's1' });
    expect(rpc.calls).toBe(1);
    expect(heard).toEqual([{ userId: 'u1', sessionId: 's1' }]);
  });

  it('lets a token through when the auth service cannot answer, but not a session it knows is revoked', async () => {
    rpc.answer = new AppException(CommonErrorCode.UPSTREAM_TIMEOUT, 'slow');
    await expect(service.isActive(claims)).resolves.toBe(true);
    service.noteRevoked({ userId: 'u1', sessionId: 's1' });
    await expect(service.isActive(claims)).resolves.toBe(false);
  });

  it('lets an unexpected error through as an error', async () => {
    rpc.answer = new AppException(CommonErrorCode.VALIDATION_FAILED, 'bug');
    await expect(service.isActive(claims)).rejects.toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED });
  });

  it('keeps a listener failure from stopping the others', async () => {
    const heard: string[] = [];
    service.onRevoked(() => {
      throw new Error('boom');
    });
    const stop = service.onRevoked((n) => heard.push(n.sessionId));
    service.noteRevoked({ userId: 'u1', sessionId: 'a' });
    stop();
    service.noteRevoked({ userId: 'u1', sessionId: 'b' });
    expect(heard).toEqual(['a']);
  });
});
