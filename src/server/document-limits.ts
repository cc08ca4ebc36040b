// Documents too big to validate cheaply are refused before validation runs. graphql-js's
// OverlappingFieldsCanBeMerged rule compares selections pairwise: `{ me { userID } }` repeated
// 700 times (9.8 KB, under the token limit) cost hundreds of milliseconds of CPU, token or not.
// Counting selections is one linear walk; over the limit, validation (and its rules) is skipped.
import { type ASTNode, type DocumentNode, GraphQLError, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Fields, fragment spreads and inline fragments in one document, wherever they sit. The web
 * client's largest operation has about 25; 150 leaves room for any honest screen, and keeps the
 * worst-case validation at a few milliseconds (see bench/workloads/hostile.ts).
 */
export const MAX_SELECTIONS = 150;

/** Selections in the document, counted up to `stopAt` (the walk ends there). */
export function countSelections(document: DocumentNode, stopAt = Number.POSITIVE_INFINITY): number {
  let count = 0;
  const pending: ASTNode[] = [...document.definitions];
  while (pending.length > 0 && count <= stopAt) {
    const node = pending.pop()!;
    if (node.kind === Kind.FIELD || node.kind === Kind.FRAGMENT_SPREAD || node.kind === Kind.INLINE_FRAGMENT) count++;
    if ('selectionSet' in node && node.selectionSet) pending.push(...node.selectionSet.selections);
  }
  return count;
}

export function useSelectionLimit(max = MAX_SELECTIONS): Plugin {
  return {
    onValidate({ params, setResult }) {
      if (countSelections(params.documentAST, max) > max) {
        setResult([
          new GraphQLError(`the document has more than ${max} selections`, {
            extensions: { code: 'QUERY_TOO_LARGE' },
          }),
        ]);
      }
    },
  };
}
