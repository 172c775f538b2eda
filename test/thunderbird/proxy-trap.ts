// A loopback HTTP proxy that forwards nothing: the Thunderbird profile sends all HTTP and HTTPS through it,
// so any request a preference failed to switch off lands here instead of on the internet. It records the
// first request line of each connection (`CONNECT host:443 HTTP/1.1`, `GET http://...`) and answers 403.
import net from 'node:net';

export interface ProxyTrap {
  port: number;
  /** Request lines seen so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startProxyTrap(): Promise<ProxyTrap> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that resets the connection is no failure of the trap: its request line is already recorded.
    socket.on('error', () => socket.destroy());
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n');
      if (end < 0 && head.length < 8192) return;
      requests.push(end < 0 ? head.slice(0, 200) : head.slice(0, end));
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      socket.removeAllListeners('data');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
