/** A stream's head is named by the stream's topic. */
export function streamHead(env: Env, topic: string) {
  return env.STREAM_HEAD.get(env.STREAM_HEAD.idFromName(topic));
}
