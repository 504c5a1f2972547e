import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A website on loopback as S3 serves the lab's: /mycar.html answers 200, every other path 403 (an object the
// bucket policy does not make public).

export interface WebsiteForTests {
  /** http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

export async function startWebsite(): Promise<WebsiteForTests> {
  const server = createServer((request, response) => {
    const ok = request.url === '/mycar.html';
    response.writeHead(ok ? 200 : 403, { 'content-type': 'text/html' });
    response.end(ok ? '<html>my car</html>' : '<html>403 Forbidden</html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
