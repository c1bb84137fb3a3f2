// ES module resolution for uvtls/register: `import ... from 'tls'` and
// 'node:tls' resolve to uvtls, except inside uvtls itself.
const uvtlsURL = new URL('./tls.mjs', import.meta.url).href;
const ownDir = new URL('./', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if ((specifier === 'tls' || specifier === 'node:tls') &&
      !(context.parentURL && context.parentURL.startsWith(ownDir))) {
    return { url: uvtlsURL, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
