"""Given-name groups are read from rigour's table once per installation: every later process
finds them in the shared file in the data folder and never builds rigour's name tagger."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from liaison.names.nicknames import name_groups_of, same_given_name

WITHOUT_RIGOUR_TAGGER = """
import json, sys
import rigour.names

def refuse(*args, **kwargs):
    raise AssertionError("rigour's name tagger was asked")

rigour.names.analyze_names = refuse
from liaison.names.nicknames import name_groups_of, same_given_name
groups = name_groups_of(sys.argv[1:])
same = same_given_name("sasha", "aleksandr")
print(json.dumps({"groups": {w: sorted(g) for w, g in groups.items()}, "same": same}))
"""


def test_another_process_finds_the_groups_without_reading_rigour() -> None:
    words = ["sasha", "aleksandr", "kolya", "nikolai", "qzxv"]
    here = {word: sorted(groups) for word, groups in name_groups_of(words).items()}
    assert here["sasha"] and not here["qzxv"]  # a word neither data set knows is remembered too
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_RIGOUR_TAGGER, *words],
        capture_output=True, text=True, env=os.environ, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["groups"] == here and answer["same"] is True


def test_groups_looked_up_in_bulk_are_those_of_each_word() -> None:
    assert name_groups_of(["kolya", "nikolai"])["kolya"] & name_groups_of(["nikolai"])["nikolai"]
    assert same_given_name("kolya", "nikolai") and not same_given_name("hung", "hong")
