// Prisma's real schema engine, run as WebAssembly: the native binary cannot be downloaded on
// machines without internet (see ../shared/PRISMA-OFFLINE.md). It writes migration SQL for
// both providers; applying that SQL is the job of src/db/migrate.ts.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';

const require = createRequire(import.meta.url);

async function loadWasm(): Promise<void> {
  // The .wasm file is not in the package's exports map, so find it next to the JS glue.
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = join(dirname(gluePath), 'schema_engine_bg.wasm');
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
}

let loaded: Promise<void> | undefined;

/** Opens the engine over a scratch SQLite database; diffs need no live database of the target provider. */
export async function openSchemaEngine(datamodels: [string, string][], scratchSqliteUrl = ':memory:') {
  loaded ??= loadWasm();
  await loaded;
  const factory = bindMigrationAwareSqlAdapterFactory(new PrismaBetterSqlite3({ url: scratchSqliteUrl }));
  const log = (line: string) => {
    if (process.env.SCHEMA_ENGINE_DEBUG) console.error(line);
  };
  return bg.SchemaEngine.new({ datamodels }, log, factory);
}

export type DiffSide = { tag: 'empty' } | { tag: 'schemaDatamodel'; files: { path: string; content: string }[] };

/** The SQL that `prisma migrate diff --script` would print for from -> to. */
export async function diffScript(from: DiffSide, to: DiffSide): Promise<string> {
  const toFiles = to.tag === 'schemaDatamodel' ? to.files : [];
  const engine = await openSchemaEngine(toFiles.map((f) => [f.path, f.content]));
  const result = await engine.diff({
    from,
    to,
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  } as Parameters<typeof engine.diff>[0]);
  return (result as { stdout: string }).stdout;
}
