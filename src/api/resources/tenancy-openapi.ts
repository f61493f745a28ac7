// OpenAPI schemas of the project and user kinds' fields (project/v1 and user/v1 in openshift/api),
// for `kubectl explain project.status` and the like.
import type { OpenApiSchema } from '../resource-definition.ts';
import { anything, list, object, string } from '../openapi/schema-builders.ts';

export const projectSchema: Record<string, OpenApiSchema> = {
  spec: object("The behaviour of the project's namespace.", {
    finalizers: list('An opaque list of values that must be empty before the object is removed from storage.', string('A finalizer.')),
  }),
  status: object("The current status of the project's namespace.", {
    phase: string('The current lifecycle phase of the project: Active or Terminating.'),
    conditions: anything('The latest available observations of the state of the project.'),
  }),
};

export const projectRequestSchema: Record<string, OpenApiSchema> = {
  displayName: string('The display name to give the project.'),
  description: string('The description to give the project.'),
};

export const userSchema: Record<string, OpenApiSchema> = {
  fullName: string('The full name of the user.'),
  identities: list('The identities associated with this user.', string('An identity: <provider>:<user name at the provider>.')),
  groups: list('The names of groups this user is a member of. Deprecated: create a Group object that names this user instead.', string('A group name.')),
};

export const groupSchema: Record<string, OpenApiSchema> = {
  users: list('The users in this group.', string('A user name.')),
};
