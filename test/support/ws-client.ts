import WebSocket from 'ws';
import { WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@app/contracts';

export type Frame = Record<string, unknown> & { type: string; id?: string };

/** A WebSocket client speaking the documented protocol, recording every frame it receives. */
export class TestSocket {
  readonly frames: Frame[] = [];
  /** The protocol is JSON in text frames; a binary frame from the server is counted here. */
  binaryFrames = 0;
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  closed?: { code: number; reason: string };

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.binaryFrames++;
      this.frames.push(JSON.parse(data.toString()) as Frame);
      for (const l of this.listeners) l();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const l of this.listeners) l();
    });
  }

  /** Resolves after `hello`; rejects with the HTTP status when the upgrade is refused. */
  static async connect(
    url: string,
    token: string | null,
    protocols?: string[],
    options?: WebSocket.ClientOptions,
  ): Promise<TestSocket> {
    const offered = protocols ?? [WS_PROTOCOL, ...(token ? [`${WS_TOKEN_PROTOCOL_PREFIX}${token}`] : [])];
    const ws = new WebSocket(url, offered, options);
    const client = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          reject(
            Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body }),
          ),
        );
      });
      ws.once('error', reject);
      ws.once('open', () => resolve());
    });
    await client.waitFor((f) => f.type === 'hello');
    return client;
  }

  nextId(): string {
    return `req-${++this.seq}`;
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Send a frame and wait for the answer carrying its id. */
  async request(frame: Omit<Frame, 'id'> & { id?: string }, timeoutMs = 5000): Promise<Frame> {
    const id = frame.id ?? this.nextId();
    this.ws.send(JSON.stringify({ ...frame, id }));
    return this.waitFor((f) => f.id === id, timeoutMs);
  }

  waitFor(pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const found = this.frames.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const f = this.frames.find(pred);
        if (f) {
          cleanup();
          resolve(f);
        } else if (this.closed) {
          cleanup();
          reject(new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms; got: ${JSON.stringify(this.frames.map((f) => f.type))}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  ofType(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
    });
  }
}
