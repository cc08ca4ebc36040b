// graphql-ws over `ws`, as graphql-ws's own useServer does it, but with a bound for slow readers.
// useServer waits for every frame to be flushed before a subscription takes its next event, so
// a client that stops reading makes events pile up, unbounded and unseen, in each subscription's
// queue (1,000 subscriptions on one such socket grew the server by 1.5 GB). Here a frame is
// queued on the socket at once, where `bufferedAmount` sees it, and a socket whose backlog passes
// WS_MAX_BUFFERED_BYTES is dropped, which frees the backlog and ends its subscriptions.
import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';

export type SocketExtra = { socket: WebSocket; request: IncomingMessage };

/** A ping every 12 s (graphql-ws's default); no pong by the next one and the socket is dropped. */
const KEEP_ALIVE_MS = 12_000;

export function serveGraphqlWs<P extends Record<string, unknown>>(
  options: ServerOptions<P, SocketExtra>,
  wsServer: WebSocketServer,
  maxBufferedBytes: number,
) {
  const server = makeServer<P, SocketExtra>(options);
  wsServer.options.handleProtocols = handleProtocols;
  wsServer.on('connection', (socket, request) => {
    // ws closes the socket itself on protocol errors (1009 for a frame over maxPayload); any
    // other error closes it here. An 'error' without a listener would crash the process.
    socket.on('error', () => {
      if (socket.readyState === socket.OPEN) socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    let awaitingPong = false;
    const keepAlive = setInterval(() => {
      if (awaitingPong) return socket.terminate();
      awaitingPong = true;
      socket.ping();
    }, KEEP_ALIVE_MS);
    socket.on('pong', () => {
      awaitingPong = false;
    });
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => {
          if (socket.readyState !== socket.OPEN) return;
          socket.send(data);
          // A reader this far behind will not catch up: a close frame would queue behind the
          // backlog, so the connection is dropped (the client sees 1006).
          if (socket.bufferedAmount > maxBufferedBytes) socket.terminate();
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              console.error('[ws] handling a message failed:', error);
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      void closed(code, String(reason));
    });
  });
  return {
    /** Closes every socket with 1001 (going away). */
    dispose() {
      for (const socket of wsServer.clients) socket.close(1001, 'Going away');
    },
  };
}
