/** A token bucket: `ratePerSecond` sustained, bursts up to `burst`. Per instance, in memory. */
export class TokenBucket {
  private tokens: number;
  private at = Date.now();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = ratePerSecond * 2,
  ) {
    this.tokens = burst;
  }

  /** Takes one token; false when the caller is over its rate. A rate of 0 means unlimited. */
  take(): boolean {
    if (this.ratePerSecond <= 0) return true;
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.ratePerSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
