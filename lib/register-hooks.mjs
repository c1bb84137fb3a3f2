// ES module resolution for uvtls/register: `import ... from 'tls'`,
// 'https' and 'http2' (and their 'node:' forms) resolve to uvtls, except
// inside uvtls itself.
const ownDir = new URL('./', import.meta.url).href;
const replacements = new Map();
for (const [name, file] of [['tls', './tls.mjs'], ['https', './https.mjs'], ['http2', './http2.mjs']]) {
  const url = new URL(file, import.meta.url).href;
  replacements.set(name, url);
  replacements.set(`node:${name}`, url);
}

export async function resolve(specifier, context, nextResolve) {
  const url = replacements.get(specifier);
  if (url !== undefined && !(context.parentURL && context.parentURL.startsWith(ownDir))) {
    return { url, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
