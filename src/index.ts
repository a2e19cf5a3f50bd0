/** The package's public surface for other services: the schemas and types of the contract. */
export * from './schema.js';
export * from './answer-schemas.js';
export { blogKeys, blogIndexKey } from './store/keys.js';
export {
  follow,
  type CheckpointStore,
  type Follower,
  type FollowOptions,
  type ResetReason,
} from './follow/index.js';
export { createServer, type LiveblogServer } from './server.js';
export { loadConfig, type Config } from './config.js';
