import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';

/**
 * Debian's amqp-tools (rabbitmq-c's amqp-publish and amqp-consume): an AMQP client that is not
 * ours, to prove a bot needs nothing but the AsyncAPI document and its credentials.
 */
export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], timeoutMs = 10_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function amqpPublish(
  url: string,
  exchange: string,
  routingKey: string,
  body: string,
): Promise<Outcome> {
  return run('amqp-publish', [
    '-u',
    url,
    '-e',
    exchange,
    '-r',
    routingKey,
    '-C',
    'application/json',
    '-b',
    body,
  ]);
}

/** A long-running `amqp-consume` on one queue, collecting every message body as JSON. */
export class Consumer {
  readonly events: Array<Record<string, unknown>> = [];
  stderr = '';
  exited: number | null | undefined;
  private readonly child: ChildProcess;
  private buffer = '';

  constructor(url: string, queue: string) {
    // One body per line: the bodies are single-line JSON, `echo` ends each.
    this.child = spawn('amqp-consume', ['-u', url, '-q', queue, '--', 'sh', '-c', 'cat; echo'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (line) this.events.push(JSON.parse(line) as Record<string, unknown>);
      }
    });
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.child.on('close', (code) => (this.exited = code));
  }

  /** The first collected event that matches, waiting for it. */
  async waitFor(
    match: (e: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline || this.exited !== undefined) {
        throw new Error(
          `no ${what} among ${this.events.length} events (${this.events.map((e) => e.type).join(', ')}); ` +
            `amqp-consume ${this.exited === undefined ? 'running' : `exited ${this.exited}`}: ${this.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

/** The names an integrator reads off docs/asyncapi.yaml (through the official parser). */
export interface BotSurface {
  exchange: string;
  /** `room.{roomId}.user.{botId}` */
  commandAddress: string;
  /** `happychat.bot.{botId}` */
  queueAddress: string;
  sendMessageName: string;
}

export async function readBotSurface(): Promise<BotSurface> {
  const source = readFileSync(join(__dirname, '../../docs/asyncapi.yaml'), 'utf8');
  const { document } = await new Parser().parse(source);
  if (!document) throw new Error('docs/asyncapi.yaml does not parse');
  const send = document.operations().get('botSendCommand');
  const receive = document.operations().get('botReceiveEvents');
  const sendChannel = send?.channels().all()[0];
  const receiveChannel = receive?.channels().all()[0];
  const exchange = (sendChannel?.bindings().get('amqp')?.value() as { exchange?: { name?: string } })
    ?.exchange?.name;
  const sendMessage = sendChannel?.messages().all()[0]?.name();
  if (!sendChannel || !receiveChannel || !exchange || !sendMessage)
    throw new Error('bot operations not documented');
  return {
    exchange,
    commandAddress: sendChannel.address() ?? '',
    queueAddress: receiveChannel.address() ?? '',
    sendMessageName: sendMessage,
  };
}

export const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in values)) throw new Error(`no value for {${k}}`);
    return values[k];
  });
