// One graphql-ws client the way the benchmark's sockets open: eager, no retries, resolved once the
// server has acknowledged connection_init. Shared by in-process sockets and the swarm's children.
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export function connectSocket(url: string, authorization: string): Promise<Client> {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
    lazy: false,
  });
  return new Promise((resolve, reject) => {
    const off = client.on('connected', () => {
      off();
      resolve(client);
    });
    client.on('closed', (event) => reject(new Error(`socket closed: ${(event as { code?: number }).code}`)));
  });
}
