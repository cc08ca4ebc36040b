import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import type PrismaTypes from '../generated/pothos-prisma-types.ts';
import { getDatamodel } from '../generated/pothos-prisma-types.ts';
import { appError, badInput, unauthenticated } from '../resolvers/errors.ts';
import type { Context, SignedInContext } from './context.ts';
import { DateTime } from './date-time.ts';

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  AuthScopes: { signedIn: boolean };
  AuthContexts: { signedIn: SignedInContext };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    ID: { Input: string; Output: string | number };
  };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({ signedIn: ctx.viewer !== null }),
    // Subscriptions check the caller once, when they subscribe.
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, ctx, _info, result) =>
      ctx.viewer ? appError('FORBIDDEN', result.message) : unauthenticated(),
  },
  prisma: { client: (ctx) => ctx.db, dmmf: getDatamodel(), filterConnectionTotalCount: true },
  // No nodes(ids:): an unbounded list of lookups in one field is an easy way to load the server.
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesQueryOptions: false,
    // A global id that is not base64 of "<node type>:<id>" is the caller's mistake: BAD_USER_INPUT.
    decodeGlobalID: (globalID) => {
      let decoded: ReturnType<typeof decodeGlobalID>;
      try {
        decoded = decodeGlobalID(globalID);
      } catch {
        throw badInput('id', 'not a global ID');
      }
      if (!isNodeType(decoded.typename)) throw badInput('id', 'not a global ID');
      return decoded;
    },
  },
  validation: {
    // Name the argument that is wrong, e.g. "msgIDs: at most 30 ids".
    validationError: (failure) => {
      const issue = failure.issues[0];
      const path = (issue?.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)).join('.');
      const argumentName = String((issue?.path?.[0] as { key?: unknown })?.key ?? issue?.path?.[0] ?? 'input');
      return appError('BAD_USER_INPUT', `${path || 'input'}: ${issue?.message ?? 'is not valid'}`, { argumentName });
    },
  },
});

/** Whether Pothos can load a type by id (node(id:) would otherwise fail with an internal error). */
function isNodeType(typename: string): boolean {
  if (!builder.configStore.hasImplementation(typename)) return false;
  const options = builder.configStore.getTypeConfig(typename).pothosOptions as Record<string, unknown>;
  return ['loadOne', 'loadMany', 'loadWithoutCache', 'loadManyWithoutCache'].some(
    (k) => typeof options[k] === 'function',
  );
}

builder.addScalarType('DateTime', DateTime);

// Every operation needs a signed-in caller, except the introspection that explorers run.
builder.queryType({ authScopes: { signedIn: true } });
builder.mutationType({ authScopes: { signedIn: true } });
builder.subscriptionType({ authScopes: { signedIn: true } });
