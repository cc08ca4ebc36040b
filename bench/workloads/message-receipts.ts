// W2: messageReceipts for 30 messages of the big group (and for 1): latency, and the SQL
// statements the server runs, which must not grow with the number of messages.
import { compareLatencies, countStatements, statementFigure } from '../compare.ts';
import { floorReceipts } from '../floor.ts';
import type { Target, Workload } from '../types.ts';

export const messageReceiptsWorkload: Workload = {
  id: 'W2',
  title: 'messageReceipts for 30 messages',
  async run(ctx) {
    const { client, raw, seed } = ctx;
    const owner = seed.owner;
    await client.signIn([owner]);
    const thirty = seed.ids.receipts;
    const one = thirty.slice(0, 1);
    const members = ctx.scale.bigGroup.toLocaleString('en-US');

    const check = await client.receipts(owner, thirty);
    if (check.length !== 30 || check.some((r, i) => r.msgID !== String(thirty[i]))) {
      throw new Error('W2: messageReceipts did not return the 30 messages in order');
    }
    const figures = await compareLatencies(ctx, 'W2', [
      {
        name: `30 messages of a ${members}-member group: latency`,
        gql: () => client.receipts(owner, thirty),
        floor: () => floorReceipts(raw, thirty),
      },
      { name: '1 message: latency', gql: () => client.receipts(owner, one), floor: () => floorReceipts(raw, one) },
    ]);
    const forOne = await countStatements(ctx, () => client.receipts(owner, one));
    const forThirty = await countStatements(ctx, () => client.receipts(owner, thirty));
    figures.push(
      statementFigure('W2', '1 message: SQL statements', forOne.count),
      statementFigure('W2', '30 messages: SQL statements', forThirty.count),
    );
    const targets: Target[] = [
      {
        workload: 'W2',
        text: 'SQL statements equal for 1 and 30 messages, and ≤ 4',
        pass: forOne.count === forThirty.count && forThirty.count <= 4,
        detail: `${forOne.count} for 1, ${forThirty.count} for 30`,
      },
    ];
    return { figures, targets };
  },
};
