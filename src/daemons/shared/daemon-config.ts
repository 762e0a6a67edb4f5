// A daemon's YAML config: parsed with positions and validated strictly, so every error names
// file, line and problem. Returns the source too, for the cross-checks a schema cannot express.
import { hostname } from 'node:os';
import type { z } from 'zod';
import { InputFileError } from '../../common/errors.js';
import { parseYaml, type YamlSource } from '../../common/yaml-source.js';
import { zodInputError } from '../../common/zod-input-error.js';

export type ConfigError = (position: InputFileError['position'], problem: string) => InputFileError;

export const configError: ConfigError = (position, problem) => new InputFileError('CONFIG_INVALID', position, problem);

export const parseDaemonConfig = <S extends z.ZodTypeAny>(schema: S, text: string, file: string): { data: z.infer<S>; source: YamlSource } => {
  const source = parseYaml(text, file, configError);
  const result = schema.safeParse(source.value);
  if (!result.success) throw zodInputError(result.error.issues[0]!, source, configError);
  return { data: result.data as z.infer<S>, source };
};

/** The node name a daemon reports: the config's, else the host's (a lab node's hostname is its name). */
export const nodeName = (configured: string | undefined): string => configured ?? hostname();
