// `--log-format text|json`, the same option in every program.

import { option, type ValueOption } from "./command-line.js";
import { oneOf } from "./values.js";

/** The log formats: `text` for people at a terminal, `json` (one object per line) for machines. */
export const LOG_FORMATS = ["text", "json"] as const;

export type LogFormat = (typeof LOG_FORMATS)[number];

/** The `--log-format` option, `text` by default; `help` says what the text log shows. */
export function logFormatOption(help: string): ValueOption<LogFormat> {
  return option(oneOf(LOG_FORMATS), { help, default: "text" });
}
