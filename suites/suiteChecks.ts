// A suite file states its checks inside one function, which it exports. Where vitest evaluates the file as a
// test file, the checks are stated at once. The in-process runner (cli/runInProcess.ts) imports each file
// once and calls the function again for every run it collects: evaluating the file anew for each run read
// and compiled it again, and kept one more module in Node's module map for every student of a class.

export type StateChecks = () => void;

let statedOnRequest = false;

/** From now on, suite files leave stating their checks to whoever imports them (the in-process runner). */
export function stateChecksOnRequest(): void {
  statedOnRequest = true;
}

export function suiteChecks(state: StateChecks): StateChecks {
  if (!statedOnRequest) state();
  return state;
}
