// import http2 from 'uvtls/http2', or its named exports, as from 'node:http2'.
import { createRequire } from 'node:module';

const http2 = createRequire(import.meta.url)('./http2.js');

export default http2;
export const {
  connect,
  constants,
  createServer,
  createSecureServer,
  getDefaultSettings,
  getPackedSettings,
  getUnpackedSettings,
  performServerHandshake,
  sensitiveHeaders,
  Http2ServerRequest,
  Http2ServerResponse,
} = http2;
