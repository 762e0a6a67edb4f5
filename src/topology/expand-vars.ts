// containerlab runs its topology text through envsubst before parsing the YAML; we do the same so
// files behave identically. Expansion works line by line so that YAML line numbers (and every
// position in later error messages) still refer to the file the user wrote.
import { TopologyError } from '../common/errors.js';

export type EnvRecord = Readonly<Record<string, string | undefined>>;

// `$${` is envsubst's escape for a literal `${`. Any other `${...}` must be one of the three
// supported forms; a default runs to the first `}` and cannot span lines.
const EXPRESSION = /\$(\$)?\{([^${}\n]*)\}/g;
// A supported form that the line ends inside: most likely a default the user tried to wrap.
const UNTERMINATED = /(?<!\$)\$\{[A-Za-z_][A-Za-z0-9_]*(:[=-][^$}]*)?$/;
const FORM = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:=|:-)(.*))?$/s;

const SUPPORTED_FORMS = '${VAR}, ${VAR:=default}, ${VAR:-default}';

/**
 * Expands `${VAR}`, `${VAR:=default}` and `${VAR:-default}` in `text`. Bare `$VAR` and `$(...)`
 * are left alone because shell commands in `exec` and `cmd` use them.
 * Throws TopologyError at the expression for an unset variable without a default.
 */
export const expandVariables = (text: string, file: string, env: EnvRecord): string =>
  text
    .split('\n')
    .map((line, index) => expandLine(line, index + 1, file, env))
    .join('\n');

const expandLine = (line: string, lineNumber: number, file: string, env: EnvRecord): string => {
  const unterminated = UNTERMINATED.exec(line);
  if (unterminated !== null) {
    const position = { file, line: lineNumber, column: unterminated.index + 1 };
    throw new TopologyError(
      position,
      `variable expression '${unterminated[0]}' has no closing '}' on its line; a default cannot span lines`,
    );
  }
  return line.replace(EXPRESSION, (whole: string, escaped: string | undefined, body: string, offset: number) => {
    if (escaped !== undefined) return whole.slice(1);
    const position = { file, line: lineNumber, column: offset + 1 };
    const form = FORM.exec(body);
    const name = form?.[1];
    if (form === null || name === undefined) {
      throw new TopologyError(
        position,
        `unsupported variable expression '${whole}'; supported forms: ${SUPPORTED_FORMS} (write $\${...} for a literal \${...})`,
      );
    }
    const value = env[name];
    const fallback = form[3];
    // Both default forms apply to unset and to empty variables, as in envsubst and the shell.
    if (form[2] !== undefined && fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value === undefined) {
      throw new TopologyError(position, `variable ${name} is not set and has no default; set it or write \${${name}:=value}`);
    }
    return value;
  });
};
