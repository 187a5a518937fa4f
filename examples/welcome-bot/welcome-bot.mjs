#!/usr/bin/env node
// An example Happy Chat integration: greets people who join a room it is in, and answers
// `!help`, `!ping` and `!time`. It knows only what docs/asyncapi.yaml publishes: it consumes its
// own queue, publishes `bot.message.send` to `happychat.integrations` with routing key
// `room.<roomId>.user.<botId>`, and reads the outcome (`bot.message.sent`/`bot.command.failed`)
// from its queue. Delivery is at least once, so it dedupes by eventId and derives each reply's
// clientMsgId from what it answers: a redelivered event makes the same, idempotent, send.
//
//   HAPPYCHAT_BOT_AMQP_URL   amqp://happychat-bot-<id>:<password>@host:5672/<vhost>
//   HAPPYCHAT_BOT_ID         the integration id
//   HAPPYCHAT_BOT_QUEUE      default happychat.bot.<id>
//   HAPPYCHAT_BOT_EXCHANGE   default happychat.integrations
//
// `npm start` runs it when WELCOME_BOT_ENABLED=true (it creates the integration and passes these).
import amqp from 'amqplib';

const env = process.env;
const url = env.HAPPYCHAT_BOT_AMQP_URL;
const botId = env.HAPPYCHAT_BOT_ID;
if (!url || !botId) {
  console.error('welcome-bot: set HAPPYCHAT_BOT_AMQP_URL and HAPPYCHAT_BOT_ID');
  process.exit(2);
}
const queue = env.HAPPYCHAT_BOT_QUEUE || `happychat.bot.${botId}`;
const exchange = env.HAPPYCHAT_BOT_EXCHANGE || 'happychat.integrations';
const log = (msg) => console.log(`[welcome-bot] ${msg}`);

/** The last eventIds handled: a redelivery is acked without answering again. */
const seen = new Set();
const remember = (id) => {
  seen.add(id);
  if (seen.size > 10_000) seen.delete(seen.values().next().value);
};

const COMMANDS = {
  '!help': () => 'I greet newcomers. Try !ping or !time. / 새로 온 분께 인사해요. !ping, !time 을 써 보세요.',
  '!ping': () => 'pong 🏓',
  '!time': () => `It is ${new Date().toISOString()} (UTC).`,
};

/** What to say about an event, or nothing. */
export function replyTo(event, me) {
  if (event.type === 'room.member.joined' && event.userId !== me) {
    return {
      roomId: event.roomId,
      clientMsgId: `welcome-${event.eventId}`,
      content: `Welcome, ${event.displayName}! 👋 환영해요! Say !help to see what I can do.`,
    };
  }
  if (event.type === 'message.created' && event.message.senderId !== me) {
    const word = (event.message.content ?? '').trim().split(/\s+/)[0]?.toLowerCase();
    const answer = COMMANDS[word];
    if (answer) {
      return {
        roomId: event.message.roomId,
        // Keyed by the message, not the event: a republished message.created answers once.
        clientMsgId: `re-${event.message.id}`,
        content: answer(),
        replyToId: event.message.id,
      };
    }
  }
  return null;
}

let connection;
let stopping = false;

async function run() {
  connection = await amqp.connect(url, { clientProperties: { connection_name: `welcome-bot ${botId}` } });
  connection.on('error', (err) => log(`connection error: ${err.message}`));
  const channel = await connection.createConfirmChannel();
  await channel.prefetch(16);
  log(`consuming ${queue}`);
  await channel.consume(queue, async (msg) => {
    if (!msg) return;
    let event;
    try {
      event = JSON.parse(msg.content.toString('utf8'));
    } catch {
      channel.ack(msg);
      return;
    }
    if (seen.has(event.eventId)) return channel.ack(msg);
    try {
      if (event.type === 'bot.command.failed') log(`refused: ${event.error.code} ${event.error.message}`);
      const reply = replyTo(event, botId);
      if (reply) {
        const { roomId, ...body } = reply;
        await new Promise((resolve, reject) =>
          channel.publish(
            exchange,
            `room.${roomId}.user.${botId}`,
            Buffer.from(JSON.stringify({ type: 'bot.message.send', v: 1, ...body })),
            { contentType: 'application/json', persistent: true, correlationId: body.clientMsgId },
            (err) => (err ? reject(err) : resolve()),
          ),
        );
      }
      remember(event.eventId);
      channel.ack(msg);
    } catch (err) {
      log(`will retry: ${err.message}`);
      channel.nack(msg, false, true);
    }
  });
  await new Promise((resolve) => connection.once('close', resolve));
}

async function loop() {
  let delay = 1000;
  while (!stopping) {
    try {
      await run();
      delay = 1000;
    } catch (err) {
      log(`cannot connect: ${err.message}`);
    }
    if (stopping) break;
    log(`reconnecting in ${delay} ms`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 30_000);
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    stopping = true;
    await connection?.close().catch(() => undefined);
    process.exit(0);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) void loop();
