/**
 * The entry both arms publish, and the cheap parsing readers use to find what they need in a
 * delivered frame without JSON-parsing it: the envelope's `seq` and the send stamp the editor put
 * in the headline (`bench <phase> t=<intended send time, ms>`).
 */

/** `m`: measured entry; `w`: warm-up or seed entry (counted for loss, not for latency). */
export type Phase = 'm' | 'w';

const HEADLINE_PREFIX = 'bench ';

/** ~420 characters of plain news text, so both arms carry the same realistic payload. */
export const ENTRY_BODY =
  'U.S. Secretary of State John Kerry and Russian Foreign Minister Sergei Lavrov began talks in London ' +
  'on Friday in a last-ditch effort to defuse the crisis over Crimea, two days before a referendum on ' +
  'the peninsula joining Russia. Western officials said they expected little from the meeting, and ' +
  'European leaders prepared sanctions that could take effect as early as Monday if Moscow does not ' +
  'pull back its forces from the region.';

export function headline(phase: Phase, intendedMs: number): string {
  return `${HEADLINE_PREFIX}${phase} t=${intendedMs.toFixed(3)}`;
}

const SEQ_KEY = Buffer.from('"seq":');
const HEADLINE_KEY = Buffer.from(`"headline":"${HEADLINE_PREFIX}`);
const HEADLINE_KEY_LEN = HEADLINE_KEY.length;

/** Parses the unsigned integer that starts at `at`; -1 when there is none. */
function readInt(buf: Buffer, at: number): number {
  let n = 0;
  let i = at;
  for (; i < buf.length; i++) {
    const c = buf[i] ?? 0;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  return i === at ? -1 : n;
}

/** The first `"seq":` value in the frame (the envelope's), or -1. */
export function frameSeq(buf: Buffer, fromEnd = false): number {
  const i = fromEnd ? buf.lastIndexOf(SEQ_KEY) : buf.indexOf(SEQ_KEY);
  return i < 0 ? -1 : readInt(buf, i + SEQ_KEY.length);
}

export interface Stamp {
  phase: Phase;
  sentMs: number;
}

/** The stamp in the frame's headline, or null when the entry is not a benchmark entry. */
export function frameStamp(buf: Buffer): Stamp | null {
  const i = buf.indexOf(HEADLINE_KEY);
  if (i < 0) return null;
  const p = i + HEADLINE_KEY_LEN;
  const phase = buf[p] === 0x6d ? 'm' : 'w';
  const start = p + 4; // "<phase> t="
  const end = buf.indexOf(0x22, start); // closing quote
  if (end < 0) return null;
  const sentMs = Number(buf.toString('latin1', start, end));
  return Number.isFinite(sentMs) ? { phase, sentMs } : null;
}

/** The same, from a parsed headline string (socket.io-client probes). */
export function headlineStamp(text: string): Stamp | null {
  if (!text.startsWith(HEADLINE_PREFIX)) return null;
  const phase = text[HEADLINE_PREFIX.length] === 'm' ? 'm' : 'w';
  const sentMs = Number(text.slice(HEADLINE_PREFIX.length + 4));
  return Number.isFinite(sentMs) ? { phase, sentMs } : null;
}
