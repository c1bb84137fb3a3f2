// import https from 'uvtls/https', or its named exports, as from 'node:https'.
import { createRequire } from 'node:module';

const https = createRequire(import.meta.url)('./https.js');

export default https;
export const { Agent, globalAgent, Server, createServer, get, request } = https;
