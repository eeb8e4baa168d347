// The loader hook: `electron` is the stand-in; anything that would load the real package is an error.
const STAND_IN = new URL('./electron-stand-in.mjs', import.meta.url).href

export async function resolve(specifier, context, next) {
  if (specifier === 'electron' || specifier.startsWith('electron/')) return { url: STAND_IN, shortCircuit: true }
  const resolved = await next(specifier, context)
  if (/[\\/]node_modules[\\/]electron[\\/]/.test(resolved.url))
    throw new Error(`the real electron package was imported (harness): ${resolved.url}`)
  return resolved
}
