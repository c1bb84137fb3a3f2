// uvtls has the API of node:tls, and so its types.
import * as tls from 'node:tls';

export = tls;
