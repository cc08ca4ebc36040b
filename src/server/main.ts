// npm start (`node src/server/main.ts`, on Node's own type stripping): applies pending
// migrations, then serves GraphQL, GraphiQL and graphql-ws on /graphql. A start-up mistake
// (a setting, the port, the database) ends in one line on stderr and exit code 1.
import { StartupError } from '../startup-error.ts';
import { type App, buildApp } from './app.ts';

let app: App;
let url: string;
try {
  app = await buildApp();
  url = await app.start();
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(`read receipts cannot start: ${error.message}`);
  process.exit(1);
}
console.log(`read receipts: GraphQL ${url}  (GraphiQL in a browser, graphql-ws on the same URL)`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await app.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
