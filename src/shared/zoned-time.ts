/** Wall-clock times in a named time zone (the console schedules drafts in the blog's zone). */

/** The UTC instant of a wall-clock time (`YYYY-MM-DDTHH:MM`) in `timeZone` (IANA); undefined = this browser's. */
export function zonedToUtc(local: string, timeZone: string | undefined): Date {
  if (!timeZone) return new Date(local);
  const [date = '', time = '00:00'] = local.split('T');
  const [y = 0, mo = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, mi = 0] = time.split(':').map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const offsetAt = (ms: number): number => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(new Date(ms));
    const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
    return wall - Math.floor(ms / 60_000) * 60_000;
  };
  // Twice: the offset at the guess may differ from the offset at the answer around a DST change.
  const first = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(first));
}
