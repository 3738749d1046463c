/**
 * A short, deterministic digest of a JSON value (64-bit FNV-1a over its JSON text), so a workflow
 * can tell "same as last synced" without keeping the whole record in its state. Not for security.
 * Callers must build the value with a fixed key order, as the mappers in this folder do.
 */
export function fingerprint(value: unknown): string {
  const text = JSON.stringify(value);
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * prime) & mask;
  }
  return hash.toString(16).padStart(16, '0');
}
