// `new Kafka({ brokers, clientId, sasl })` as in kafkajs, over one Edgelog client:
// producer(), consumer({ groupId }), admin() and logger().

import { Edgelog } from "../edgelog.js";
import { KafkaAdmin } from "./admin.js";
import { edgelogConfig, type KafkaConfig, retryOptions } from "./config.js";
import { Consumer, type ConsumerConfig } from "./consumer.js";
import { createLogger, type Logger } from "./logger.js";
import { checkPartitioner } from "./partitioners.js";
import { Producer, type ProducerConfig } from "./producer.js";

export class Kafka {
  private readonly edgelog: Edgelog;
  private readonly url: string;
  private readonly rootLogger: Logger;

  constructor(config: KafkaConfig) {
    this.rootLogger = createLogger(config.logLevel, config.logCreator);
    const edgelog = edgelogConfig(config, this.rootLogger);
    this.url = edgelog.url;
    this.edgelog = new Edgelog(edgelog);
  }

  producer(config: ProducerConfig = {}): Producer {
    checkPartitioner(config.createPartitioner);
    const retry = config.retry ? { retry: retryOptions(config.retry) } : {};
    return new Producer(this.edgelog, this.edgelog.admin(), this.rootLogger.namespace("Producer"), config, retry);
  }

  consumer(config: ConsumerConfig): Consumer {
    return new Consumer(this.edgelog, this.admin(), this.rootLogger.namespace("Consumer"), config);
  }

  admin(): KafkaAdmin {
    return new KafkaAdmin(this.edgelog.admin(), this.url, this.rootLogger.namespace("Admin"));
  }

  logger(): Logger {
    return this.rootLogger;
  }
}
