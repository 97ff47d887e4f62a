// Child processes and ports for end-to-end tests: the one set of helpers the scripts use too
// (scripts/lib/processes.ts). A test file can `afterEach(stopAll)` and never leak a process.
export * from "../../scripts/lib/processes.js";
