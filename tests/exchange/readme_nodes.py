"""The README's two nodes, started as its "Two nodes exchanging" block tells a reader: bash runs
the block's commands as written, with the venv's `liaison` first on PATH, in a temporary folder
(the block's `var/node-a` is under it). A test changes only this:

1. every port a `LIAISON_PORT=` of the block sets is a free port, wherever the block names it;
2. each `X_FIELD=...` the reader fills in takes the `field:` line node X's `liaison node show`
   printed (`B_SIGNING_KEY=...` its `signing key:`);
3. `liaison serve`, which holds its shell, runs in the background, and the block goes on once
   the node answers `/readyz`.

The block's `# node X (shell N)` comments cut it into sections; each shell keeps what it
exported from one section to the next; any command that fails, even inside `a && b`, fails the
test. The shells have the quick settings of the other node tests (`tests.servers.QUICK`).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.docs import README, code_block, section
from tests.servers import QUICK, SRC, Node, free_port

SECTION = re.compile(r"^# node (?P<node>[A-Z]) \(shell (?P<shell>\d+)\)", re.M)
PORT = re.compile(r"LIAISON_PORT=(\d+)")
FILLED_IN = re.compile(r'\b(?P<node>[A-Z])_(?P<field>[A-Z_]+)=(?P<quote>"?)\.\.\.(?P=quote)')
SERVE = re.compile(r"^liaison serve\b.*", re.M)
SHOW = re.compile(r"^liaison node show\b", re.M)
# before each command: stop if the one before failed (`set -e` lets the `a` of `a && b` fail)
STOP_AT_A_FAILURE = "trap 'status=$?; (( status == 0 )) || exit \"$status\"' DEBUG\n"
TIMEOUT = 300  # s for one section's commands: `liaison init --demo` on a loaded two-core machine


@dataclass
class Section:
    """What the reader types into one shell for one node, up to the `liaison serve` ending it."""

    node: str
    shell: str
    commands: str
    serve: str  # that `liaison serve` line, or ""

    @property
    def name(self) -> str:
        return f"node {self.node} (shell {self.shell})"


def two_nodes_block() -> str:
    return code_block(section(README.read_text(encoding="utf-8"), "Two nodes exchanging"), "sh")


def with_free_ports(block: str) -> str:
    for port in set(PORT.findall(block)):
        block = re.sub(rf"\b{port}\b", str(free_port()), block)
    return block


def sections(block: str) -> list[Section]:
    starts = list(SECTION.finditer(block))
    assert starts and not block[: starts[0].start()].strip(), "the block opens with '# node X (shell N)'"
    cut = []
    for start, end in zip(starts, [*starts[1:], None], strict=True):
        text = block[start.start() : end.start() if end else len(block)]
        serve = SERVE.search(text)
        if serve is None:
            cut.append(Section(start["node"], start["shell"], text, ""))
            continue
        assert not text[serve.end() :].strip(), f"{text}: a shell serving runs nothing after `liaison serve`"
        cut.append(Section(start["node"], start["shell"], text[: serve.start()], serve.group(0)))
    return cut


class Reader:
    """The person following the block: their folder, their shells, what each node printed and
    the nodes they started."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.shells: dict[str, dict[str, str]] = {}
        self.printed: defaultdict[str, str] = defaultdict(str)  # by node: its section running `node show`
        self.nodes: dict[str, Node] = {}

    @staticmethod
    def new_shell() -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
        venv = Path(sys.executable).parent  # its `liaison`, running this worktree's code (PYTHONPATH)
        env.update(PATH=f"{venv}{os.pathsep}{env['PATH']}", PYTHONPATH=str(SRC), **QUICK)
        return env

    def fill_in(self, match: re.Match[str]) -> str:
        label = match["field"].lower().replace("_", " ")
        printed = re.findall(rf"^{label}:\s+(.+)$", self.printed[match["node"]], re.M)
        assert printed, f"node {match['node']} printed no '{label}:' for {match.group(0)}"
        return f"{match['node']}_{match['field']}={shlex.quote(printed[-1].strip())}"

    def run(self, typed: Section) -> None:
        saved = self.folder / f"shell-{typed.shell}.env"
        script = STOP_AT_A_FAILURE + FILLED_IN.sub(self.fill_in, typed.commands)
        script += f"\nenv -0 > {shlex.quote(str(saved))}\n"
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            env=self.shells.get(typed.shell) or self.new_shell(),
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert done.returncode == 0, f"README, {typed.name}:\n{typed.commands}\n{done.stderr}{done.stdout}"
        if SHOW.search(typed.commands):  # its last `field:` lines are that command's
            self.printed[typed.node] = done.stdout
        self.shells[typed.shell] = dict(v.split("=", 1) for v in saved.read_text().split("\0") if v)
        if typed.serve:
            self.serve(typed)

    def serve(self, typed: Section) -> None:
        env = self.shells[typed.shell]
        home = self.folder / env["LIAISON_HOME"]
        database = env.get("LIAISON_DATABASE_URL") or f"sqlite:///{home / 'liaison.db'}"
        node = Node(f"node-{typed.node.lower()}", home, database, int(env["LIAISON_PORT"]))
        self.nodes[typed.node] = node
        with (home / "serve.log").open("ab") as log:
            node.process = subprocess.Popen(
                ["bash", "-c", f"exec {typed.serve}"], env=env, cwd=self.folder, stdout=log, stderr=log
            )
        node.wait_until_ready()


@pytest.fixture
def readme_nodes(tmp_path: Path) -> Iterator[dict[str, Node]]:
    """The nodes the README's block starts, serving, by letter ("A", "B"); stopped at the end
    whatever happens."""
    reader = Reader(tmp_path)
    try:
        for typed in sections(with_free_ports(two_nodes_block())):
            reader.run(typed)
        yield reader.nodes
    finally:
        for node in reader.nodes.values():
            node.close()
