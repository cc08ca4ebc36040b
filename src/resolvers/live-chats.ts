// Live chat activity for messageAdded and conversationUpdated. A group message is published
// once, on the group's topic, not once per member (a group may have 100,000 members); a
// subscriber listens to its own user topic plus the topics of its groups. One-to-one events go
// straight to both users' topics.
import { Repeater } from 'graphql-yoga';
import type { PubSub } from '../pubsub/index.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * `message`: a new message. `read`: the receiver's read state of the chat changed (they marked
 * it read, maybe on another device, or the one-to-one peer did). `joined`: the receiver joined
 * a group, so their stream starts listening to it.
 */
export type ChatEvent =
  | { kind: 'message'; key: string; messageID: number }
  | { kind: 'read'; key: string }
  | { kind: 'joined'; key: string };

const isGroupKey = (key: string) => key.startsWith('GROUP');

/** A message was committed in chat `key`; one-to-one, `c2cUsers` are its two users. */
export function announceMessage(pubsub: PubSub, key: string, messageID: number, c2cUsers: string[]) {
  const event: ChatEvent = { kind: 'message', key, messageID };
  if (isGroupKey(key)) pubsub.publish('chats:group', key, event);
  else for (const userID of c2cUsers) pubsub.publish('chats:user', userID, event);
}

/** `userIDs` should refresh their view of chat `key` (unread count, peer read time). */
export function announceRead(pubsub: PubSub, key: string, userIDs: string[]) {
  for (const userID of userIDs) pubsub.publish('chats:user', userID, { kind: 'read', key });
}

/** `userIDs` joined group chat `key`: their open streams start listening to it. */
export function announceJoined(pubsub: PubSub, key: string, userIDs: string[]) {
  for (const userID of userIDs) pubsub.publish('chats:user', userID, { kind: 'joined', key });
}

export class LiveChats {
  private readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }

  /**
   * Events for `viewerID`'s chats (only chat `onlyKey` if given). Membership is checked again
   * for each group event, so a member who leaves stops hearing the group at once.
   */
  stream(viewerID: string, onlyKey?: string): AsyncIterable<ChatEvent> {
    const { pubsub, db } = this.deps;
    const isMember = async (key: string) =>
      (await db.participant.count({ where: { conversationId: key, userId: viewerID } })) > 0;
    return new Repeater<ChatEvent>(async (push, stop) => {
      const listening = new Map<string, AsyncIterator<ChatEvent>>();
      let stopped = false;
      // The user's own topic is attached first, so no 'joined' is missed while the groups load,
      // but its events wait until the groups are attached too: once anything arrives, all is live.
      let groupsAttached!: () => void;
      const ready = new Promise<void>((resolve) => {
        groupsAttached = resolve;
      });
      const pump = async (iterator: AsyncIterator<ChatEvent>, groupKey?: string) => {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          await ready;
          const event = next.value;
          if (onlyKey && event.key !== onlyKey) continue;
          if (event.kind === 'joined' && isGroupKey(event.key)) listen(event.key);
          if (groupKey && !(await isMember(groupKey))) {
            // Left the group: stop listening until a later 'joined'.
            listening.delete(groupKey);
            await iterator.return?.();
            return;
          }
          await push(event);
        }
      };
      const listen = (key: string) => {
        if (listening.has(key) || stopped) return;
        const iterator = pubsub.subscribe('chats:group', key)[Symbol.asyncIterator]();
        listening.set(key, iterator);
        pump(iterator, key).catch(stop);
      };
      const own = pubsub.subscribe('chats:user', viewerID)[Symbol.asyncIterator]();
      pump(own).catch(stop);
      const groups = onlyKey
        ? isGroupKey(onlyKey)
          ? [onlyKey]
          : []
        : (
            await db.participant.findMany({
              where: { userId: viewerID, conversationId: { startsWith: 'GROUP' } },
              select: { conversationId: true },
            })
          ).map((p) => p.conversationId);
      for (const key of groups) listen(key);
      groupsAttached();
      await stop;
      stopped = true;
      await Promise.all([own, ...listening.values()].map((it) => it.return?.()));
    });
  }
}
