// Token expiry for long-lived transports: a WebSocket or an SSE stream outlives the request
// that checked its token, so each arms a timer for the token's `exp`.

/** setTimeout fires at once for delays past 2^31-1 ms (about 24.8 days): longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fn` once `atMs` (epoch milliseconds) has come; the returned function cancels. */
export function atTime(atMs: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = atMs - Date.now();
    if (left <= 0) fn();
    else timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}
