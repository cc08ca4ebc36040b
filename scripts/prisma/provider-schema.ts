// prisma/schema.prisma is written for SQLite; PostgreSQL's schema differs only in its provider
// and client output, so it is derived here instead of being kept twice by hand.
import type { Provider } from '../../src/db/client.ts';

export function schemaFor(schema: string, provider: Provider): string {
  if (provider === 'sqlite') return schema;
  const withoutPothos = schema.replace(/generator pothos \{[^}]*\}\n*/, '');
  return `// GENERATED from prisma/schema.prisma by scripts/prisma/generate.ts: do not edit.\n${withoutPothos
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output(\s*)= "\.\.\/src\/generated\/prisma"/, 'output$1= "../../src/generated/prisma-pg"')}`;
}
