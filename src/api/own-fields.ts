// Sets a field of a parsed JSON object as its own property, whatever its name. A plain assignment
// to "__proto__" (a key JSON.parse happily produces) would instead replace the object's prototype,
// and fields read later (metadata.name, say) could come from an object the client planted there.

export function setOwnField(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}
