/**
 * `liveblog/follow`: follow blogs' events from Redis (SPEC §9) in another TypeScript service, with the
 * contract's schemas to validate and type them.
 */
export {
  follow,
  FOLLOW_BATCH_MAX_EVENTS,
  FOLLOW_BLOCK_MS,
  FOLLOW_CHECK_INTERVAL_MS,
  type CheckpointStore,
  type Follower,
  type FollowOptions,
  type ResetReason,
} from './follower.js';
export { EventSchema, type LiveEvent, type EventType } from '../schema.js';
export { formatCursor, parseCursor } from '../cursor.js';
