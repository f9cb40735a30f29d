// HTTP/2 PINGs from a Node client, one at a time, as tests of a server's ping policy send them.

import type { ClientHttp2Session } from 'node:http2';

/** Resolves when `send`'s callback is called or the session ends. */
export function answered(client: ClientHttp2Session, send: (done: () => void) => boolean | void): Promise<void> {
  return new Promise((resolve) => {
    if (client.destroyed) return resolve();
    const done = (): void => {
      client.off('close', done);
      resolve();
    };
    client.once('close', done);
    if (send(done) === false) done();
  });
}

/**
 * Pings up to `count` times, `before` awaited before each: after how many pings the server ended the
 * connection (`count` if it did not). After each ping's ACK a SETTINGS round trip (no ping, no data)
 * makes sure a GOAWAY sent right behind the ACK has arrived before the next ping goes out. `step` hears
 * what is awaited next, for a test to say where a server stopped answering.
 */
export async function pingsUntilClosed(
  client: ClientHttp2Session,
  count: number,
  before: () => Promise<void> | void = () => {},
  step: (awaited: string) => void = () => {},
): Promise<number> {
  for (let sent = 1; sent <= count; sent++) {
    await before();
    step(`the ACK of ping ${sent}`);
    await answered(client, (done) => client.ping(done));
    step(`the SETTINGS ACK after ping ${sent}`);
    await answered(client, (done) => void client.settings({}, done));
    if (client.destroyed) return sent;
  }
  return count;
}
