/**
 * The reader-facing words of SPEC §10 (corrections, verification, "What we know", reading order, feeds,
 * the snapshot), in plain English, in one object so they can move into the message catalogue as they are.
 * Shared by the server pages, the snapshot and the browser client; DOM-free.
 */
import type { Verification } from '../schema.js';

export const TRUST_TEXT = {
  verification: {
    unconfirmed: 'Unconfirmed',
    confirmed: 'Confirmed',
    disputed: 'Disputed',
  } satisfies Record<NonNullable<Verification>, string>,
  /** Said to screen readers before the label. */
  verificationLabel: 'Verification',
  correctionsTitle: 'Corrections',
  correctionPrefix: 'Correction',
  history: 'Earlier versions',
  summaryTitle: 'What we know',
  orderNewestFirst: 'Newest first',
  orderOldestFirst: 'Oldest first',
  orderLabel: 'Order',
  feed: 'Atom feed',
  feedKeyEvents: 'Atom feed of key events',
  saveCopy: 'Save a copy',
  saveCopyHint: 'one file that opens without a connection',
  snapshotMadeAt: 'Saved copy made',
  snapshotLive: 'The live page',
  revisionsTitle: 'Earlier versions of this update',
  revisionVersion: 'Version',
  revisionBy: 'by',
  backToBlog: 'Back to the live blog',
  imageRemoved: 'Image',
} as const;

/** The verification label in words, or '' when none was given. */
export function verificationText(verification: Verification | undefined): string {
  return verification ? TRUST_TEXT.verification[verification] : '';
}
