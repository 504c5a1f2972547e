// Loopback HTTP servers for the load generator's tests: they count what really reached them
// (requests, open sockets, the most sockets open at once), so caps are checked on the server side.

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CountingServer {
  url: string;
  port: number;
  requests: number;
  openSockets: number;
  maxOpenSockets: number;
  socketsAccepted: number;
  close(): Promise<void>;
}

export type Answer =
  | { kind: 'page'; instanceId: string }
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'custom'; respond: (req: http.IncomingMessage, res: http.ServerResponse) => void };

/** The shape of the lab's index.php output (its rows close with <tr>, as the PHP prints them). */
export function labPage(instanceId: string): string {
  return (
    '<html><body><table>' +
    `<tr><td>Instance ID</td><td><i>${instanceId}</i></td><tr>` +
    '<tr><td>Private IP Address</td><td><i>10.1.3.17</i></td><tr>' +
    '<tr><td>Availability Zone</td><td><i>ap-northeast-2a</i></td><tr>' +
    '</table></body></html>'
  );
}

export async function startCountingServer(answer: Answer): Promise<CountingServer> {
  const sockets = new Set<Socket>();
  const state: CountingServer = {
    url: '',
    port: 0,
    requests: 0,
    openSockets: 0,
    maxOpenSockets: 0,
    socketsAccepted: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    state.requests += 1;
    switch (answer.kind) {
      case 'page':
        res.writeHead(200, { 'content-type': 'text/html' }).end(labPage(answer.instanceId));
        return;
      case 'status':
        res.writeHead(answer.status, { 'content-type': 'text/plain' }).end('no');
        return;
      case 'hang':
        return; // never answers; the socket is destroyed in close()
      case 'custom':
        answer.respond(req, res);
        return;
    }
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    state.socketsAccepted += 1;
    state.openSockets = sockets.size;
    state.maxOpenSockets = Math.max(state.maxOpenSockets, sockets.size);
    socket.on('close', () => {
      sockets.delete(socket);
      state.openSockets = sockets.size;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}/`;
  return state;
}

/**
 * A front server that hands each request to the next backend in `rotation` (a list of backend
 * indexes, e.g. [0, 0, 1] for a 2:1 split) and relays its page, like a load balancer does.
 */
export async function startRotatingFront(
  backends: CountingServer[],
  rotation: number[],
): Promise<CountingServer> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  const front = await startCountingServer({
    kind: 'custom',
    respond: (_req, res) => {
      const backend = backends[rotation[next % rotation.length]!]!;
      next += 1;
      http
        .get({ host: '127.0.0.1', port: backend.port, path: '/', agent }, (upstream) => {
          const chunks: Buffer[] = [];
          upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
          upstream.on('end', () => res.writeHead(upstream.statusCode ?? 502).end(Buffer.concat(chunks)));
        })
        .on('error', () => res.writeHead(502).end());
    },
  });
  const closeFront = front.close;
  front.close = async () => {
    agent.destroy();
    await closeFront();
  };
  return front;
}
