// Binds the HTTP server, or says in one line why the port cannot be used (a StartupError, as
// main.ts prints it) instead of an 'error' event that surfaces as a crash elsewhere.
import type { Server } from 'node:http';
import { errorCode, StartupError } from '../startup-error.ts';

const ADVICE: Record<string, string> = {
  EADDRINUSE: 'is already in use: stop the process that holds it, or set PORT to a free port',
  EACCES: 'needs privileges this process lacks: set PORT to 1024 or above',
};

export function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = (error: Error) => {
      const code = errorCode(error) ?? error.message;
      reject(new StartupError(`PORT ${port} ${ADVICE[code] ?? 'cannot be listened on'} (${code}).`));
    };
    server.once('error', refused);
    server.listen(port, host, () => {
      server.off('error', refused);
      resolve();
    });
  });
}
