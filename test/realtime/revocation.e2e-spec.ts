import { INestApplication } from '@nestjs/common';
import { startGatewayService } from '../../apps/gateway/src';
import { api } from '../support/http';
import { eventually } from '../support/infra';
import { startSystem, RunningSystem } from '../support/system';
import { TestSocket } from '../support/ws-client';

const PASSWORD = 'correct horse battery staple';

/** A revoked session loses its sockets within moments, on every gateway, and cannot reconnect. */
describe('session revocation closes sockets', () => {
  let sys: RunningSystem;
  let gateway2: INestApplication;
  let ws2: string;

  beforeAll(async () => {
    sys = await startSystem();
    gateway2 = await startGatewayService(sys.env);
    ws2 = `${(await gateway2.getUrl()).replace('[::1]', '127.0.0.1').replace(/^http/, 'ws')}/ws`;
  }, 60_000);

  afterAll(async () => {
    await gateway2?.close();
    await sys?.stop();
  });

  it('closes the revoked device with 4001 on both gateways, keeps the other device, refuses reconnects', async () => {
    const reg = await api<{ accessToken: string; user: { id: string } }>(
      sys.baseUrl,
      'POST',
      '/api/v1/auth/register',
      {
        body: { username: 'twodevices', password: PASSWORD },
      },
    );
    const laptop = reg.body.accessToken;
    const login = await api<{ accessToken: string }>(sys.baseUrl, 'POST', '/api/v1/auth/login', {
      body: { username: 'twodevices', password: PASSWORD },
      headers: { 'user-agent': 'phone' },
    });
    const phone = login.body.accessToken;
    const [phoneA, phoneB, laptopWs] = await Promise.all([
      TestSocket.connect(sys.wsUrl, phone),
      TestSocket.connect(ws2, phone),
      TestSocket.connect(sys.wsUrl, laptop),
    ]);
    const sessions = await api<{ sessions: Array<{ id: string; userAgent: string | null }> }>(
      sys.baseUrl,
      'GET',
      '/api/v1/me/sessions',
      {
        token: laptop,
      },
    );
    const phoneSession = sessions.body.sessions.find((s) => s.userAgent === 'phone');
    expect(phoneSession).toBeDefined();
    const revoked = await api(sys.baseUrl, 'DELETE', `/api/v1/me/sessions/${phoneSession?.id}`, {
      token: laptop,
    });
    expect(revoked.status).toBeLessThan(300);
    await eventually(() => phoneA.closed?.code === 4001 && phoneB.closed?.code === 4001, 3000).catch(
      (e: Error) => {
        throw new Error(
          `${e.message}: A=${JSON.stringify(phoneA.closed)} B=${JSON.stringify(phoneB.closed)} frames=${JSON.stringify(phoneA.frames.map((f) => f.type))}`,
        );
      },
    );
    expect((await laptopWs.request({ type: 'ping' })).type).toBe('pong');
    await expect(TestSocket.connect(ws2, phone)).rejects.toMatchObject({ status: 401 });
    await laptopWs.close();
  });
});
