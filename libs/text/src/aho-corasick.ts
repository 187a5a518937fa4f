/**
 * Aho-Corasick over integer sequences: every occurrence of every pattern in one left-to-right pass,
 * so matching cost grows with the text length (plus the matches found), not with the word count.
 * Outputs are merged along failure links at build time, which is cheap for word lists.
 */
const ROOT_TABLE_SIZE = 0x1200;

export class AhoCorasick {
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  private readonly out: number[][] = [[]];
  private built = false;
  /** Root transitions for small symbols (ASCII, conjoining jamo) in an array: most steps start there. */
  private rootTable = new Int32Array(0);

  add(sequence: ArrayLike<number>, id: number): void {
    if (this.built) throw new Error('AhoCorasick: add() after build()');
    if (sequence.length === 0) throw new Error('AhoCorasick: empty pattern');
    let state = 0;
    for (let i = 0; i < sequence.length; i++) {
      let target = this.next[state].get(sequence[i]);
      if (target === undefined) {
        target = this.next.length;
        this.next.push(new Map());
        this.fail.push(0);
        this.out.push([]);
        this.next[state].set(sequence[i], target);
      }
      state = target;
    }
    this.out[state].push(id);
  }

  build(): this {
    const queue: number[] = [...this.next[0].values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      for (const [symbol, target] of this.next[state]) {
        let f = this.fail[state];
        while (f !== 0 && !this.next[f].has(symbol)) f = this.fail[f];
        const viaFail = this.next[f].get(symbol);
        this.fail[target] = viaFail !== undefined && viaFail !== target ? viaFail : 0;
        const inherited = this.out[this.fail[target]];
        if (inherited.length > 0) this.out[target] = [...this.out[target], ...inherited];
        queue.push(target);
      }
    }
    this.rootTable = new Int32Array(ROOT_TABLE_SIZE);
    for (const [symbol, target] of this.next[0]) {
      if (symbol >= 0 && symbol < ROOT_TABLE_SIZE) this.rootTable[symbol] = target;
    }
    this.built = true;
    return this;
  }

  /** Calls `onMatch(id, end)` for each occurrence, `end` being the index of its last symbol. */
  scan(sequence: ArrayLike<number>, length: number, onMatch: (id: number, end: number) => void): void {
    if (!this.built) throw new Error('AhoCorasick: scan() before build()');
    const { next, fail, out, rootTable } = this;
    const root = next[0];
    let state = 0;
    for (let i = 0; i < length; i++) {
      const symbol = sequence[i];
      let target: number | undefined;
      while (state !== 0) {
        target = next[state].get(symbol);
        if (target !== undefined) break;
        state = fail[state];
      }
      if (state === 0)
        target = symbol >= 0 && symbol < ROOT_TABLE_SIZE ? rootTable[symbol] : root.get(symbol);
      state = target ?? 0;
      const found = out[state];
      for (let k = 0; k < found.length; k++) onMatch(found[k], i);
    }
  }
}
