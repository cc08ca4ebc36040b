// What a field's caller selected below it, collected as execute collects it (named and inline
// fragments, @skip and @include with this request's variables), so a resolver can leave out a
// read that nothing selected needs.
import { type GraphQLResolveInfo, getNamedType, isObjectType } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields.js';

/** True when every field selected below this one is in `names` (or is __typename). */
export function selectsOnly(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return false;
  const fields = collectSubfields(info.schema, info.fragments, info.variableValues, type, info.fieldNodes);
  for (const nodes of fields.values()) {
    const name = nodes[0].name.value;
    if (name !== '__typename' && !names.has(name)) return false;
  }
  return true;
}
