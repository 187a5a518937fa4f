import { integrationPermissions } from './broker-admin';
import { vhostOf } from './integrations.module';

describe('an integration broker user’s permissions', () => {
  const bot = '01a24928-0000-7000-8000-00000000000b';
  const room = '01a24928-1111-7000-8000-000000000001';
  const other = '01a24928-2222-7000-8000-000000000002';
  const perms = integrationPermissions(bot);
  const matches = (pattern: string, name: string) => new RegExp(pattern).test(name);

  it('publishes only to the integrations exchange, only as itself', () => {
    expect(matches(perms.write, 'happychat.integrations')).toBe(true);
    for (const exchange of [
      'happychat.room.events',
      'happychat.commands',
      'happychat_integrations',
      'xhappychat.integrations',
    ])
      expect(matches(perms.write, exchange)).toBe(false);
    expect(perms.topic.exchange).toBe('happychat.integrations');
    expect(matches(perms.topic.write, `room.${room}.user.${bot}`)).toBe(true);
    for (const key of [
      `room.${room}.user.${other}`,
      `room.${room}.user.${bot}.x`,
      `room.#.user.${bot}`,
      `room.${room}.user.${bot.replace(/-/g, '.')}`,
      `room.${'-'.repeat(36)}.user.${bot}`,
    ])
      expect(matches(perms.topic.write, key)).toBe(false);
  });

  it('reads only its own queue and configures nothing', () => {
    expect(matches(perms.read, `happychat.bot.${bot}`)).toBe(true);
    for (const name of [
      `happychat.bot.${other}`,
      `happychat.inbox.${bot}`,
      'happychat.room.events',
      `happychat.bot.${bot}x`,
    ])
      expect(matches(perms.read, name)).toBe(false);
    for (const name of ['amq.gen-abc', `happychat.bot.${bot}`, 'anything'])
      expect(matches(perms.configure, name)).toBe(false);
    expect(matches(perms.topic.read, `room.${room}.user.${bot}`)).toBe(false);
  });
});

describe('vhostOf', () => {
  it.each([
    ['amqp://guest:guest@127.0.0.1:5672', '/'],
    ['amqp://guest:guest@127.0.0.1:5672/', '/'],
    ['amqp://h/%2F', '/'],
    ['amqps://u:p@h:5671/happychat', 'happychat'],
    ['amqp://h/hc_e2e_x', 'hc_e2e_x'],
  ])('%s → %s', (url, vhost) => {
    expect(vhostOf(url)).toBe(vhost);
  });
});
