// Bounded polling: tests wait for a condition, never for a fixed time (shared with the scripts).
export { waitUntil } from "../../scripts/lib/processes.js";
