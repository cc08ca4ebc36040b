// The GraphQL schema: thin types and fields over the services in src/resolvers.
import { builder } from './builder.ts';
import './user.ts';
import './group.ts';
import './conversation.ts';
import './message.ts';
import './receipt.ts';
import './recent-readers.ts';
import './live.ts';

export const schema = builder.toSchema({ sortSchema: false });
