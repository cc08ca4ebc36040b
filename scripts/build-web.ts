// npm run build:web (run by postinstall): writes the demo page's production bundle to dist/web/,
// so that a production server serves files and never runs esbuild.
import { BUILT_WEB_DIR, bundleSite, writeSite } from '../src/server/web-build.ts';

await writeSite(await bundleSite(true), BUILT_WEB_DIR);
console.log(`demo page built into ${BUILT_WEB_DIR}`);
