/** Reading another process's CPU time and resident memory from /proc (Linux only). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

const CLK_TCK = clockTicks();

/** User + system CPU time of every thread of the process, in microseconds; NaN when it is gone. */
export function cpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1e6) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** VmRSS in bytes; NaN when the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m?.[1] ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU of a set of processes over a window, as a share of one core (1 = 100 %). */
export class CpuWindow {
  private readonly start = new Map<number, number>();
  private startedAt = 0;
  private machineStart = 0;

  constructor(private readonly pids: readonly number[]) {}

  begin(nowMs: number): void {
    this.startedAt = nowMs;
    this.machineStart = machineBusyMicros();
    for (const pid of this.pids) this.start.set(pid, cpuMicros(pid));
  }

  /**
   * CPU used since begin() by processes outside `pids` (other users of the machine), as a share of one
   * core. Call right after end(); read at the same moment as the per-pid figures it subtracts.
   */
  foreignShare(nowMs: number, perPid: Map<number, { micros: number }>): number {
    const elapsedUs = (nowMs - this.startedAt) * 1000;
    let ours = 0;
    for (const v of perPid.values()) if (Number.isFinite(v.micros)) ours += v.micros;
    const busy = machineBusyMicros() - this.machineStart;
    return elapsedUs > 0 ? Math.max(0, busy - ours) / elapsedUs : Number.NaN;
  }

  /** Per pid: CPU µs used since begin() and the share of one core. */
  end(nowMs: number): Map<number, { micros: number; share: number }> {
    const elapsedUs = (nowMs - this.startedAt) * 1000;
    const out = new Map<number, { micros: number; share: number }>();
    for (const pid of this.pids) {
      const micros = cpuMicros(pid) - (this.start.get(pid) ?? Number.NaN);
      out.set(pid, { micros, share: elapsedUs > 0 ? micros / elapsedUs : Number.NaN });
    }
    return out;
  }
}

/** Process CPU time of the whole machine in µs (all cores), from /proc/stat; NaN when unreadable. */
export function machineBusyMicros(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: only user + nice + system, the time that
    // processes are charged with. Loopback traffic is processed in softirq time charged to no process,
    // so counting it would make the benchmark's own network traffic look like another process's load.
    const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0);
    return (busy * 1e6) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}
