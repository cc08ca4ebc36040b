// The request body limit (MAX_REQUEST_BYTES), checked on the Content-Length header. Yoga's own
// limit (maxRequestBodySize) pipes every body through a byte-counting stream, with an
// AbortSignal, whatever its size: in the benchmark that was about 40% of the CPU a small
// request costs. Node's HTTP parser holds a client to the Content-Length it declared (extra
// bytes are read as the next request), so the header is enough. A body without one (chunked
// transfer coding) is refused with 411; browsers and GraphQL clients send string bodies with a
// length. In-process callers of yoga.fetch are trusted.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const httpError = (status: number, code: string, message: string) =>
  new GraphQLError(message, { extensions: { http: { status }, code } });

const DIGITS = /^\d+$/;

export function useRequestBodyLimit(limitBytes: number): Plugin {
  return {
    onRequestParse({ request }) {
      const length = request.headers.get('content-length');
      if (length === null) {
        // With neither header an HTTP/1.1 request has no body (RFC 9112, section 6.3).
        if (request.headers.has('transfer-encoding')) {
          throw httpError(411, 'LENGTH_REQUIRED', 'send the request body with a Content-Length header');
        }
        return;
      }
      if (!DIGITS.test(length)) throw httpError(400, 'BAD_REQUEST', 'the Content-Length header is invalid');
      if (Number(length) > limitBytes) {
        throw httpError(413, 'REQUEST_ENTITY_TOO_LARGE', `the request body is over ${limitBytes} bytes`);
      }
    },
  };
}
