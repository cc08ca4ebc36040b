// The demo page (web/) on `/` and `/assets/*`: in production the files `npm run build:web` wrote,
// otherwise bundled in memory by esbuild on first request and again when web/ changes (see
// web-build.ts). Only paths of the built bundle are served: a
// URL never becomes a file path. Outside production, `GET /dev/token?userID=alice` hands out a
// bearer token for the page's user picker (like `npm run token`). Everything else goes to Yoga.
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { signToken } from '../auth/jwt.ts';
import type { AppConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { USER_ID_PATTERN } from '../resolvers/ids.ts';
import { StartupError } from '../startup-error.ts';
import { BUILT_WEB_DIR, bundleSite, readSite, type Site, WEB_DIR } from './web-build.ts';

const PAGE_CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  // Avatars (User.faceURL) come from wherever users host them; https only, no scripts.
  "img-src 'self' data: https:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

let cached: { key: string; site: Promise<Site> } | undefined;

/**
 * The page, shared by every app in the process. In production, the files `npm run build:web`
 * wrote; outside it, bundled in memory and rebuilt when web/ changes.
 */
function currentSite(production: boolean): Promise<Site> {
  return sourceStamp(production).then((key) => {
    if (cached?.key !== key) {
      const site = production ? readSite(BUILT_WEB_DIR) : bundleSite(false);
      cached = { key, site };
      // A failed build is retried on the next request.
      site.catch(() => {
        if (cached?.site === site) cached = undefined;
      });
    }
    return cached.site;
  });
}

async function sourceStamp(production: boolean): Promise<string> {
  if (production) return 'production';
  const names = await readdir(WEB_DIR, { recursive: true });
  const times = await Promise.all(names.map(async (name) => (await stat(join(WEB_DIR, name))).mtimeMs));
  return `dev:${names.length}:${Math.max(0, ...times)}`;
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, head = false) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': type.startsWith('application/json') ? 'no-store' : 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(type.startsWith('text/html') ? { 'content-security-policy': PAGE_CSP } : {}),
  });
  res.end(head ? undefined : body);
}

async function serveAsset(config: AppConfig, path: string, res: ServerResponse, head: boolean, logger: Logger) {
  let site: Site;
  try {
    site = await currentSite(config.production);
  } catch (error) {
    logger.error({ err: error }, 'web: building the demo page failed');
    return send(res, 500, 'text/plain; charset=utf-8', 'The demo page could not be built.\n', head);
  }
  const asset = site.get(path === '/index.html' ? '/' : path);
  if (!asset) return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n', head);
  send(res, 200, asset.type, asset.body, head);
}

async function devToken(config: AppConfig, userID: string | null, res: ServerResponse) {
  if (!userID || !USER_ID_PATTERN.test(userID)) {
    return send(res, 400, 'application/json', JSON.stringify({ error: 'userID must match [A-Za-z0-9_.@-]{1,64}' }));
  }
  // Outside production there is always a secret (the development one by default).
  if (!config.authSecret) return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
  const token = await signToken(config.authSecret, userID, '12h');
  send(res, 200, 'application/json', JSON.stringify({ userID, token }));
}

/**
 * Wraps the Yoga listener: the page when `config.explorer` is on (as GraphiQL: outside
 * production by default), the token endpoint only outside production.
 */
export function withWebRoutes(config: AppConfig, next: RequestListener, logger: Logger): RequestListener {
  if (config.production && config.explorer && !existsSync(join(BUILT_WEB_DIR, 'index.html'))) {
    throw new StartupError(
      `GRAPHQL_EXPLORER=true serves the demo page, which is not built (${BUILT_WEB_DIR}): run npm run build:web`,
    );
  }
  return (req, res) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return next(req, res);
    // Parsed against a fixed origin so that a URL like `//host/x` stays a path.
    const url = URL.parse(`http://localhost${req.url ?? '/'}`);
    if (!url) return next(req, res);
    if (url.pathname === '/dev/token' && !config.production && !head) {
      return void devToken(config, url.searchParams.get('userID'), res);
    }
    const page = url.pathname === '/' || url.pathname === '/index.html' || url.pathname.startsWith('/assets/');
    if (page && config.explorer) return void serveAsset(config, url.pathname, res, head, logger);
    next(req, res);
  };
}
