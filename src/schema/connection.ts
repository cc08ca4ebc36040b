// Relay connection results for keyset-paged lists: the services give edges and whether more follow.
export function connectionResult<Edge extends { cursor: string }>(
  edges: Edge[],
  hasNextPage: boolean,
  hasPreviousPage: boolean,
) {
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
