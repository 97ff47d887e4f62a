// One kit for every program's command line and log (the consumer, the producer, and later the
// client): options as typed specs with stated ranges, one usage-error line, `--help` that fits 80
// columns, colour, log formats, escaping of what came from the network, and a log writer that a
// stalled reader cannot make grow without bound. It imports only src/rpc/.

export {
  UsageError,
  commandLineOrExit,
  flag,
  helpText,
  option,
  parseCommandLine,
  readValue,
  usageLine,
  type FlagOption,
  type OptionSpec,
  type OptionSpecs,
  type OptionValues,
  type ParsedCommandLine,
  type Program,
  type ValueOption,
} from "./command-line.js";
export { MAX_TIMER_SECONDS, ValueError, decimal, integer, oneOf, seconds, text, type BeyondTimers, type ValueType } from "./values.js";
export { HELP_COLUMNS, paragraphs, twoColumns, wrap } from "./help.js";
export { colourWanted, colours, type Colours } from "./colour.js";
export { findUnresolvedHost, type UnresolvedHost } from "./hosts.js";
export { BoundedWriter, DEFAULT_MAX_PENDING_BYTES, droppedLinesNotice, type BoundedWriterOptions, type DrainableStream } from "./bounded-writer.js";
export { LOG_FORMATS, logFormatOption, type LogFormat } from "./log-format.js";
/**
 * Text that came from the network (requests, replies, error messages) on one line and safe for a
 * terminal: control characters, ESC and BEL, and the Unicode bidi overrides escaped, cut short.
 * The wire protocol's own function, so the consumer's replies and every log escape alike.
 */
export { printable, printableBytes } from "../rpc/index.js";
