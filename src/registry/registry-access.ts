// Who may do what in the registry (SPEC §8): any user name with an API token as password, or the
// token as a bearer; pull is `get imagestreams/layers`, push is `update imagestreams/layers`,
// deleting needs cluster `delete images`, the catalog needs cluster `list imagestreams`.
import type { Authenticator } from '../auth/authenticator.ts';
import type { Authorizer } from '../auth/rbac/authorizer.ts';
import type { UserInfo } from '../auth/user.ts';
import type { Repository } from './repository-name.ts';
import { AppError } from '../errors.ts';
import { describeDenial } from '../auth/rbac/authorizer.ts';

export type RegistryAction = 'pull' | 'push' | 'delete' | 'delete-tag' | 'catalog' | 'create-stream';

export interface Caller {
  readonly user: UserInfo;
  readonly anonymous: boolean;
}

const imageGroup = 'image.openshift.io';

export class RegistryAccess {
  private readonly authenticator: Pick<Authenticator, 'authenticate'>;
  private readonly authorizer: Authorizer;

  constructor(deps: { authenticator: Pick<Authenticator, 'authenticate'>; authorizer: Authorizer }) {
    this.authenticator = deps.authenticator;
    this.authorizer = deps.authorizer;
  }

  /** Unauthorized for a token that is present but not valid. */
  async identify(authorization: string | null): Promise<Caller> {
    const result = await this.authenticator.authenticate(authorization);
    if (result.kind === 'invalid') throw new AppError('Unauthorized', `authentication required: ${result.reason}`, { ociCode: 'UNAUTHORIZED' });
    return { user: result.user, anonymous: result.kind === 'anonymous' };
  }

  async allowed(caller: Caller, action: RegistryAction, repository?: Repository): Promise<boolean> {
    return this.authorizer.authorize(caller.user, attributes(action, repository));
  }

  /** Anonymous callers are asked to log in (401); known ones are denied (403). */
  async require(caller: Caller, action: RegistryAction, repository?: Repository): Promise<void> {
    if (await this.allowed(caller, action, repository)) return;
    if (caller.anonymous) throw new AppError('Unauthorized', 'authentication required', { ociCode: 'UNAUTHORIZED' });
    throw new AppError('Forbidden', `requested access to the resource is denied: ${describeDenial(caller.user, attributes(action, repository))}`, {
      ociCode: 'DENIED',
    });
  }
}

function attributes(action: RegistryAction, repository?: Repository) {
  switch (action) {
    case 'pull':
      return {
        kind: 'resource' as const,
        verb: 'get',
        apiGroup: imageGroup,
        resource: 'imagestreams',
        subresource: 'layers',
        name: repository?.name,
        namespace: repository?.namespace,
      };
    case 'push':
      return {
        kind: 'resource' as const,
        verb: 'update',
        apiGroup: imageGroup,
        resource: 'imagestreams',
        subresource: 'layers',
        name: repository?.name,
        namespace: repository?.namespace,
      };
    case 'create-stream':
      return { kind: 'resource' as const, verb: 'create', apiGroup: imageGroup, resource: 'imagestreams', namespace: repository?.namespace };
    case 'delete':
      return { kind: 'resource' as const, verb: 'delete', apiGroup: imageGroup, resource: 'images' };
    // Deleting a tag is what `ims tag -d` does: delete the image stream tag.
    case 'delete-tag':
      return { kind: 'resource' as const, verb: 'delete', apiGroup: imageGroup, resource: 'imagestreamtags', namespace: repository?.namespace };
    case 'catalog':
      return { kind: 'resource' as const, verb: 'list', apiGroup: imageGroup, resource: 'imagestreams' };
  }
}
