/**
 * Members split into a fixed number of slices, handed out round robin; each `turn()` returns the
 * next slice, so walking every member once takes `sliceCount` turns. The gateway checks one slice
 * at a time instead of every socket at once: 10,000 pings in one turn of the event loop held
 * every message behind them for hundreds of milliseconds.
 */
export class HeartbeatWheel<T> {
  private readonly slices: Set<T>[];
  private readonly sliceOf = new Map<T, Set<T>>();
  private placed = 0;
  private next = 0;
  private nextAt: number;
  private readonly sliceMs: number;

  /** One revolution (every member once) per `periodMs`, the first slice due at `startAt`. */
  constructor(
    readonly sliceCount: number,
    periodMs: number,
    startAt = Date.now(),
  ) {
    if (!Number.isInteger(sliceCount) || sliceCount < 1) throw new RangeError('sliceCount must be ≥ 1');
    if (!(periodMs > 0)) throw new RangeError('periodMs must be > 0');
    this.slices = Array.from({ length: sliceCount }, () => new Set<T>());
    this.sliceMs = periodMs / sliceCount;
    this.nextAt = startAt;
  }

  get size(): number {
    return this.sliceOf.size;
  }

  /** How often `due()` should be called. */
  get tickMs(): number {
    return this.sliceMs;
  }

  add(member: T): void {
    if (this.sliceOf.has(member)) return;
    const slice = this.slices[this.placed++ % this.sliceCount];
    slice.add(member);
    this.sliceOf.set(member, slice);
  }

  delete(member: T): void {
    this.sliceOf.get(member)?.delete(member);
    this.sliceOf.delete(member);
  }

  /** The members of the slice whose turn it is, copied: the caller may add or delete while it walks them. */
  turn(): T[] {
    const slice = this.slices[this.next];
    this.next = (this.next + 1) % this.sliceCount;
    return [...slice];
  }

  /**
   * The members of every slice that has come due by `now`. A caller that runs late (a busy event
   * loop delays timers) catches up, so a revolution still takes one period instead of stretching
   * by every tick's delay; one more than a revolution behind, it starts afresh from `now`.
   */
  due(now: number): T[] {
    const out: T[] = [];
    for (let n = 0; this.nextAt <= now && n < this.sliceCount; n++) {
      out.push(...this.turn());
      this.nextAt += this.sliceMs;
    }
    if (this.nextAt <= now) this.nextAt = now + this.sliceMs;
    return out;
  }
}

export type HeartbeatVerdict = 'alive' | 'ping' | 'dead';

/**
 * What a check makes of a socket the server has not heard from (no frame, no pong) for
 * `silentForMs`, and that was or was not sent anything since its previous check (an interval
 * ago). It is pinged after half an interval of silence, so one check always pings it before it
 * has been silent for two, even when checks run up to half an interval late; it is dead after
 * more than two. It is also pinged when nothing went to it since its previous check, so a proxy
 * in front (idle timeouts count the server's side too) sees traffic at least every two
 * intervals. A client that pings as the protocol asks gets a `pong` frame each time and is
 * pinged only when its own ping came more than half an interval before its check.
 */
export function heartbeatVerdict(
  silentForMs: number,
  sentSinceCheck: boolean,
  intervalMs: number,
): HeartbeatVerdict {
  if (silentForMs > 2 * intervalMs) return 'dead';
  return silentForMs >= intervalMs / 2 || !sentSinceCheck ? 'ping' : 'alive';
}
