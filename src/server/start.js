// `npm start`'s entry, in plain JavaScript so that Node's compile cache is on before any
// TypeScript is read: on a restart every module, main.ts included, then comes already stripped
// from the cache, and Node never loads its type stripper (swc compiled to WebAssembly, about a
// fifth of start-up). `node src/server/main.ts` works too; it turns the cache on a little later.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./main.ts');
