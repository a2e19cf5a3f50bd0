/** Serves a small express app on a free loopback port, for the unit tests of one middleware or router. */
import type { Express } from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TinyApp {
  url: string;
  close(): Promise<void>;
}

export async function serve(app: Express): Promise<TinyApp> {
  const http = createServer(app);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections();
        http.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
