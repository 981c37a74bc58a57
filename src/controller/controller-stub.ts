/** The controller of a topic is named `controller/<topicId>`. */
export function controllerStub(env: Env, topicId: string) {
  return env.CONTROLLER.get(env.CONTROLLER.idFromName(`controller/${topicId}`));
}
