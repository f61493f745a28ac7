// Several authenticators as one, in order: the first that knows the credentials answers. This
// server's own tokens come first, so they never leave the process; another authority (a cluster's
// TokenReview) is asked only about tokens the earlier ones did not know.
import type { Authentication } from './authenticator.ts';

export interface CredentialAuthenticator {
  authenticate(authorization: string | null): Promise<Authentication>;
}

export function chainAuthenticators(authenticators: readonly CredentialAuthenticator[]): CredentialAuthenticator {
  return {
    async authenticate(authorization) {
      let answer: Authentication = { kind: 'invalid', reason: 'no authenticator' };
      for (const authenticator of authenticators) {
        answer = await authenticator.authenticate(authorization);
        if (answer.kind !== 'invalid') return answer;
      }
      return answer;
    },
  };
}
