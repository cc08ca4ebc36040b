// Imports run one way: src/server -> src/schema -> src/resolvers -> src/db. A lower layer that
// imports a higher one makes an import circle (the database layer once took its row mapping
// from the services that use it); this test names the file and the import that would do it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');
/** Each layer, and the layers above it that it must not import. */
const FORBIDDEN: Record<string, string[]> = {
  db: ['resolvers', 'schema', 'server'],
  resolvers: ['schema', 'server'],
  schema: ['server'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The top-level folder under src/ that a relative import of `file` lands in. */
function importedLayers(file: string): { specifier: string; layer: string }[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers.map((specifier) => ({
    specifier,
    layer: relative(SRC, resolve(dirname(file), specifier)).split(/[\\/]/)[0],
  }));
}

function upwardImports(layer: string): string[] {
  return sourceFiles(join(SRC, layer)).flatMap((file) =>
    importedLayers(file)
      .filter((i) => FORBIDDEN[layer].includes(i.layer))
      .map((i) => `${relative(SRC, file)} imports ${i.specifier}`),
  );
}

describe('import direction', () => {
  it.each(Object.keys(FORBIDDEN))('src/%s imports no layer above it', (layer) => {
    expect(upwardImports(layer)).toEqual([]);
  });

  it('sees an upward import when there is one (the check can fail)', () => {
    // src/schema imports src/resolvers by design: seen from resolvers' side, that is upward.
    const fromSchema = sourceFiles(join(SRC, 'schema')).flatMap(importedLayers);
    expect(fromSchema.some((i) => i.layer === 'resolvers')).toBe(true);
  });
});
