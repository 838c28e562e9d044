#!/usr/bin/env python3
"""How many of the terminals' key sequences an input path decodes right (docs/architecture.md, "Keys").

Usage, from the repository root:

    python3 tools/measure-keys.py HARNESS [TERM...]    # e.g. .build/debug/chengxin-keys
    python3 tools/measure-keys.py --old [TERM...]       # ncurses' keypad, as the backend read keys before

The sequences are those of Tests/TestSupport/TerminalKeySequences.swift (compiled here with swiftc
into a small program that prints them). Each is written on its own to the program, run on a
pseudo-terminal with each TERM (default: xterm-256color tmux-256color screen-256color
rxvt-unicode-256color linux), followed 80 ms later by Ctrl-G as a marker; what the program reported
before the marker must be exactly the one expected key. `--old` compiles, with cc and ncursesw, the
input path the backend had before issue 18: keypad on, set_escdelay(25), get_wch, the same
translation into keys. Prints one line per TERM; -v after the TERMs lists what went wrong.
Python 3 standard library, swiftc, and for --old a C compiler with libncursesw.
"""
import os
import pty
import select
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

OLD_INPUT_PATH = r'''
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <ncursesw/curses.h>
int main(int argc, char **argv) {
    FILE *out = fopen(argv[1], "a");
    setlocale(LC_ALL, "");
    initscr(); raw(); noecho(); nonl(); keypad(stdscr, TRUE); set_escdelay(25);
    fprintf(out, "ready\n"); fflush(out);
    for (;;) {
        wint_t v; int r = get_wch(&v);
        if (r == ERR) continue;
        const char *name = NULL; char buf[64];
        if (r == KEY_CODE_YES) {
            switch (v) {
            case KEY_UP: name = "↑"; break; case KEY_DOWN: name = "↓"; break;
            case KEY_LEFT: name = "←"; break; case KEY_RIGHT: name = "→"; break;
            case KEY_NPAGE: name = "PgDn"; break; case KEY_PPAGE: name = "PgUp"; break;
            case KEY_HOME: name = "Home"; break; case KEY_END: name = "End"; break;
            case KEY_ENTER: name = "Enter"; break; case KEY_BACKSPACE: name = "Backspace"; break;
            case KEY_DC: name = "Del"; break; case KEY_BTAB: name = "Shift-Tab"; break;
            default:
                if (v > KEY_F0 && v <= KEY_F0 + 12) { snprintf(buf, sizeof buf, "F%d", v - KEY_F0); name = buf; }
                else { snprintf(buf, sizeof buf, "(no key %o)", v); name = buf; }
            }
        } else if (v == 9) name = "Tab";
        else if (v == 10 || v == 13) name = "Enter";
        else if (v == 27) name = "Esc";
        else if (v == 8 || v == 127) name = "Backspace";
        else if (v == 17) break;
        else if (v >= 1 && v <= 26) { snprintf(buf, sizeof buf, "Ctrl-%c", 'A' + v - 1); name = buf; }
        else if (v < 32) { snprintf(buf, sizeof buf, "(no key %d)", v); name = buf; }
        else { char mb[8] = {0}; wctomb(mb, v); snprintf(buf, sizeof buf, "char %s", mb); name = buf; }
        fprintf(out, "%s\n", name); fflush(out);
    }
    endwin();
    return 0;
}
'''

DUMP = '''
for t in terminalKeySequences {
    for (bytes, key) in t.keys {
        print(t.terminal + "\\t" + bytes.map { String($0) }.joined(separator: ",") + "\\t" + key)
    }
}
'''


def table(work):
    with open(os.path.join(work, "main.swift"), "w") as f:
        f.write(DUMP)
    program = os.path.join(work, "dump")
    subprocess.run(["swiftc", "-module-name", "Dump", os.path.join(ROOT, "Tests/TestSupport/TerminalKeySequences.swift"),
                    os.path.join(work, "main.swift"), "-o", program], check=True)
    rows = subprocess.run([program], check=True, capture_output=True, text=True).stdout.splitlines()
    return [(terminal, bytes(int(b) for b in sequence.split(",")), key) for terminal, sequence, key in (r.split("\t") for r in rows)]


def measure(program, term, rows, work):
    out = os.path.join(work, "keys-%s.txt" % term)
    open(out, "w").close()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = term
        os.environ["LANG"] = "C.UTF-8"
        os.execv(program, [program, out])

    def lines():
        with open(out) as f:
            return f.read().splitlines()

    def drain():
        while select.select([fd], [], [], 0)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                return

    deadline = time.time() + 10
    while not lines() and time.time() < deadline:
        drain()
        time.sleep(0.01)
    if not lines():
        os.waitpid(pid, 0)
        return None, []
    right, wrong = {}, []
    for terminal, sequence, key in rows:
        before = len(lines())
        os.write(fd, sequence)
        time.sleep(0.08)
        os.write(fd, b"\x07")
        deadline = time.time() + 2
        while time.time() < deadline:
            drain()
            got = lines()[before:]
            if got and got[-1] == "Ctrl-G":
                break
            time.sleep(0.005)
        got = lines()[before:-1]
        ok, total = right.get(terminal, (0, 0))
        right[terminal] = (ok + (got == [key]), total + 1)
        if got != [key]:
            wrong.append((terminal, sequence, key, got))
    os.write(fd, b"\x11")
    time.sleep(0.2)
    drain()
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    return right, wrong


def main():
    arguments = sys.argv[1:]
    verbose = "-v" in arguments
    arguments = [a for a in arguments if a != "-v"]
    if not arguments:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as work:
        if arguments[0] == "--old":
            program = os.path.join(work, "old-input-path")
            with open(program + ".c", "w") as f:
                f.write(OLD_INPUT_PATH)
            subprocess.run(["cc", program + ".c", "-o", program, "-lncursesw"], check=True)
        else:
            program = os.path.abspath(arguments[0])
        terms = arguments[1:] or ["xterm-256color", "tmux-256color", "screen-256color", "rxvt-unicode-256color", "linux"]
        rows = table(work)
        for term in terms:
            right, wrong = measure(program, term, rows, work)
            if right is None:
                print("TERM=%s: the program did not start (refused?)" % term)
                continue
            ok = sum(r[0] for r in right.values())
            print("TERM=%s: %d of %d right; %s" % (term, ok, len(rows), ", ".join("%s %d/%d" % (t, r[0], r[1]) for t, r in right.items())))
            if verbose:
                for terminal, sequence, key, got in wrong:
                    print("   %s: %r should be %s, was %s" % (terminal, sequence, key, got))
    return 0


if __name__ == "__main__":
    sys.exit(main())
