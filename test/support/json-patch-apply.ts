// Applies an RFC 6902 JSON Patch of add, replace and remove operations, independently of the
// server's code, to check what an admission webhook answers as a kube-apiserver would apply it.

export function applyJsonPatch(document: unknown, operations: readonly { op: string; path: string; value?: unknown }[]): unknown {
  const result = structuredClone(document);
  for (const operation of operations) {
    const steps = operation.path
      .split('/')
      .slice(1)
      .map((step) => step.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = steps.pop();
    if (last === undefined) throw new Error(`a patch of the whole document is not expected: ${operation.path}`);
    let parent = result as Record<string, unknown>;
    for (const step of steps) {
      if (typeof parent[step] !== 'object' || parent[step] === null) throw new Error(`the path ${operation.path} does not exist in the object`);
      parent = parent[step] as Record<string, unknown>;
    }
    if (operation.op === 'remove') {
      if (!(last in parent)) throw new Error(`remove of a missing member ${operation.path}`);
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (operation.op === 'replace') {
      if (!(last in parent)) throw new Error(`replace of a missing member ${operation.path}`);
      parent[last] = operation.value;
    } else if (operation.op === 'add') {
      if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, operation.value);
      else parent[last] = operation.value;
    } else throw new Error(`unexpected operation ${operation.op}`);
  }
  return result;
}
