/** Cursors: `<epoch>.<seq>`, opaque to clients (SPEC §2). A leaf, shared by the store and the use cases. */

export function formatCursor(epoch: string, seq: number): string {
  return `${epoch}.${seq}`;
}

export function parseCursor(cursor: string): { epoch: string; seq: number } | null {
  const m = /^([A-Za-z0-9]{1,40})\.(\d{1,15})$/.exec(cursor);
  if (!m?.[1] || !m[2]) return null;
  const seq = Number(m[2]);
  return Number.isSafeInteger(seq) ? { epoch: m[1], seq } : null;
}
