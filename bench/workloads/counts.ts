// W4: readCount / unreadCount (messageReceipts for one message) in groups of 10 to 100,000
// members, each message about half read. The figures live on the message row: flat by design.
import { compareLatencies, type LatencyCase } from '../compare.ts';
import { floorReceipts } from '../floor.ts';
import type { Workload } from '../types.ts';

export const countsWorkload: Workload = {
  id: 'W4',
  title: 'readCount/unreadCount by group size',
  async run(ctx) {
    const { client, raw, seed } = ctx;
    await client.signIn([seed.owner]);
    const cases: LatencyCase[] = [];
    for (const { size, msgID } of seed.ids.sized) {
      const [r] = await client.receipts(seed.owner, [msgID]);
      if (r.readCount + r.unreadCount !== size - 1 || r.readCount !== Math.floor(size / 2)) {
        throw new Error(`W4: group of ${size}: got ${r.readCount} read + ${r.unreadCount} unread`);
      }
      cases.push({
        name: `${size.toLocaleString('en-US')} members (${r.readCount.toLocaleString('en-US')} read): latency`,
        gql: () => client.receipts(seed.owner, [msgID]),
        floor: () => floorReceipts(raw, [msgID]),
      });
    }
    const figures = await compareLatencies(ctx, 'W4', cases);
    const smallest = figures[0].value.median;
    const biggest = figures.at(-1)!.value.median;
    const sizes = seed.ids.sized.map((s) => s.size.toLocaleString('en-US'));
    return {
      figures,
      targets: [
        {
          workload: 'W4',
          text: `${sizes.at(-1)}-member figure ≤ 2× the ${sizes[0]}-member figure`,
          pass: biggest <= 2 * smallest,
          detail: `${biggest.toFixed(2)} ms vs ${smallest.toFixed(2)} ms = ${(biggest / smallest).toFixed(2)}×`,
        },
      ],
    };
  },
};
