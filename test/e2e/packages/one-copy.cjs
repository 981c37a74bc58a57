// require() of both entries: an error from the kafkajs API carries, as its cause, the
// same EdgelogClientError class the main entry exports (one copy of the SDK's classes).
const { EdgelogClientError } = require("@edgelog/client");
const { Kafka, KafkaJSProtocolError } = require("@edgelog/client/kafkajs");

const [url, topic] = process.argv.slice(2);

async function main() {
  const admin = new Kafka({ clientId: "one-copy", brokers: [url] }).admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
    console.log(JSON.stringify({ threw: false }));
  } catch (error) {
    console.log(
      JSON.stringify({
        threw: true,
        protocolError: error instanceof KafkaJSProtocolError,
        type: error.type,
        causeIsClientError: error.cause instanceof EdgelogClientError,
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
