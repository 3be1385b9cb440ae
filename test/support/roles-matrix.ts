/**
 * The walk behind the role x command x state tests (roles-rfc.test.ts, roles-release.test.ts):
 * every (state, command, role) cell run once, and the cells compared with a matrix written by
 * hand. A cell is the state after the command when it was allowed, or the refusal's code.
 */

/** One command's rows: the states where it applies with each role's answer, and the answer elsewhere. */
export interface CommandRows<S extends string> {
  line: string;
  in: readonly (readonly [readonly S[], readonly string[]])[];
  elsewhere: readonly string[];
}

/** Where the walk runs: a fresh subject (RFC or release) in a state, and a command typed by a role. */
export interface World<S extends string, R extends string> {
  fresh(state: S): string;
  /** The state after `line` (its placeholder standing for `key`), or the refusal's code; `allowed` when it was not refused. */
  run(role: R, line: string, key: string): { answer: string; allowed: boolean };
}

export interface Cell {
  state: string;
  command: string;
  role: string;
  expected: string;
  got: string;
}

/**
 * Runs every cell and compares it with `expected`. A fixture is reused while commands are
 * refused (a refusal writes nothing, its transaction rolled back) and replaced after any
 * command that was allowed. Returns every cell and the differing ones.
 */
export function walk<S extends string, R extends string>(
  world: World<S, R>,
  states: readonly S[],
  roles: readonly R[],
  expected: Record<string, CommandRows<S>>,
): { cells: Cell[]; differing: Cell[] } {
  const cells: Cell[] = [];
  for (const state of states) {
    let key: string | null = null;
    for (const [command, rows] of Object.entries(expected)) {
      const row = rows.in.find(([in_]) => in_.includes(state))?.[1] ?? rows.elsewhere;
      if (row.length !== roles.length) throw new Error(`the row of ${command} in ${state} has ${row.length} cells for ${roles.length} roles`);
      roles.forEach((role, i) => {
        key ??= world.fresh(state);
        const { answer, allowed } = world.run(role, rows.line, key);
        cells.push({ state, command, role, expected: row[i]!, got: answer });
        if (allowed) key = null;
      });
    }
  }
  return { cells, differing: cells.filter((c) => c.expected !== c.got) };
}

/** The differing cells, one per line, for the assertion's message. */
export function describeDifferences(ds: readonly Cell[]): string {
  return `cells that differ from the table:\n${ds.map((d) => `${d.state} | ${d.command} | ${d.role}: expected ${d.expected}, got ${d.got}`).join('\n')}`;
}
