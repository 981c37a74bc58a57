export interface Packed {
  name: string;
  file: string;
  sizeBytes: number;
  unpackedSizeBytes: number;
  files: number;
}

export function pack(): Promise<Packed[]>;
