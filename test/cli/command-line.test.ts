// The CLI kit: a program declares its options once, and gets the parser, the usage error line and
// `--help` from that one declaration.
import { describe, expect, it } from "vitest";
import {
  HELP_COLUMNS,
  UsageError,
  flag,
  helpText,
  integer,
  logFormatOption,
  option,
  parseCommandLine,
  readValue,
  seconds,
  text,
  type OptionValues,
  type Program,
} from "../../src/cli/index.js";

const options = {
  name: option(text("NAME"), { help: "who to greet", default: "world" }),
  times: option(integer(1, 10), { help: "how often" }),
  wait: option(seconds({ beyond: "refuse" }), { help: "pause between greetings", default: 0.5 }),
  loud: flag("shout"),
  "log-format": logFormatOption("how to log"),
};

const GREET: Program<typeof options> = {
  usage: "greet.sh [options] TARGET",
  about: "Greets TARGET, a word that stands for a long explanation about what this program does and why it needs so many words in its help.",
  options,
};

function parse(...argv: string[]) {
  return parseCommandLine(GREET, argv, (values: OptionValues<typeof options>, positionals) => {
    if (positionals.length !== 1) throw new UsageError("one TARGET, please");
    return { ...values, target: positionals[0] };
  });
}

describe("parseCommandLine", () => {
  it("gives each option its typed value, or its default, or undefined when it has none", () => {
    expect(parse("x")).toEqual({
      kind: "run",
      options: { name: "world", times: undefined, wait: 0.5, loud: false, "log-format": "text", target: "x" },
    });
    expect(parse("--name", "you", "--times=3", "--loud", "--log-format", "json", "x")).toMatchObject({
      kind: "run",
      options: { name: "you", times: 3, loud: true, "log-format": "json" },
    });
  });

  it.each([
    [["--bogus", "x"], "unknown option --bogus"],
    [["--tims", "3", "x"], "unknown option --tims (did you mean --times?)"],
    [["x", "--times"], "--times needs a value (N)"],
    [["--times", "--loud", "x"], "--times needs a value (N)"],
    [["--loud=yes", "x"], '--loud takes no value, got "yes"'],
    [["--times", "11", "x"], '--times must be an integer from 1 to 10, got "11"'],
    [["--times", "1e1", "x"], '--times must be an integer from 1 to 10, got "1e1"'],
    [["--log-format", "xml", "x"], '--log-format must be text or json, got "xml"'],
    [["--name", " ", "x"], '--name must not be empty, got " "'],
    [[], "one TARGET, please"],
  ])("refuses %j in the one line shape every program shares", (argv, problem) => {
    expect(parse(...argv)).toEqual({ kind: "usage_error", message: `error: ${problem}; usage: greet.sh [options] TARGET (--help lists them)` });
  });

  it("never lets Node's own parseArgs wording through", () => {
    const result = parse("--bogus", "x");
    expect(result.kind === "usage_error" && result.message).not.toMatch(/'--'|ERR_PARSE_ARGS|place it at the end/);
  });

  it("takes a negative number as a positional, so its own check can explain the range", () => {
    expect(parse("-5")).toMatchObject({ kind: "run", options: { target: "-5" } });
  });

  it("shows the help for --help or -h anywhere, even beside bad arguments", () => {
    for (const argv of [["--help"], ["-h"], ["--bogus", "--help"], ["--times", "99", "-h"]]) expect(parse(...argv).kind).toBe("help");
  });
});

describe("helpText", () => {
  const help = helpText(GREET);

  it("lists every option with its value, its range and its default", () => {
    expect(help).toMatch(/^Usage: greet\.sh \[options\] TARGET$/m);
    expect(help).toMatch(/--name NAME +who to greet \(default: world\)/);
    expect(help).toMatch(/--times N +how often; 1 to 10$/m);
    expect(help).toMatch(/pause between greetings; above 0, at most 2147483\n +\(default: 0\.5\)/);
    expect(help).toMatch(/--log-format text\|json +how to log \(default: text\)/);
    expect(help).toMatch(/-h, --help +show this help and exit/);
  });

  it(`fits ${HELP_COLUMNS} columns`, () => {
    for (const line of help.split("\n")) expect(line.length, line).toBeLessThanOrEqual(HELP_COLUMNS);
  });
});

describe("readValue", () => {
  it("names the value in the error: for positionals", () => {
    expect(() => readValue("PORT", integer(1, 65535), "80a")).toThrow('PORT must be an integer from 1 to 65535, got "80a"');
  });
});
