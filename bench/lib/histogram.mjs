// Log-bucketed latency histogram: 2% relative precision from 10 µs to 10 minutes, mergeable
// across generator processes (bucket counts add), constant memory however many samples.

const MIN_MS = 0.01;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
export const BUCKETS = Math.ceil(Math.log(600_000 / MIN_MS) / LOG_GROWTH) + 1;

export class Histogram {
  constructor() {
    this.counts = new Float64Array(BUCKETS);
    this.n = 0;
    this.sum = 0;
    this.max = 0;
  }

  record(ms) {
    const v = ms > MIN_MS ? ms : MIN_MS;
    let i = Math.ceil(Math.log(v / MIN_MS) / LOG_GROWTH);
    if (i >= BUCKETS) i = BUCKETS - 1;
    this.counts[i]++;
    this.n++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** Upper bound of the bucket holding the q-quantile (so it never understates latency). */
  quantile(q) {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(MIN_MS * GROWTH ** i, this.max);
    }
    return this.max;
  }

  merge(other) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.n += other.n;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    return this;
  }

  summary() {
    const r = (v) => (v === null ? null : Math.round(v * 100) / 100);
    return {
      count: this.n,
      mean: this.n ? r(this.sum / this.n) : null,
      p50: r(this.quantile(0.5)),
      p90: r(this.quantile(0.9)),
      p99: r(this.quantile(0.99)),
      p999: r(this.quantile(0.999)),
      max: this.n ? r(this.max) : null,
    };
  }

  /** Sparse form for IPC: [[bucket, count], ...]. */
  toJSON() {
    const sparse = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) sparse.push([i, this.counts[i]]);
    return { sparse, n: this.n, sum: this.sum, max: this.max };
  }

  static fromJSON(json) {
    const h = new Histogram();
    for (const [i, c] of json.sparse) h.counts[i] = c;
    h.n = json.n;
    h.sum = json.sum;
    h.max = json.max;
    return h;
  }
}
