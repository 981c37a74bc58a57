/** The coordinator of one group, a Durable Object named `group/<groupId>`. */
export function groupStub(env: Env, groupId: string) {
  return env.GROUP.get(env.GROUP.idFromName(`group/${groupId}`));
}

/** The group directory, one Durable Object named `groups`: it only lists group ids. */
export function groupDirectoryStub(env: Env) {
  return env.GROUP_DIRECTORY.get(env.GROUP_DIRECTORY.idFromName("groups"));
}
