// Colour for people, never for pipes: on only when the stream is a terminal and NO_COLOR is unset
// or empty (https://no-color.org). One palette type for every program's text log.

import pc from "picocolors";

/** picocolors' functions, on or off. */
export type Colours = ReturnType<typeof pc.createColors>;

/** Whether text written to `stream` should be coloured. */
export function colourWanted(stream: { readonly isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env["NO_COLOR"] ?? "") === "";
}

/** The palette, coloured or plain. */
export function colours(enabled: boolean): Colours {
  return pc.createColors(enabled);
}
