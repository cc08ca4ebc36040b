// npm run token -- <userID> [expiresIn]: prints a bearer token for local use (not in production).
import { signToken } from '../src/auth/jwt.ts';
import { loadConfig } from '../src/config.ts';
import { USER_ID_PATTERN } from '../src/resolvers/ids.ts';

const [userID, expiresIn = '12h'] = process.argv.slice(2);
const config = loadConfig();
if (config.production || !config.authSecret) {
  console.error('token: refused with NODE_ENV=production');
  process.exit(1);
}
if (!userID || !USER_ID_PATTERN.test(userID)) {
  console.error('usage: npm run token -- <userID> [expiresIn, e.g. 12h; at most AUTH_MAX_TOKEN_AGE]');
  process.exit(2);
}
console.log(await signToken(config.authSecret, userID, expiresIn));
