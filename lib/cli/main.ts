import { Command, CommanderError } from "commander";
import { backtestCommand } from "#cli/backtest.ts";
import { generateCommand } from "#cli/generate.ts";
import { pushCommand } from "#cli/push.ts";
import { scoreCommand } from "#cli/score.ts";
import { startCommand } from "#cli/start.ts";

/** Builds the `segfocus` program; each command lives in its own file. */
export function buildProgram(): Command {
  const program = new Command("segfocus")
    .description("Which market segments to say yes to and which to say no to, from your own transactions.")
    .exitOverride();
  // addCommand does not pass exitOverride down: set it on each command so main() owns the exit code.
  for (const command of [startCommand(), scoreCommand(), backtestCommand(), generateCommand(), pushCommand()])
    program.addCommand(command.exitOverride());
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`segfocus: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
