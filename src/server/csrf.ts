// CSRF prevention for a bearer-token API. Yoga's plugin refuses "simple" requests (a GET, or a
// form-encoded POST) that lack a custom header, because a browser sends those cross-site with no
// CORS preflight, along with the user's cookies. Here the only credential is an
// `Authorization: Bearer` header, which the browser never adds by itself: a page must hold the
// token to send it, and a forging site does not. So a request that carries a bearer token is not
// a forged one, and a simple request without it is anonymous and can do nothing but introspect.
// We therefore let bearer requests through (urql and others send queries as GET by default) and
// keep the check, with an error code, for the rest: it costs nothing and still guards any
// ambient credential a deployment might add in front of us (a proxy's Basic auth, say).
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export const CSRF_HEADER = 'x-graphql-yoga-csrf';

const BEARER = /^\s*Bearer\s/i;

export function useBearerCSRFPrevention(): Plugin {
  const check = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }).onRequestParse;
  return {
    onRequestParse(payload) {
      if (BEARER.test(payload.request.headers.get('authorization') ?? '')) return;
      try {
        return check?.(payload);
      } catch {
        throw createGraphQLError(
          `a request without a bearer token that a browser could send cross-site ("simple": GET or form-encoded) needs the ${CSRF_HEADER} header`,
          { extensions: { code: 'FORBIDDEN', http: { status: 403 } } },
        );
      }
    },
  };
}
