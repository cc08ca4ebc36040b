// W8's floor: the least work any server can do to deliver one event to N sockets of one user.
// It speaks just enough of graphql-ws's protocol (graphql-transport-ws) for the same clients:
// acknowledge, remember each subscription's id, answer pings. An event is serialized once; each
// socket then costs one string concatenation (its subscription id) and one send. No parsing,
// no execution, no auth: a server that did less per socket would not be delivering.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

type Subscription = { socket: WebSocket; id: string };

export type FanoutFloor = {
  wsUrl: string;
  /** Delivers `receipt` as receiptUpdated to every subscription opened with this authorization. */
  publish(authorization: string, receipt: Record<string, unknown>): void;
  close(): Promise<void>;
};

export async function startFanoutFloor(): Promise<FanoutFloor> {
  const byUser = new Map<string, Subscription[]>();
  const http = createServer();
  const server = new WebSocketServer({ server: http, handleProtocols: () => 'graphql-transport-ws' });
  server.on('connection', (socket) => {
    let user = '';
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string; payload?: { authorization?: string } };
      if (message.type === 'connection_init') {
        user = message.payload?.authorization ?? '';
        socket.send('{"type":"connection_ack"}');
      } else if (message.type === 'ping') {
        socket.send('{"type":"pong"}');
      } else if (message.type === 'subscribe' && message.id) {
        byUser.set(user, [...(byUser.get(user) ?? []), { socket, id: message.id }]);
      }
    });
    socket.on('close', () =>
      byUser.set(
        user,
        (byUser.get(user) ?? []).filter((s) => s.socket !== socket),
      ),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    publish(authorization, receipt) {
      const payload = JSON.stringify({ data: { receiptUpdated: receipt } });
      for (const { socket, id } of byUser.get(authorization) ?? []) {
        socket.send(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`);
      }
    },
    async close() {
      for (const socket of server.clients) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
