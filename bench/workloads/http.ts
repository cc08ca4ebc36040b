// W9: the real HTTP path. `{ me { id } }` over real HTTP (node:http with a keep-alive agent,
// lighter than fetch, so the client takes less of the machine; the same client for both) against the service and against a bare graphql-yoga server in the same
// process; rounds of the two interleave. The in-process yoga.fetch figure (how W1, W2 and W4
// drive the server) is beside them, to show what HTTP adds. The service answers `me { id }` from
// the verified token, with no SQL; a fourth side asks for a field of the user's row as well
// (`{ me { id readReceiptsEnabled } }`), so the figure for a query that reads the database is there too.
import { Agent, request } from 'node:http';
import { startBareServer } from '../bare-yoga.ts';
import { runPool, summarize } from '../stats.ts';
import { type Figure, figure, type Workload } from '../types.ts';

const ME = '{ me { id } }';
const ME_ROW = '{ me { id readReceiptsEnabled } }';
/** The service must reach this share of a bare Yoga server's requests/s (issue 13). */
const GOAL = 0.6;

export const httpWorkload: Workload = {
  id: 'W9',
  title: '{ me { id } } over real HTTP vs a bare Yoga',
  async run(ctx) {
    const { rounds, requests, concurrency } = ctx.scale.http;
    const user = ctx.seed.owner;
    await ctx.client.signIn([user]);
    const authorization = await ctx.client.authorization(user);
    const serviceUrl = (await ctx.wsUrl()).replace(/^ws/, 'http');
    const bare = await startBareServer();
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const bodies = { id: JSON.stringify({ query: ME }), row: JSON.stringify({ query: ME_ROW }) };
    // A keep-alive socket the server closed while idle (between rounds) fails on reuse with
    // ECONNRESET: a client-side race, retried once as Node's documentation advises.
    const post = (url: string, body = bodies.id, retried = false): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const headers = {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization,
        };
        const req = request(url, { method: 'POST', agent, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () =>
            text.includes('"me":{"id":') ? resolve() : reject(new Error(`W9: unexpected answer ${text}`)),
          );
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (req.reusedSocket && error.code === 'ECONNRESET' && !retried) post(url, body, true).then(resolve, reject);
          else reject(error);
        });
        req.end(body);
      });
    const sides = {
      service: () => post(serviceUrl),
      bare: () => post(bare.httpUrl),
      inProcess: () => ctx.client.gql(user, ME, {}),
      serviceRow: () => post(serviceUrl, bodies.row),
    };
    const names = Object.keys(sides) as (keyof typeof sides)[];
    const rates = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<keyof typeof sides, number[]>;
    try {
      for (let round = 0; round <= rounds; round++) {
        for (const k of names.keys()) {
          const name = names[(k + round) % names.length];
          const run = await runPool(requests, concurrency, sides[name]);
          if (round > 0) rates[name].push(requests / (run.elapsedMs / 1000));
        }
      }
    } finally {
      agent.destroy();
      await bare.close();
    }
    const [service, base, inProcess, serviceRow] = names.map((n) => summarize(rates[n], true));
    const label = `{ me { id } }, ${concurrency} in flight`;
    const figures: Figure[] = [
      figure('W9', `${label}: real HTTP, floor = bare graphql-yoga over HTTP`, 'requests/s', service, base, true),
      figure('W9', `${label}: in-process yoga.fetch (no HTTP)`, 'requests/s', inProcess, undefined, true),
      figure(
        'W9',
        `${ME_ROW} (reads the user's row), ${concurrency} in flight: real HTTP, floor = bare graphql-yoga's { me { id } }`,
        'requests/s',
        serviceRow,
        base,
        true,
      ),
    ];
    const ratio = service.median / base.median;
    const span = (s: typeof service) => `${Math.round(s.median)} (${Math.round(s.min!)}–${Math.round(s.max!)})`;
    return {
      figures,
      targets: [
        {
          workload: 'W9',
          text: `{ me { id } } over real HTTP ≥ ${GOAL}× a bare graphql-yoga server`,
          pass: ratio >= GOAL,
          detail: `${Math.round(service.median)} vs ${Math.round(base.median)} requests/s = ${ratio.toFixed(2)}×`,
        },
      ],
      notes: [
        `requests/s, median (min–max) over ${service.n} interleaved rounds of ${requests}: service ${span(service)}; bare Yoga ${span(base)}; service in-process ${span(inProcess)}; service with a database read (${ME_ROW}) ${span(serviceRow)}`,
      ],
    };
  },
};
