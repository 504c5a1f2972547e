import { createServer, type Server, type Socket } from 'node:net';

// A stack endpoint that accepts TCP connections and never answers: what a hung instance or a black-holed
// port looks like to labdrill's probes.

export interface HangingServer {
  url: string;
  /** The connections held open right now. */
  sockets: ReadonlySet<Socket>;
  close(): Promise<void>;
}

export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the hanging server has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    sockets,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
