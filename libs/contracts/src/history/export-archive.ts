import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import {
  dayFilePath,
  ExportableMessage,
  ExportRoomInfo,
  sessionInfoFile,
  sessionInfoPath,
  toChatEntry,
} from './export-format';

/**
 * Writes a room's export as a zip, streaming: each day file is an entry fed message by message,
 * and adding waits while the reader is behind, so memory stays at about one page of messages
 * whatever the size of the room. Shared by the gateway's download and the history admin CLI.
 * Not exported from the contracts index: it brings yazl and Node streams, which the web client
 * must not bundle. Messages must come in seq order (their days then never go back).
 */
export class ExportArchive {
  private readonly zip = new ZipFile();
  private day?: { path: string; stream: PassThrough; entries: number };
  private aborted = false;
  messages = 0;
  days = 0;

  constructor(private readonly info: ExportRoomInfo) {
    this.zip.addBuffer(
      Buffer.from(`${JSON.stringify(sessionInfoFile(info), null, 2)}\n`, 'utf8'),
      sessionInfoPath(info.roomId),
    );
  }

  /** The zip bytes; pipe it somewhere before adding, or adding waits forever. */
  get output(): Readable {
    return this.zip.outputStream as Readable;
  }

  async add(messages: ExportableMessage[]): Promise<void> {
    for (const m of messages) {
      if (this.aborted) throw new Error('export aborted');
      const path = dayFilePath(this.info.roomId, m.createdAt);
      // Paths sort like days; a clock step backwards keeps writing into the current day.
      if (!this.day || path > this.day.path) await this.openDay(path, new Date(m.createdAt));
      const day = this.day as { path: string; stream: PassThrough; entries: number };
      const chunk = `${day.entries === 0 ? '' : ',\n'}${JSON.stringify(toChatEntry(m))}`;
      day.entries++;
      this.messages++;
      if (!day.stream.write(chunk)) await once(day.stream, 'drain');
    }
  }

  async finish(): Promise<void> {
    await this.closeDay();
    this.zip.end();
  }

  /** The reader went away: stop feeding, free what is buffered. */
  abort(): void {
    this.aborted = true;
    this.day?.stream.destroy(new Error('export aborted'));
    this.output.destroy();
  }

  private async openDay(path: string, mtime: Date): Promise<void> {
    await this.closeDay();
    const stream = new PassThrough();
    this.zip.addReadStream(stream, path, { mtime });
    stream.write('{"chat":[\n');
    this.day = { path, stream, entries: 0 };
    this.days++;
  }

  private async closeDay(): Promise<void> {
    if (!this.day) return;
    const { stream } = this.day;
    this.day = undefined;
    stream.end('\n]}\n');
  }
}
