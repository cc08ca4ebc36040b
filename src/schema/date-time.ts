// The DateTime scalar: graphql-scalars' DateTime, answering an ISO 8601 string instead of a Date.
// A Date left in a result sends JSON.stringify down its slow path (Date#toJSON per value): a
// markRead of 30 messages spent about 30 µs there. A batch's receipts share one time, so the
// last time formatted is kept: formatting is by value, so the text is always that time's.
import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

let lastTime = Number.NaN;
let lastText = '';

function iso(date: Date): string {
  const time = date.getTime();
  if (time !== lastTime) {
    // Invalid dates (NaN) are refused by graphql-scalars' serialize with its own error.
    lastText = Number.isNaN(time) ? (DateTimeResolver.serialize(date) as Date).toISOString() : date.toISOString();
    lastTime = time;
  }
  return lastText;
}

export const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => iso(value instanceof Date ? value : (DateTimeResolver.serialize(value) as Date)),
});
