/**
 * Members split into a fixed number of slices, handed out round robin; each `turn()` returns the
 * next slice, so walking every member once takes `sliceCount` turns. The gateway checks one slice
 * per tick instead of every socket at once: 10,000 pings in one turn of the event loop held every
 * message behind them for hundreds of milliseconds.
 */
export class HeartbeatWheel<T> {
  private readonly slices: Set<T>[];
  private readonly sliceOf = new Map<T, Set<T>>();
  private placed = 0;
  private due = 0;

  constructor(readonly sliceCount: number) {
    if (!Number.isInteger(sliceCount) || sliceCount < 1) throw new RangeError('sliceCount must be ≥ 1');
    this.slices = Array.from({ length: sliceCount }, () => new Set<T>());
  }

  get size(): number {
    return this.sliceOf.size;
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
    const slice = this.slices[this.due];
    this.due = (this.due + 1) % this.sliceCount;
    return [...slice];
  }
}
