// The server (npm start runs it through start.js; `node src/server/main.ts` runs it on Node's own
// type stripping too): applies pending migrations, then serves GraphQL, GraphiQL and graphql-ws on
// /graphql. A start-up mistake (a setting, the port, the database) ends in one line on stderr and
// exit code 1.
import { enableCompileCache } from 'node:module';
import { loadConfig } from '../config.ts';
import { StartupError } from '../startup-error.ts';
import type { App } from './app.ts';

function refuse(error: unknown): never {
  if (!(error instanceof StartupError)) throw error;
  console.error(`read receipts cannot start: ${error.message}`);
  process.exit(1);
}

// Node caches the stripped TypeScript and V8's code for every module on disk (os.tmpdir(), or
// NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so a restart loads faster.
enableCompileCache();

let app: App;
let url: string;
try {
  // Settings first, before loading the app's modules: a wrong setting fails in a moment.
  const config = loadConfig();
  const { buildApp } = await import('./app.ts');
  app = await buildApp({ config });
  url = await app.start();
} catch (error) {
  refuse(error);
}
app.logger.info({ url }, `read receipts: GraphQL ${url}  (GraphiQL in a browser, graphql-ws on the same URL)`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.logger.info({ signal }, `${signal}: stopping`);
  await app.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
