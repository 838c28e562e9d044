#!/usr/bin/env python3
"""The man page chengxin(1), made from the program's own help (`--help` and `help COMMAND …` for
every command and subcommand), so that it says what the program says: tools/package runs it.

    python3 tools/make-manpage.py BINARY VERSION > chengxin.1
"""
import re
import subprocess
import sys

SUBCOMMAND = re.compile(r"^  ([a-z][a-z0-9-]*)(?: \(default\))?(?:\s|$)")


def help_text(binary, path):
    args = [binary, "help", *path] if path else [binary, "--help"]
    done = subprocess.run(args, capture_output=True, text=True, env={"LANG": "C.UTF-8", "COLUMNS": "80"})
    if done.returncode != 0:
        sys.exit(f"make-manpage: {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout.rstrip("\n")


def subcommands(text):
    """The names listed under SUBCOMMANDS: (their descriptions' wrapped lines are indented further)."""
    names, inside = [], False
    for line in text.splitlines():
        if line.startswith("SUBCOMMANDS:"):
            inside = True
        elif inside and line and not line.startswith(" "):
            inside = False
        elif inside and (match := SUBCOMMAND.match(line)):
            names.append(match.group(1))
    return names


def roff(text):
    """Text shown as it is: backslashes escaped, no line read as a request."""
    lines = []
    for line in text.replace("\\", "\\e").splitlines():
        lines.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(lines)


def commands(binary, path):
    """This command's help, then its subcommands', depth first."""
    text = help_text(binary, path)
    yield path, text
    for name in subcommands(text):
        yield from commands(binary, [*path, name])


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make-manpage.py BINARY VERSION")
    binary, version = sys.argv[1], sys.argv[2]
    out = [
        f'.TH CHENGXIN 1 "" "chengxin {version}" "User Commands"',
        ".SH NAME",
        "chengxin \\- a market's integrity record (诚信): dashboard, complaint kiosk, verifiable log",
        ".SH SYNOPSIS",
        ".B chengxin",
        "[\\fICOMMAND\\fR [\\fISUBCOMMAND\\fR]] [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]",
    ]
    for path, text in commands(binary, []):
        out.append(".SH DESCRIPTION" if not path else f'.SS "chengxin {" ".join(path)}"')
        out += [".nf", roff(text), ".fi"]
        if not path:
            out.append(".SH COMMANDS")
    out += [
        ".SH FILES",
        ".TP", "/etc/chengxin/chengxin.env",
        "The system install's data directory, key and operational log (under /var/lib/chengxin and",
        "/var/log/chengxin, account chengxin), read by the units below; a person running chengxin",
        "keeps the folders of their own account.",
        ".TP", "/etc/chengxin/kiosk.env",
        "The kiosk's PIN and options for chengxin-kiosk@.service (written by the administrator).",
        ".TP", "/lib/systemd/system/chengxin-kiosk@.service",
        "The kiosk on a virtual console at boot: systemctl enable --now chengxin-kiosk@tty1.service",
        ".TP", "/usr/share/chengxin/seeds",
        "The shipped roster, rules and checklist that init records.",
        ".SH SEE ALSO",
        "/usr/share/doc/chengxin/cli.md (every option, exit status and environment variable),",
        "guide-admin.md, guide-kiosk.md, guide-manager.md, guide-secretary.md beside it.",
    ]
    print("\n".join(out))


main()
