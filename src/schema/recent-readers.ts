// MessageReceipt.recentReaders: the "Seen by" faces. Batched across every receipt in a response
// (a page of messages, or one live event), so a page costs the same statements as one message.

import type { ReceiptView } from '../resolvers/receipt-view.ts';
import { DEFAULT_RECENT_READERS, MAX_RECENT_READERS } from '../resolvers/recent-readers.ts';
import { builder } from './builder.ts';
import { pageSizeSchema } from './inputs.ts';
import { MessageReceiptRef } from './receipt-type.ts';
import { UserRef } from './user.ts';

builder.objectField(MessageReceiptRef, 'recentReaders', (t) =>
  t.loadableList({
    type: UserRef,
    description: `Group: the latest readers, newest first ("Seen by ..."), at most ${MAX_RECENT_READERS}. Empty for one-to-one.`,
    args: {
      first: t.arg.int({ defaultValue: DEFAULT_RECENT_READERS, validate: pageSizeSchema(MAX_RECENT_READERS) }),
    },
    // One loader per field path, so it sees `first`; no cache, so each live event loads afresh.
    byPath: true,
    loaderOptions: { cache: false },
    load: async (views: ReceiptView[], ctx, args) => {
      const ids = views.filter((v) => v.groupID && v.msgID).map((v) => Number(v.msgID));
      const first = args.first ?? DEFAULT_RECENT_READERS;
      const readers = await ctx.services.recentReaders.forMessages(ctx.viewer!.userID, ids, first);
      return views.map((v) => (v.groupID && v.msgID ? (readers.get(Number(v.msgID)) ?? []) : []));
    },
    resolve: (view) => view,
  }),
);
