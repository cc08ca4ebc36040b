// Sockets that ask for the same subscription in the same view share one execution. A user with
// thousands of sockets (tabs, devices, a bot) used to cost one graphql execution, one pubsub
// listener and a chain of async iterators per socket per event; now each event runs once per
// (document, operation, variables, viewer) and its result is handed to every socket in that
// group. Sockets of different viewers never share: the viewer is part of the key.
import { type DocumentNode, type ExecutionArgs, type ExecutionResult, print } from 'graphql';

type Result = ExecutionResult;
type Stream = AsyncIterableIterator<Result>;
type Listener = { push(result: Result): void; end(error?: unknown): void };

/** One upstream execution stream and the sockets that read it. */
type Group = { listeners: Set<Listener>; upstream: Promise<Stream | Result>; ended: boolean };

const printed = new WeakMap<DocumentNode, string>();

/** Yoga's parser cache hands every socket the same DocumentNode for the same text: print once. */
function documentText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

const isStream = (value: unknown): value is Stream =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

export function createSharedSubscriptions(viewerOf: (context: unknown) => string | undefined) {
  const groups = new Map<string, Group>();

  /** No socket joins a group once it has ended: a later subscribe starts a new one. */
  function close(key: string, group: Group) {
    group.ended = true;
    if (groups.get(key) === group) groups.delete(key);
  }

  /** Reads the upstream once and copies each result to every listener of the group. */
  async function pump(key: string, group: Group, stream: Stream) {
    let failure: unknown;
    try {
      for await (const result of stream) for (const listener of group.listeners) listener.push(result);
    } catch (error) {
      failure = error;
    }
    close(key, group);
    for (const listener of group.listeners) listener.end(failure);
  }

  /** A socket's own iterator over the group's results, with its own queue. */
  function listen(key: string, group: Group, stream: Stream): Stream {
    const queue: Result[] = [];
    let waiting: ((step: IteratorResult<Result>) => void) | undefined;
    let failed: ((error: unknown) => void) | undefined;
    let done = false;
    let failure: unknown;
    const leave = async () => {
      done = true;
      group.listeners.delete(listener);
      if (group.listeners.size === 0) {
        close(key, group);
        await stream.return?.();
      }
    };
    const listener: Listener = {
      push(result) {
        if (waiting) {
          const resolve = waiting;
          waiting = failed = undefined;
          resolve({ value: result, done: false });
        } else queue.push(result);
      },
      end(error) {
        done = true;
        failure = error;
        if (!waiting) return;
        const [resolve, reject] = [waiting, failed];
        waiting = failed = undefined;
        if (error !== undefined) reject?.(error);
        else resolve({ value: undefined, done: true });
      },
    };
    group.listeners.add(listener);
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next() {
        if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done)
          return failure === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(failure);
        return new Promise((resolve, reject) => {
          waiting = resolve;
          failed = reject;
        });
      },
      async return() {
        await leave();
        this.next = () => Promise.resolve({ value: undefined, done: true });
        listener.end();
        return { value: undefined, done: true };
      },
    };
  }

  function start(key: string, subscribe: () => Promise<Stream | Result>): Group {
    const group: Group = { listeners: new Set(), upstream: subscribe(), ended: false };
    groups.set(key, group);
    group.upstream.then(
      (upstream) => (isStream(upstream) ? void pump(key, group, upstream) : close(key, group)),
      () => close(key, group),
    );
    return group;
  }

  return {
    /**
     * Joins the group for these args, or starts it with `subscribe` (the envelop subscribe, so
     * every plugin runs once for the group). Without a viewer, or when subscribing fails (an
     * error result instead of a stream), nothing is shared.
     */
    async subscribe(args: ExecutionArgs, subscribe: () => Promise<Stream | Result>): Promise<Stream | Result> {
      const viewer = viewerOf(args.contextValue);
      if (viewer === undefined) return subscribe();
      const key = JSON.stringify([
        viewer,
        documentText(args.document),
        args.operationName ?? null,
        args.variableValues ?? {},
      ]);
      for (let attempt = 0; ; attempt++) {
        const group = groups.get(key) ?? start(key, subscribe);
        const upstream = await group.upstream;
        // An error result (not signed in, bad variables) is each socket's own answer.
        if (!isStream(upstream)) return upstream;
        if (!group.ended) return listen(key, group, upstream);
        // The group ended while this socket waited for it: join a new one, once; a stream that
        // ends at once again (the server is closing) ends this socket's too.
        if (attempt > 0) return (async function* () {})();
      }
    },
    /** Groups alive now (for tests). */
    get size() {
      return groups.size;
    },
  };
}
