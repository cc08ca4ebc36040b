// npm start: applies pending migrations, then serves GraphQL, GraphiQL and graphql-ws on /graphql.
import { buildApp } from './app.ts';

const app = await buildApp();
const url = await app.start();
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
