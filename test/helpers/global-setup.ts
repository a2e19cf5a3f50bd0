/** Starts one private redis-server for the whole run; tests read its URL from TEST_REDIS_URL. */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { RedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await RedisServer.start();
  project.provide('redisUrl', redis.url);
  return () => redis.dispose();
}
