// The demo page's files: web/index.html as is, web/main.ts and web/style.css bundled by esbuild
// into /assets/. `npm run build:web` (run by postinstall) writes them to dist/web/, which a
// production server serves as they are; outside production, static.ts bundles them in memory
// and again whenever web/ changes.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
/** Where `npm run build:web` writes the production bundle (gitignored). */
export const BUILT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export type Asset = { type: string; body: Uint8Array };
/** URL path -> file; only these paths are ever served. */
export type Site = ReadonlyMap<string, Asset>;

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Bundles web/ in memory (esbuild is loaded only here, so production never loads it). */
export async function bundleSite(production: boolean): Promise<Site> {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: WEB_DIR,
    entryPoints: ['main.ts', 'style.css'],
    outdir: 'assets',
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: production,
    sourcemap: production ? false : 'linked',
    logLevel: 'silent',
  });
  const site = new Map<string, Asset>();
  site.set('/', { type: CONTENT_TYPES['.html'], body: await readFile(join(WEB_DIR, 'index.html')) });
  for (const file of result.outputFiles) {
    const type = CONTENT_TYPES[extname(file.path)];
    if (type) site.set(`/assets/${basename(file.path)}`, { type, body: file.contents });
  }
  return site;
}

const fileOf = (dir: string, path: string) => join(dir, path === '/' ? 'index.html' : path);

/** Replaces `dir` with the site's files. */
export async function writeSite(site: Site, dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [path, asset] of site) {
    await mkdir(dirname(fileOf(dir, path)), { recursive: true });
    await writeFile(fileOf(dir, path), asset.body);
  }
}

/** Reads what writeSite wrote; throws if `npm run build:web` has not run. */
export async function readSite(dir: string): Promise<Site> {
  const site = new Map<string, Asset>();
  site.set('/', { type: CONTENT_TYPES['.html'], body: await readFile(fileOf(dir, '/')) });
  for (const name of await readdir(join(dir, 'assets'))) {
    const type = CONTENT_TYPES[extname(name)];
    if (type) site.set(`/assets/${name}`, { type, body: await readFile(join(dir, 'assets', name)) });
  }
  return site;
}
