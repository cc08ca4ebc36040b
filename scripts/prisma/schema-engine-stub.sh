#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded offline.
# `prisma generate` only checks that this path exists; migrations use the WASM engine instead.
echo "native schema engine is not available offline: use npm run db:migration" >&2
exit 1
