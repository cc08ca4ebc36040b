// The baseline for bench/cold-start.ts: a bare graphql-yoga server with a one-field schema, on
// node:http, started the same way as the service (plain `node`, PORT from the environment).
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'hi' } } }),
  logging: false,
});
const server = createServer(yoga);
server.listen(Number(process.env.PORT), () => console.log('bare yoga listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
