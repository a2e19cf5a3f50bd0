/**
 * A log-bucketed latency histogram (1 % relative precision from 1 µs to ~10 min) that is cheap to
 * record into and to merge across processes: workers ship sparse bucket counts over IPC instead of
 * every sample.
 */
const MIN_MS = 0.001;
const RATIO = 1.01;
const LOG_RATIO = Math.log(RATIO);
const BUCKETS = 2100;

export interface HistogramData {
  /** [bucketIndex, count] pairs, only the non-empty buckets. */
  buckets: [number, number][];
  count: number;
  sum: number;
  max: number;
  min: number;
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  sum = 0;
  max = 0;
  min = Number.POSITIVE_INFINITY;

  record(ms: number): void {
    const v = ms > MIN_MS ? ms : MIN_MS;
    let i = Math.ceil(Math.log(v / MIN_MS) / LOG_RATIO);
    if (i >= BUCKETS) i = BUCKETS - 1;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    if (ms < this.min) this.min = ms;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
    this.min = Number.POSITIVE_INFINITY;
  }

  merge(data: HistogramData): void {
    for (const [i, c] of data.buckets) this.counts[i] = (this.counts[i] ?? 0) + c;
    this.count += data.count;
    this.sum += data.sum;
    if (data.max > this.max) this.max = data.max;
    if (data.min < this.min) this.min = data.min;
  }

  toData(): HistogramData {
    const buckets: [number, number][] = [];
    this.counts.forEach((c, i) => {
      if (c > 0) buckets.push([i, c]);
    });
    return { buckets, count: this.count, sum: this.sum, max: this.max, min: this.min };
  }

  /** The upper bound of the bucket holding the q-th quantile (0–100), capped at the exact max. */
  percentile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((q / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(MIN_MS * RATIO ** i, this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      mean: this.count > 0 ? this.sum / this.count : Number.NaN,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.count > 0 ? this.max : Number.NaN,
    };
  }
}
