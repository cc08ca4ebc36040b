// Starts the real server as an operator would (`node src/server/main.ts`, or `npm start`) in its
// own process, and collects what it says and how it ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** 32 bytes or more, as production requires. */
export const PRODUCTION_SECRET = 'ops-test-secret-0123456789abcdef0123456789';

export type Started = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export function startServer(env: Record<string, string>, command = [process.execPath, 'src/server/main.ts']): Started {
  const [file, ...args] = command;
  const child = spawn(file, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', AUTH_SECRET: PRODUCTION_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls until `GET /health` answers 200; fails if the process exits first. */
export async function waitHealthy(server: Started, port: number, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void server.exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline) {
    if (gone) throw new Error(`server exited before answering:\n${server.stdout()}${server.stderr()}`);
    const status = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer on port ${port} within ${timeoutMs} ms:\n${server.stdout()}${server.stderr()}`);
}

/** The start-up failed as an operator wants: exit 1, one line on stderr matching `pattern`, no stack. */
export async function expectOneLineFailure(env: Record<string, string>, pattern: RegExp): Promise<string> {
  const server = startServer(env);
  const { code } = await server.exited;
  const lines = server.stderr().trimEnd().split('\n');
  expect(lines, server.stderr()).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).not.toMatch(/^\s+at /);
  expect(code).toBe(1);
  return lines[0];
}
