// One command line for every program: options declared once, as typed specs, give the parser
// (`node:util` parseArgs), the `--help` text and the usage errors, so no two programs word them
// differently. Parsing is pure; `commandLineOrExit` does the printing and the exit code.
//
//   const program = { usage: "run_rpc_x.sh PORT [options]", about: "…", options: { … } };
//   const parsed = parseCommandLine(program, argv, (values, positionals) => ({ … }));

import { parseArgs } from "node:util";
import { NO_BREAK, paragraphs, twoColumns } from "./help.js";
import { ValueError, type ValueType } from "./values.js";

/** Bad usage: `message` names what is wrong (without `error:`; the kit adds the usage). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** An option that takes a value: `--max-fib N`. `V` includes `undefined` when it has no default. */
export interface ValueOption<V> {
  readonly kind: "value";
  readonly help: string;
  readonly placeholder: string;
  readonly read: (text: string) => V;
  readonly default: V;
  /** `(default: …)` in `--help`; `undefined` for none. */
  readonly shownDefault: string | undefined;
  readonly range: string | undefined;
}

/** An option without a value: `--quiet`. */
export interface FlagOption {
  readonly kind: "flag";
  readonly help: string;
}

export type OptionSpec = ValueOption<unknown> | FlagOption;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The values an option set gives: a flag is a boolean; a value option its type, or its default. */
export type OptionValues<S extends OptionSpecs> = { readonly [K in keyof S]: S[K] extends ValueOption<infer V> ? V : boolean };

interface OptionText {
  readonly help: string;
  /** The value's name in `--help`, when not the type's own (`HOST`, `FILE.html`). */
  readonly placeholder?: string;
}

/** An option with a value of `type`, and `default` when it is not given. */
export function option<T>(type: ValueType<T>, spec: OptionText & { readonly default: NoInfer<T> }): ValueOption<T>;
/** An option with a value of `type`, `undefined` when it is not given. */
export function option<T>(type: ValueType<T>, spec: OptionText): ValueOption<T | undefined>;
export function option<T>(type: ValueType<T>, spec: OptionText & { readonly default?: T }): ValueOption<T | undefined> {
  return {
    kind: "value",
    help: spec.help,
    placeholder: spec.placeholder ?? type.placeholder,
    read: (text) => type.read(text),
    default: spec.default,
    shownDefault: spec.default === undefined ? undefined : type.show(spec.default),
    range: type.range,
  };
}

/** An option that takes no value. */
export function flag(help: string): FlagOption {
  return { kind: "flag", help };
}

/** A program's command line: what `--help` shows, and the options it takes (`--help` is added). */
export interface Program<S extends OptionSpecs> {
  /** `run_rpc_consumer.sh PORT [options]`: in the help's first line and in every usage error. */
  readonly usage: string;
  /** What the program does: paragraphs, wrapped to 80 columns. */
  readonly about: string;
  readonly options: S;
  /** Text after the options (already laid out; the kit's `twoColumns` helps). */
  readonly epilogue?: string;
}

/** What a command line asks for. */
export type ParsedCommandLine<T> =
  | { readonly kind: "run"; readonly options: T }
  | { readonly kind: "help"; readonly text: string }
  /** Bad usage: `message` is one line for stderr, `error: …; usage: … (--help lists them)`; exit code 2. */
  | { readonly kind: "usage_error"; readonly message: string };

/** The usage error line every program prints for bad usage. */
export function usageLine(program: Program<OptionSpecs>, problem: string): string {
  return `error: ${problem}; usage: ${program.usage} (--help lists them)`;
}

/** Reads `name`'s `text` as `type`. @throws UsageError `NAME must be …, got "text"`. */
export function readValue<T>(name: string, type: Pick<ValueType<T>, "read">, text: string): T {
  try {
    return type.read(text);
  } catch (error) {
    if (error instanceof ValueError) throw new UsageError(`${name} ${error.rule}, got ${JSON.stringify(text)}`, { cause: error });
    throw error;
  }
}

/**
 * Parses `argv` (without node and the script) against `program`'s options, then `build`s the
 * program's options from the values and the positionals; `build` throws {@link UsageError} for
 * what only it can check. `--help` or `-h` anywhere wins over every error.
 */
export function parseCommandLine<S extends OptionSpecs, T>(
  program: Program<S>,
  argv: readonly string[],
  build: (values: OptionValues<S>, positionals: readonly string[]) => T,
): ParsedCommandLine<T> {
  // Not strict: parseArgs's own errors are worded for developers; these tokens let ours be.
  const { tokens } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(Object.entries(program.options).map(([name, spec]) => [name, { type: spec.kind === "flag" ? ("boolean" as const) : ("string" as const) }])),
  });
  if (tokens.some((t) => t.kind === "option" && (t.name === "help" || t.name === "h"))) return { kind: "help", text: helpText(program) };
  try {
    const given = new Map<string, string | true>();
    const positionals: string[] = [];
    for (const token of tokens) {
      if (token.kind === "positional") positionals.push(token.value);
      if (token.kind !== "option") continue;
      // `-5` is a negative number, not options -5: let the positional's check say what is allowed.
      // (parseArgs splits `-15` into -1 and -5, both at the same index.)
      const word = argv[token.index]!;
      if (NEGATIVE_NUMBER.test(word)) {
        if (token.rawName === word.slice(0, 2)) positionals.push(word);
        continue;
      }
      const spec = Object.hasOwn(program.options, token.name) ? program.options[token.name] : undefined;
      if (spec === undefined) throw new UsageError(`unknown option ${token.rawName}${suggestion(token.name, Object.keys(program.options))}`);
      if (spec.kind === "flag") {
        if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value, got ${JSON.stringify(token.value)}`);
        given.set(token.name, true);
        continue;
      }
      // `--max-fib --host x`: parseArgs takes the next word as the value, even another option.
      const missing = token.value === undefined || (!token.inlineValue && /^--?[A-Za-z]/.test(token.value) && Object.hasOwn(program.options, token.value.replace(/^--?/, "").split("=")[0]!));
      if (missing) throw new UsageError(`${token.rawName} needs a value (${spec.placeholder})`);
      given.set(token.name, token.value!);
    }
    const values: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(program.options)) {
      const value = given.get(name);
      values[name] = spec.kind === "flag" ? value === true : value === undefined ? spec.default : readValue(`--${name}`, spec, value as string);
    }
    // The keys are exactly the specs' and each value was read by its own spec.
    return { kind: "run", options: build(values as OptionValues<S>, positionals) };
  } catch (error) {
    if (error instanceof UsageError) return { kind: "usage_error", message: usageLine(program, error.message) };
    throw error;
  }
}

const NEGATIVE_NUMBER = /^-[0-9.]/;

/** ` (did you mean --timeout?)` for a near miss of a known option. */
function suggestion(name: string, known: readonly string[]): string {
  const near = known.find((k) => editDistance(k, name) <= (k.length <= 4 ? 1 : 2));
  return near === undefined ? "" : ` (did you mean --${near}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length]!;
}

/** The `--help` text: usage, what the program does, every option with its range and default. */
export function helpText(program: Program<OptionSpecs>): string {
  const rows = Object.entries(program.options).map(([name, spec]): [string, string] => {
    if (spec.kind === "flag") return [`--${name}`, spec.help];
    const range = spec.range === undefined ? "" : `; ${spec.range}`;
    const shown = spec.shownDefault === undefined ? "" : ` (default:${NO_BREAK}${spec.shownDefault})`;
    return [`--${name} ${spec.placeholder}`, `${spec.help}${range}${shown}`];
  });
  rows.push(["-h, --help", "show this help and exit"]);
  const parts = [`Usage: ${program.usage}`, paragraphs(program.about), `Options:\n${twoColumns(rows)}`];
  if (program.epilogue !== undefined) parts.push(program.epilogue.trimEnd());
  return `${parts.join("\n\n")}\n`;
}

/**
 * For a program's entry point: prints the help (exit code 0) or the usage error (stderr, exit
 * code 2) and returns `undefined`, or returns the options to run with. Sets `process.exitCode`
 * rather than exiting, so the text is written out in full.
 */
export function commandLineOrExit<T>(parsed: ParsedCommandLine<T>): T | undefined {
  switch (parsed.kind) {
    case "help":
      process.stdout.write(parsed.text);
      return undefined;
    case "usage_error":
      process.stderr.write(`${parsed.message}\n`);
      process.exitCode = 2;
      return undefined;
    case "run":
      return parsed.options;
  }
}
