// The Relay compiler (the binary in the relay-compiler npm package) checks fragments a Relay app
// would write against schema.graphql: usePaginationFragment on messages and readMembers, and a
// refetchable fragment on Message. A control shows the compiler does refuse a bad connection.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const schemaPath = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
const compilerCli = createRequire(import.meta.url).resolve('relay-compiler/cli.js');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (name -> source) into a fresh Relay project and runs the compiler on it. */
function compile(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'relay-fixture-'));
  dirs.push(root);
  mkdirSync(join(root, 'src'));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(root, 'src', name), source);
  writeFileSync(
    join(root, 'relay.config.json'),
    JSON.stringify({
      src: './src',
      schema: schemaPath,
      language: 'javascript',
      customScalarTypes: { DateTime: 'String' },
    }),
  );
  return new Promise<{ code: number; output: string; root: string }>((resolve) => {
    execFile(process.execPath, [compilerCli], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        output: `${stdout}${stderr}`,
        root,
      }),
    );
  });
}

const CHAT_HISTORY = `
import { graphql } from 'react-relay';
export const history = graphql\`
  fragment ChatHistory_query on Query
  @refetchable(queryName: "ChatHistoryPaginationQuery")
  @argumentDefinitions(
    conversationID: { type: "String!" }
    count: { type: "Int", defaultValue: 30 }
    cursor: { type: "String" }
  ) {
    messages(conversationID: $conversationID, first: $count, after: $cursor)
      @connection(key: "ChatHistory_messages") {
      edges { node { id msgID text ...MessageBubble_message } }
    }
  }
\`;
`;
const MESSAGE_BUBBLE = `
import { graphql } from 'react-relay';
export const bubble = graphql\`
  fragment MessageBubble_message on Message @refetchable(queryName: "MessageBubbleRefetchQuery") {
    id msgID text isSelf readByMe isPeerRead
    receipt { id readCount unreadCount isPeerRead }
  }
\`;
`;
const READERS = `
import { graphql } from 'react-relay';
export const readers = graphql\`
  fragment ReadersList_query on Query
  @refetchable(queryName: "ReadersListPaginationQuery")
  @argumentDefinitions(
    msgID: { type: "ID!" }
    filter: { type: "ReadMembersFilter!" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  ) {
    readMembers(msgID: $msgID, filter: $filter, first: $count, after: $cursor)
      @connection(key: "ReadersList_readMembers", filters: ["msgID", "filter"]) {
      edges { readAt node { id userID nickname faceURL } }
    }
  }
\`;
`;

describe('Relay compiler', () => {
  it('accepts pagination fragments on messages and readMembers, and a refetchable Message', async () => {
    const { code, output, root } = await compile({
      'ChatHistory.js': CHAT_HISTORY,
      'MessageBubble.js': MESSAGE_BUBBLE,
      'ReadersList.js': READERS,
    });
    expect(output).not.toMatch(/error/i);
    expect(code).toBe(0);
    for (const query of ['ChatHistoryPaginationQuery', 'MessageBubbleRefetchQuery', 'ReadersListPaginationQuery']) {
      expect(existsSync(join(root, 'src', '__generated__', `${query}.graphql.js`)), query).toBe(true);
    }
  });

  it('refuses a connection whose field does not page forward (the control)', async () => {
    // The old shape of messages (first + before) is what the compiler refused.
    const { code, output } = await compile({
      'Broken.js': CHAT_HISTORY.replaceAll('after: $cursor', 'before: $cursor').replace('ChatHistory', 'Broken'),
    });
    expect(code).not.toBe(0);
    expect(output).toMatch(/before/);
  });
});
