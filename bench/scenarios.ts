/** The scenarios of a full run and of `--quick` (CI). */

/** `cross`: every reader on instance 2, editors on instance 1; `mixed`: readers alternate between both. */
export type Placement = 'cross' | 'mixed';

export interface Scenario {
  name: string;
  /**
   * `crowd` measures the connect/subscribe phase; `storm` the failover of readers from a killed
   * instance (bench/storm.ts); `cluster` runs on a Redis Cluster (bench/cluster.ts); the others measure
   * deliveries of published entries.
   */
  kind: 'crowd' | 'fanout' | 'saturation' | 'editor' | 'storm' | 'cluster';
  description: string;
  readers: number;
  /** How many of `readers` are real socket.io-client probes (the rest are raw `ws` readers). */
  probes: number;
  connectRatePerSec: number;
  placement: Placement;
  /** Entries per second (the first step, for saturation). */
  ratePerSec: number;
  durationS: number;
  warmupS: number;
  editors: number;
  /** After the last entry, how long deliveries may still arrive before the rest count as lost. */
  drainTimeoutMs: number;
  /** Saturation: entry rates tried in order while the arm still passes. */
  ladder?: number[];
  /** Saturation: a step passes with zero loss and p99 at most this. */
  p99LimitMs?: number;
  /** Readers spread evenly over this many blogs, entries round-robin over them (default 1). */
  blogs?: number;
  /** Entries created in each blog before the readers come (default 20). */
  seedPerBlog?: number;
  /**
   * Crowd: this many readers connect, subscribe and leave first, outside the measured window (both
   * arms), so the crowd meets instances that have served readers before — as a running server has when
   * a story breaks — not a process still compiling its connection path.
   */
  warmupReaders?: number;
  /** Arms the scenario applies to (default both). */
  arms?: ('liveblog' | 'baseline')[];
}

const probesFor = (readers: number): number => Math.min(100, Math.ceil(readers / 10));

function fanout(
  name: string,
  description: string,
  readers: number,
  rate: number,
  seconds: number,
  placement: Placement = 'cross',
): Scenario {
  return {
    name,
    kind: 'fanout',
    description,
    readers,
    probes: probesFor(readers),
    connectRatePerSec: 1000,
    placement,
    ratePerSec: rate,
    durationS: seconds,
    warmupS: 1,
    editors: 5,
    drainTimeoutMs: 10_000,
  };
}

/** Readers arriving at 1,000/s (on instance 2: `cross`), each subscribing once; warm instances. */
function crowd(name: string, description: string, readers: number): Scenario {
  return {
    name,
    kind: 'crowd',
    description,
    readers,
    warmupReaders: 500,
    probes: 100,
    connectRatePerSec: 1000,
    placement: 'cross',
    ratePerSec: 0,
    durationS: 0,
    warmupS: 0,
    editors: 1,
    drainTimeoutMs: 0,
  };
}

export const FULL_SCENARIOS: Scenario[] = [
  crowd('crowd', 'breaking news: 5,000 readers connect and subscribe within 5 s', 5000),
  crowd(
    'crowd-10k',
    'breaking news on one instance: 10,000 readers connect and subscribe within 10 s',
    10_000,
  ),
  fanout('fanout-1k', 'fan-out: 1,000 readers × 10 entries/s × 20 s', 1000, 10, 20),
  fanout(
    'fanout-1k-mixed',
    'fan-out: 1,000 readers split over both instances × 10/s × 20 s',
    1000,
    10,
    20,
    'mixed',
  ),
  fanout('fanout-5k', 'fan-out: 5,000 readers × 5 entries/s × 20 s', 5000, 5, 20),
  fanout('fanout-10k', 'fan-out: 10,000 readers × 1 entry/s × 20 s', 10_000, 1, 20),
  fanout('bursty', 'bursty editor: 200 readers × 200 entries/s × 10 s', 200, 200, 10),
  {
    ...fanout(
      'saturation',
      'saturation: 1,000 readers, entry rate raised until p99 > 250 ms or loss',
      1000,
      100,
      10,
    ),
    kind: 'saturation',
    ladder: [50, 100, 200, 400],
    p99LimitMs: 250,
  },
  {
    ...fanout(
      'editor',
      'editor: 50 entries/s from 5 editors (ack latency), 200 readers attached',
      200,
      50,
      10,
    ),
    kind: 'editor',
  },
];

/**
 * Issue 10's scenarios. Not part of a plain full run (`npm run bench`): name them with --scenario.
 * - `many-blogs`: the per-blog cost (RSS, CPU per delivery, ack p99) with 1,000 blogs of 3 readers each.
 * - `reconnect-storm`: 5,000 readers on instance A of two; A is SIGKILLed; they reconnect like the
 *   browser (jittered) to B and resume. liveblog only: the baseline has no resume.
 * - `cluster`: readers over two instances, blogs on different shards of a 3-master Redis Cluster.
 *   NEEDS REDIS_CLUSTER_NODES support in liveblog (issue 10, the cluster half): until that is merged
 *   the instances ignore the variable, fail to start without REDIS_URL … see bench/cluster.ts.
 */
export const TOPOLOGY_SCENARIOS: Scenario[] = [
  {
    ...fanout(
      'many-blogs',
      'many blogs: 1,000 blogs × 3 readers, 100 entries/s round-robin over the blogs × 20 s',
      3000,
      100,
      20,
    ),
    probes: 0,
    blogs: 1000,
    seedPerBlog: 1,
  },
  {
    ...fanout(
      'reconnect-storm',
      'reconnect storm: 5,000 readers on instance A, A SIGKILLed, they resume on B (5 entries/s)',
      5000,
      5,
      15,
    ),
    kind: 'storm',
    probes: 0,
    // Readers come at half the crowd's pace: the storm is the failover, not the first connect.
    connectRatePerSec: 500,
    arms: ['liveblog'],
    drainTimeoutMs: 30_000,
  },
  {
    ...fanout(
      'cluster',
      'cluster: 4 blogs on different shards of a 3-master Redis Cluster, 1,000 readers on both instances × 10/s',
      1000,
      10,
      20,
      'mixed',
    ),
    kind: 'cluster',
    probes: 0,
    blogs: 4,
    arms: ['liveblog'],
  },
];

export const QUICK_SCENARIOS: Scenario[] = [
  {
    name: 'quick-crowd',
    kind: 'crowd',
    description: 'quick: 50 readers connect and subscribe within 0.5 s',
    readers: 50,
    probes: 5,
    connectRatePerSec: 100,
    placement: 'cross',
    ratePerSec: 0,
    durationS: 0,
    warmupS: 0,
    editors: 1,
    drainTimeoutMs: 0,
  },
  {
    ...fanout(
      'quick-fanout',
      'quick: 50 readers split over both instances × 20 entries/s × 2 s',
      50,
      20,
      2,
      'mixed',
    ),
    probes: 5,
    connectRatePerSec: 200,
    warmupS: 0.25,
    editors: 2,
    drainTimeoutMs: 5000,
  },
];
