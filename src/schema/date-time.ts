// The DateTime scalar: graphql-scalars' DateTime, answering an ISO 8601 string instead of a Date.
// A Date left in a result sends JSON.stringify down its slow path (Date#toJSON per value): a
// markRead of 30 messages spent about 30 µs there. A batch's receipts share one time, so the
// last time formatted is kept: formatting is by value, so the text is always that time's.
import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

let lastTime = Number.NaN;
let lastText = '';

/** graphql-scalars checks the value (and refuses an invalid one); the ISO text is kept for the last time. */
function serialize(value: unknown): string {
  const date = DateTimeResolver.serialize(value) as Date;
  const time = date.getTime();
  if (time !== lastTime) {
    lastText = date.toISOString();
    lastTime = time;
  }
  return lastText;
}

export const DateTime = new GraphQLScalarType({ ...DateTimeResolver.toConfig(), serialize });
