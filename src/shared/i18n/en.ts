/** The reader page's interface strings in English: the reference catalogue every other one follows. */
export const en = {
  skipToContent: 'Skip to content',
  statusLive: 'Live',
  statusEnded: 'This live blog has ended.',
  keyEvents: 'Key events',
  updates: 'Updates',
  noUpdates: 'No updates yet.',
  loadOlder: 'Load older updates',
  olderPage: 'Older updates',
  newestPage: 'Back to the newest updates',
  pageNavigation: 'More updates',
  pinned: 'Pinned',
  keyEvent: 'Key event',
  updated: 'Updated',
  byAuthor: 'By {name}',
  copyLink: 'Copy link',
  linkCopied: 'Link copied',
  linkInAddressBar: 'Link in address bar',
  newUpdates: { one: '{n} new update', other: '{n} new updates' },
  connecting: 'Connecting…',
  connected: 'Connected — new updates appear automatically',
  reconnecting: 'Reconnecting…',
  offline: 'Offline — updates will resume when you are back online',
  endedUpdatesStopped: 'This live blog has ended; updates have stopped',
  gone: 'This live blog no longer exists; updates have stopped',
  loadOlderFailed: 'Could not load older updates.',
  loadOlderOffline: 'Could not load older updates — check your connection and try again.',
  serverRefused: 'The server refused this.',
  liveUpdatesAbout: 'Live updates: {title}',
} as const;

/** A message: plain text, or one text per plural category (Intl.PluralRules) with `{n}`. */
export type Message = string | Partial<Record<Intl.LDMLPluralRule, string>>;
export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, Message>;
