"""Persons-sought benchmark: import FollowTheMoney JSON lines into SQLite, then search by name.

    .venv/bin/python bench/subjects.py                  # 100,000 subjects, writes docs/benchmarks.md
    .venv/bin/python bench/subjects.py --subjects 5000 --quick

Steps: generate `--subjects` Person entities (names in Vietnamese, Russian and Kazakh Cyrillic,
Chinese characters and Latin; a passport each, a birth date, a sanction for one in ten) with the
followthemoney library, from a fixed seed; import them into a fresh, migrated SQLite database
through `transfer.import_file`, the code path of `liaison subjects import` (batches of 1,000, one
transaction each); import the same file again (every subject updated); then time `--searches`
name searches through `service.search_subjects` (each in its own transaction, audited as in
production), in other spellings than the stored ones: Latin without diacritics for Vietnamese,
Latin for Cyrillic, pinyin for Chinese, Cyrillic for Latin, word order changed.
Targets: import under 60 s, search p95 under 50 ms. Writes the `## Subjects` section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from followthemoney import model

from harness import percentile, write_section
from liaison.core.db import make_engine, unit_of_work
from liaison.core.migrate import upgrade
from liaison.core.security.policy import SystemActor
from liaison.core.settings import get_settings
from liaison.names.fold import fold
from liaison.names.nicknames import load as load_given_names
from liaison.names.romanise import cyrillic_to_latin, pinyin
from liaison.subjects import service, transfer
from liaison.subjects.models import Subject

SECTION = "## Subjects"
SEED = 20261123
ACTOR = SystemActor(username="bench", role="admin")


def words(text: str) -> list[str]:
    return text.split()


VI_FAMILY = words("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý")
VI_MIDDLE = words("Văn Thị Hữu Đức Minh Thanh Quang Ngọc Xuân Công")
VI_GIVEN = words("An Bình Cường Dũng Giang Hà Hải Hùng Khánh Lan Long Mai Nam Phúc Quân Sơn Tâm Thảo Trung")
RU_GIVEN = words("Иван Сергей Алексей Дмитрий Андрей Михаил Николай Павел Юрий Олег Борис Виктор Григорий")
RU_ROOTS = words("Иван Петр Смирн Кузнец Поп Сокол Лебед Козл Новик Мороз Волк Фёдор Орл Зайц Медвед Белк")
RU_ROOTS += words("Голуб Воробь Соловь Комар Журавл Гусь Сорок Ворон Кошк Быстр Тих Громк Светл Тёмн")
KZ_GIVEN = words("Нұрсұлтан Қайрат Ерлан Ғабит Әлихан Дәурен Асқар Жанболат Ерғали Серік Бауыржан Мұрат")
KZ_ROOTS = words("Әбіш Қасым Нұрлан Серікба Жұмаба Тоқа Өмірзақ Ғалым Бекмұрат Сәрсенба Есенғали Дәулет")
ZH_FAMILY = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
ZH_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文玉兰春梅海燕红波辉鹏飞宇浩然思雨晨")
LATIN_GIVEN = words(
    "John Maria Ahmed Carlos Anna Peter Olga Lucas Sofia Daniel Ali Marco Elena Omar Paul Rosa"
)
LATIN_GIVEN += words("Hugo Ines Karim Laura Mateo Nina Oscar Pablo Rita Samir Tomas Vera Yusuf Zoe Leon Ida")
LATIN_FAMILY = words(
    "Smith Garcia Khan Silva Muller Rossi Novak Ahmed Tanaka Costa Jensen Horvat Dubois Moreau"
)
LATIN_FAMILY += words(
    "Fischer Weber Ricci Romano Ferreira Santos Kowalski Nagy Popescu Petrov Haddad Mansour"
)
LATIN_FAMILY += words("Osei Mensah Okafor Adeyemi Kim Park Chen Wong Singh Patel Kumar Das Rahman Hossain")


def make_name(rng: random.Random, index: int) -> tuple[str, str]:
    """A stored name and a query that should find it in another spelling (script, marks, order)."""
    kind = index % 5
    if kind == 0:
        name = (
            f"{rng.choice(VI_FAMILY)} {rng.choice(VI_MIDDLE)} {rng.choice(VI_GIVEN)} {rng.choice(VI_GIVEN)}"
        )
        return name, fold(name).upper()
    if kind == 1:
        family = rng.choice(RU_ROOTS) + rng.choice(("ов", "ев", "ин", "ский"))
        name = f"{rng.choice(RU_GIVEN)} {rng.choice(RU_GIVEN)}ович {family}"
        return name, " ".join(reversed(cyrillic_to_latin(name, rng.choice(("bgn", "icao"))).split()))
    if kind == 2:
        family = rng.choice(KZ_ROOTS) + rng.choice(("ов", "ев", "ұлы"))
        name = f"{rng.choice(KZ_GIVEN)} {rng.choice(KZ_GIVEN)}ұлы {family}"
        return name, cyrillic_to_latin(name, rng.choice(("bgn", "icao")))
    if kind == 3:
        name = rng.choice(ZH_FAMILY) + "".join(rng.choice(ZH_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return name, pinyin(name).title()
    name = f"{rng.choice(LATIN_GIVEN)} {rng.choice(LATIN_FAMILY)} {rng.choice(LATIN_FAMILY)}"
    return name, name.lower()


def generate(path: Path, count: int) -> list[str]:
    """Write `count` persons as FtM JSON lines; return one query per subject."""
    rng = random.Random(SEED)
    queries = []
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            name, query = make_name(rng, index)
            queries.append(query)
            person = model.make_entity("Person")
            person.id = f"bench-{index}"
            person.add("name", name)
            person.add(
                "birthDate", f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            )
            person.add("nationality", rng.choice(("vn", "ru", "kz", "cn", "gb", "us")))
            person.add("gender", rng.choice(("male", "female")))
            passport = model.make_entity("Passport")
            passport.id = f"bench-{index}-passport"
            passport.add("holder", person.id)
            passport.add("number", f"P{index:08d}")
            passport.add("country", person.first("nationality"))
            entities = [person, passport]
            if index % 10 == 0:
                sanction = model.make_entity("Sanction")
                sanction.id = f"bench-{index}-sanction"
                sanction.add("entity", person.id)
                sanction.add("authority", "Benchmark authority")
                sanction.add("startDate", "2020-01-01")
                entities.append(sanction)
            for entity in entities:
                out.write(json.dumps(entity.to_dict(), ensure_ascii=False) + "\n")
    return queries


def import_in_new_process(database: Path, data: Path) -> dict[str, float]:
    """`liaison subjects import`'s code path in a process of its own, as the CLI runs it (nothing
    in memory from earlier work): its counts, wall seconds and CPU seconds."""
    command = [sys.executable, __file__, "--import-into", str(database), str(data)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def import_and_report(database: Path, data: Path) -> None:
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = transfer.import_file(lambda: unit_of_work(engine), ACTOR, data, "ftm", source="bench")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    engine.dispose()
    counts = {"created": report.created, "updated": report.updated, "rejected": len(report.rejected)}
    print(json.dumps({**counts, "seconds": seconds, "cpu": cpu}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=1_000)
    parser.add_argument("--quick", action="store_true", help="print only; do not touch docs/benchmarks.md")
    parser.add_argument("--import-into", nargs=2, metavar=("DATABASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_into:
        import_and_report(*(Path(p) for p in args.import_into))
        return

    with tempfile.TemporaryDirectory(prefix="liaison-bench-subjects-") as folder:
        # A data folder of its own: the given-name cache starts empty, as on a new installation.
        os.environ["LIAISON_HOME"] = folder
        get_settings.cache_clear()
        data, database = Path(folder) / "persons.ftm.jsonl", Path(folder) / "bench.db"
        started = time.perf_counter()
        queries = generate(data, args.subjects)
        generated = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        first = import_in_new_process(Path(folder) / "first.db", data)
        assert first["created"] == args.subjects and not first["rejected"], first
        # The same file into another database, in another process: only the cache is shared.
        imported = import_in_new_process(database, data)
        assert imported["created"] == args.subjects and not imported["rejected"], imported

        engine = make_engine(f"sqlite:///{database}")

        def unit():  # type: ignore[no-untyped-def]
            return unit_of_work(engine)

        load_given_names()  # as `liaison serve` does at start-up, before the first search
        started = time.perf_counter()
        second = transfer.import_file(unit, ACTOR, data, "ftm", source="bench")
        reimport_seconds = time.perf_counter() - started
        assert second.updated == args.subjects and second.created == 0

        rng = random.Random(SEED + 1)
        picked = [rng.randrange(args.subjects) for _ in range(args.searches)]
        timings, cpu_timings, misses = [], [], 0
        for index in picked:
            query = service.SubjectQuery(q=queries[index])
            began, cpu_began = time.perf_counter(), time.process_time()
            with unit() as session:
                service.search_subjects(session, ACTOR, query, limit=20)
            timings.append((time.perf_counter() - began) * 1000)
            cpu_timings.append((time.process_time() - cpu_began) * 1000)
            with unit() as session:  # not timed: is the subject among all the matches?
                matches = service.search_query(session, ACTOR, query).with_only_columns(Subject.source_id)
                misses += f"bench-{index}" not in set(session.scalars(matches))
        file_mb = data.stat().st_size / 1_048_576
        db_mb = database.stat().st_size / 1_048_576
        engine.dispose()

    p50, p95, p99 = (percentile(timings, q) for q in (0.5, 0.95, 0.99))
    c50, c95, c99 = (percentile(cpu_timings, q) for q in (0.5, 0.95, 0.99))
    rows = [
        ("machine", f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, SQLite"),
        (
            "dataset",
            f"{args.subjects:,} FtM persons, passports, 10% sanctioned ({file_mb:.1f} MB JSON lines)",
        ),
        ("database after import", f"{db_mb:.1f} MB"),
        ("generate the file (followthemoney)", f"{generated:.1f} s"),
        ("load average (1 min) when the imports started", f"{load_before:.1f}"),
        (
            "first import of a new installation (CPU), given-name cache empty",
            f"{first['seconds']:.1f} s ({first['cpu']:.1f} s)",
        ),
        (
            "import (target < 60 s), a new database, the cache filled",
            f"{imported['seconds']:.1f} s ({args.subjects / imported['seconds']:,.0f} subjects/s)",
        ),
        ("import, CPU time of the process", f"{imported['cpu']:.1f} s"),
        ("re-import, all updated", f"{reimport_seconds:.1f} s"),
        ("name searches", f"{args.searches:,}, in another script or spelling than stored"),
        ("search p50 / p95 / p99 (target p95 < 50 ms)", f"{p50:.1f} / {p95:.1f} / {p99:.1f} ms"),
        ("search CPU time p50 / p95 / p99", f"{c50:.1f} / {c95:.1f} / {c99:.1f} ms"),
        ("searches that did not find their subject", f"{misses} of {args.searches}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    markdown = "\n".join(
        [
            SECTION,
            "",
            "`.venv/bin/python bench/subjects.py` — persons sought imported from FollowTheMoney JSON",
            "lines into SQLite through the CLI's code path (batches of 1,000, one transaction each), then",
            "searched by name through the service (each search its own audited transaction) in another",
            "spelling than stored: Vietnamese without diacritics, Cyrillic in Latin (BGN/PCGN or ICAO,",
            "word order changed), Chinese in pinyin. Fixed seed. The file is imported twice into fresh",
            "databases: first with the given-name cache of a new installation empty (rigour's name tagger",
            "is built once, about ten seconds of CPU), then as every later import runs, with the cache",
            "filled. Wall times depend on what else the machine runs (the load average is recorded);",
            "CPU times are the steadier guide.",
            "",
            "| measure | value |",
            "|---|---|",
            *(f"| {key} | {value} |" for key, value in rows),
            "",
        ]
    )
    if not args.quick:
        write_section(SECTION, markdown)


if __name__ == "__main__":
    main()
