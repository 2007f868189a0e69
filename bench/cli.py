"""Start-up cost of the command line: `chainrule eval` against `python -c pass`.

    python bench/cli.py [--runs 20]

Both are whole processes, run in turns (so load affects them alike); medians are printed
with their ratio. Target: `chainrule eval '(a+b)*(b+1)' a=2 b=1` within 5x `python -c
pass`. `import chainrule` loads the standard library only (its public names load on first
use); `chainrule eval` imports the language, the builder and the engine only (no web
stack, no NumPy, no settings); `chainrule grade` the same plus grading.

chainrule's bytecode is compiled first, as `pip install` does for the wheel: from a checkout
with PYTHONDONTWRITEBYTECODE=1 (an editable install writes no .pyc), every start would
otherwise compile each module from source again (about 25 ms), which no installed user pays.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("chainrule")
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import chainrule'": [sys.executable, "-c", "import chainrule"],
    "chainrule eval": [str(SCRIPT), "eval", "(a+b)*(b+1)", "a=2", "b=1"],
    "chainrule grade --help": [str(SCRIPT), "grade", "--help"],
}
TARGET = 5.0


def main() -> int:
    """Time each command `runs` times in turns; print medians and ratios to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    import chainrule  # the installed package (a checkout's, editable)

    compileall.compile_dir(str(Path(chainrule.__file__).parent), quiet=1)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times[name].append(time.perf_counter() - started)
    base = statistics.median(times["python -c pass"])
    print(f"{'command':26} {'median ms':>10} {'vs python -c pass':>18}")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{name:26} {median * 1e3:10.1f} {median / base:17.2f}x")
    ratio = statistics.median(times["chainrule eval"]) / base
    print(
        f"target: chainrule eval <= {TARGET:g}x python -c pass: {ratio:.2f}x "
        f"{'PASS' if ratio <= TARGET else 'FAIL'}"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
