// The attributes of a request to authorize. The RBAC objects themselves are kinds: kube/kinds/rbac.ts.

/** What a request wants to do, in RBAC's terms. */
export type RequestAttributes =
  | {
      readonly kind: 'resource';
      readonly verb: string;
      readonly apiGroup: string;
      readonly resource: string;
      readonly subresource?: string;
      readonly name?: string;
      readonly namespace?: string;
    }
  | { readonly kind: 'nonResource'; readonly verb: string; readonly path: string };
