"""The README's examples work: every ```python block runs as written, and every
``labor-forecast`` command of its ```bash blocks is accepted by the command's argument parser."""

from __future__ import annotations

import re
import shlex
import traceback
from pathlib import Path

import pytest

from forecast.cli import HANDLERS, build_parser

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```(\w*)\s*$")


def code_blocks(language: str, text: str | None = None) -> list[tuple[int, str]]:
    """``(line, code)`` of every fenced block of ``language``; ``line`` is the README line of the
    block's first line of code (1-based)."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    blocks, inside, start, body = [], None, 0, []
    for number, line in enumerate(lines, start=1):
        fence = FENCE.match(line)
        if fence and inside is None:
            inside, start, body = fence.group(1), number + 1, []
        elif line.startswith("```") and inside is not None:
            if inside == language:
                blocks.append((start, "\n".join(body) + "\n"))
            inside = None
        elif inside is not None:
            body.append(line)
    return blocks


def cli_commands(language: str = "bash") -> list[tuple[int, list[str]]]:
    """``(line, arguments)`` of every ``labor-forecast`` command in the shell blocks (also
    ``.venv/bin/labor-forecast``), one per command of a ``&&`` / ``;`` / ``|`` chain."""
    found = []
    for start, code in code_blocks(language):
        for offset, line in enumerate(code.splitlines()):
            words = shlex.split(line, comments=True)
            command: list[str] | None = None
            for word in [*words, "&&"]:
                if word in ("&&", "||", ";", "|", "&"):
                    if command is not None:
                        found.append((start + offset, command))
                    command = None
                elif command is not None:
                    command.append(word)
                elif word.rsplit("/", 1)[-1] == "labor-forecast":
                    command = []
    return found


def test_the_extractors_find_what_they_should():
    text = "x\n```python\na = 1\n```\n```bash\nlabor-forecast validate ./d && ls # c\n```\n"
    assert code_blocks("python", text) == [(3, "a = 1\n")]
    assert code_blocks("bash", text) == [(6, "labor-forecast validate ./d && ls # c\n")]
    assert code_blocks("python")  # the README has Python examples
    lines = {tuple(args) for _, args in cli_commands()}
    assert ("quota", "--year", "2027") in lines and ("real-data", "./kz") in lines


@pytest.mark.parametrize("start, code", [pytest.param(start, code, id=f"line{start}")
                                         for start, code in code_blocks("python")])
def test_python_snippet_runs(start, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # whatever a snippet writes lands in a temporary folder
    # Padded so that a traceback's line numbers are the README's.
    compiled = compile("\n" * (start - 1) + code, str(README), "exec")
    try:
        exec(compiled, {"__name__": "__readme__"})
    except Exception as exc:  # noqa: BLE001 - any failure of an example is the test's failure
        lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__)
                 if frame.filename == str(README)]
        pytest.fail(f"README.md line {lines[-1] if lines else start} (snippet starting at line "
                    f"{start}) raised {type(exc).__name__}: {exc}", pytrace=False)


@pytest.mark.parametrize("line, args", [pytest.param(line, args, id=f"line{line}-{args[0]}")
                                        for line, args in cli_commands()])
def test_shell_command_parses(line, args, capsys):
    try:
        parsed = build_parser().parse_args(args)
    except SystemExit as stop:  # argparse refuses bad usage by exiting with 2
        pytest.fail(f"README.md line {line}: labor-forecast {shlex.join(args)} does not parse "
                    f"(exit {stop.code}): {capsys.readouterr().err.strip()}", pytrace=False)
    assert parsed.command in HANDLERS
