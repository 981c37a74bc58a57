// kafkajs' logging: logLevel, logCreator and the namespaced logger, with kafkajs'
// default of one JSON line per entry on the console.

export const logLevel = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;
export type LogLevel = (typeof logLevel)[keyof typeof logLevel];

const LABELS: Record<number, string> = { 1: "ERROR", 2: "WARN", 4: "INFO", 5: "DEBUG" };

export interface LogEntry {
  namespace: string;
  level: LogLevel;
  label: string;
  log: { timestamp: string; logger: "kafkajs"; message: string; [key: string]: unknown };
}

export type logCreator = (level: LogLevel) => (entry: LogEntry) => void;

export interface Logger {
  info(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  debug(message: string, extra?: object): void;
  namespace(namespace: string, level?: LogLevel): Logger;
  setLogLevel(level: LogLevel): void;
}

export const defaultLogCreator: logCreator = () => (entry) => {
  const line = JSON.stringify({ level: entry.label, ...entry.log });
  if (entry.level === logLevel.ERROR) console.error(line);
  else if (entry.level === logLevel.WARN) console.warn(line);
  else console.log(line);
};

/** A root logger; its namespaces share its level unless given their own. */
export function createLogger(level: LogLevel = logLevel.INFO, creator: logCreator = defaultLogCreator): Logger {
  const shared = { level };
  const write = creator(level);
  const make = (namespace: string, own?: LogLevel): Logger => {
    const at =
      (entryLevel: LogLevel) =>
      (message: string, extra: object = {}) => {
        if (entryLevel > (own ?? shared.level)) return;
        const log = { timestamp: new Date().toISOString(), logger: "kafkajs" as const, message, ...extra };
        write({ namespace, level: entryLevel, label: LABELS[entryLevel] ?? "INFO", log });
      };
    return {
      info: at(logLevel.INFO),
      error: at(logLevel.ERROR),
      warn: at(logLevel.WARN),
      debug: at(logLevel.DEBUG),
      namespace: (child, childLevel) => make(child, childLevel ?? own),
      setLogLevel: (next) => {
        shared.level = next;
      },
    };
  };
  return make("");
}
