// Several authenticators as one, in order: the first that knows the credentials answers. This
// server's own tokens come first, so they never leave the process; another authority (a cluster's
// TokenReview) is asked only about tokens the earlier ones did not know.
import type { Authentication } from './authenticator.ts';
import { basicCredentials } from './authenticator.ts';

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

/**
 * `authenticator` except for Basic credentials of a local user (one the htpasswd file names): their
 * password is a password typed where a token belongs (`podman login -u alice -p PASSWORD`), and
 * asking another authority about it would hand the password to that authority.
 */
export function exceptLocalUsers(authenticator: CredentialAuthenticator, isLocalUser: (userName: string) => boolean): CredentialAuthenticator {
  return {
    async authenticate(authorization) {
      const userName = basicCredentials(authorization)?.user;
      if (userName !== undefined && isLocalUser(userName)) return { kind: 'invalid', reason: 'invalid or expired token' };
      return authenticator.authenticate(authorization);
    },
  };
}
