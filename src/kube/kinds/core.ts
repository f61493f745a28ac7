// The core/v1 objects image streams work with: namespaces, secrets, service accounts and their
// tokens, and the Status every failure and some successes answer with.
import type { KubeList, KubeObject } from '../object.ts';

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

export interface Secret extends KubeObject {
  type?: string;
  /** Values base64-encoded. */
  data?: Record<string, string>;
  /** Plain values, folded into `data` on write. */
  stringData?: Record<string, string>;
  immutable?: boolean;
}

export type SecretList = KubeList<Secret>;

export interface LocalObjectReference {
  name: string;
}

export interface ServiceAccount extends KubeObject {
  secrets?: LocalObjectReference[];
  imagePullSecrets?: LocalObjectReference[];
  automountServiceAccountToken?: boolean;
}

/** authentication.k8s.io/v1, the body and answer of `serviceaccounts/token`. */
export interface TokenRequest extends KubeObject {
  spec: { audiences?: string[]; expirationSeconds?: number };
  status?: { token: string; expirationTimestamp: string };
}

export interface Status extends KubeObject {
  status?: 'Success' | 'Failure' | string;
  reason?: string;
  message?: string;
  code?: number;
}
