// @ts-check
// The one way the page words where a problem is: the server's line and column.

/** "line 2, column 5: " for a problem that has a position, "" otherwise. */
export function where(problem) {
  return problem && problem.line ? `line ${problem.line}, column ${problem.column}: ` : "";
}
