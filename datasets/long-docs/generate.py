#!/usr/bin/env python3
"""Generate datasets/long-docs/v1.jsonl and dataset.yaml.

Deterministic for a given Python version (seed 20261127, Python 3.11 stdlib only): rerunning on the same
interpreter writes byte-identical files. The base text is the Python documentation that ships with the interpreter
in `pydoc_data.topics` (PSF licence): each document is a "compiled edition" of a seeded selection of those topics
in a seeded order (at least 130,000 bytes). Into each document the generator inserts 1-3 short synthetic notes
("needles": a maintainer, a codename, a print run, a build host, a date...) at chosen depths between 10% and 90%
of the document, at paragraph boundaries outside code blocks; the question asks about the needle(s), some needing
two or three needles combined. All needle text, names and values are invented here (CC0-1.0).

The committed v1.jsonl was produced on the Python recorded in dataset.yaml. Another Python version ships
different documentation, so regenerating there gives different documents: that would be a new version.

    python3 datasets/long-docs/generate.py
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import sys
from pathlib import Path

import pydoc_data.topics

SEED = 20261127
CREATED = "2026-11-25"
HERE = Path(__file__).resolve().parent
N_CASES = 32
MIN_BYTES = 130_000

TOPICS = pydoc_data.topics.topics
TOPIC_KEYS = sorted(TOPICS)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

FIRST = ["Ingrid", "Tomasz", "Amara", "Rafael", "Keiko", "Nikolai", "Fatima", "Declan", "Lucia", "Oluwaseun",
         "Hannelore", "Mateo", "Priyanka", "Soren", "Yasmin", "Benedikt", "Thandiwe", "Callum", "Ines", "Arjun",
         "Marguerite", "Eamon", "Zofia", "Kwame", "Annika", "Teodor", "Leilani", "Grzegorz", "Rosalind", "Haruto"]
LAST = ["Solberg", "Wieczorek", "Okonkwo", "Castellanos", "Nakamura", "Petrov", "Haddad", "Fitzgerald", "Moretti",
        "Adeyemi", "Brandt", "Ferreira", "Raghunathan", "Lindqvist", "Karimi", "Hofstetter", "Mahlangu", "Drummond",
        "Valverde", "Chaudhary", "Delacroix", "Byrne", "Kowalczyk", "Asante", "Bergstrom", "Ionescu", "Kahananui",
        "Zielinski", "Ashworth", "Tanaka"]
CODENAMES = ["Bramblewood", "Saltire", "Cobalt Heron", "Juniper Gate", "Lantern Fish", "Marrowstone", "Quillfeather",
             "Harrow Point", "Silver Wicket", "Tamarack", "Orchid Vale", "Copperline", "Windrush Key", "Halcyon Arc",
             "Nettlecombe", "Basalt Crow", "Larkspur", "Ferngully Row", "Ironbark", "Moonrake", "Pelican Reach",
             "Slate Meadow", "Thistledown", "Amber Quay"]
HOSTS = ["docbuild-07", "render-kiln-3", "sphinx-node-14", "pubfarm-22", "typeset-east-5", "mkdoc-relay-9",
         "galley-host-11", "proofbox-4", "inkwell-srv-8", "folio-build-2"]
CITIES = ["Tampere", "Ljubljana", "Porto", "Aarhus", "Brno", "Cork", "Graz", "Tartu", "Bilbao", "Utrecht", "Leipzig",
          "Gdańsk"]
TEAMS = ["typesetting", "indexing", "localisation", "proofreading", "style review", "release engineering"]
BUILDINGS = ["Harbourside", "Meridian", "Old Mill", "Foundry", "Riverside", "Beacon"]
COLOURS = ["slate-grey", "burgundy", "forest-green", "navy-blue", "ochre", "charcoal"]
ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth"}


def date_forms(d):
    return [f"{d.day} {MONTHS[d.month - 1]} {d.year}", f"{MONTHS[d.month - 1]} {d.day}, {d.year}", d.isoformat()]


def num_forms(n, unit=""):
    forms = [f"{n:,}", str(n)]
    if unit:
        forms += [f"{n:,} {unit}", f"{n} {unit}"]
    out = []
    for f in forms:
        if f not in out:
            out.append(f)
    return out


def rand_date(rng, y0=2019, y1=2026):
    start = dt.date(y0, 1, 1).toordinal()
    end = dt.date(y1, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def person(rng, used):
    while True:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in used:
            used.add(name)
            return name


def pick(rng, pool, used):
    while True:
        x = rng.choice(pool)
        if x not in used:
            used.add(x)
            return x


# --------------------------------------------------------------------------------------------------------------
# Needle sets: each returns (needles, question, expected, kind tags)
# --------------------------------------------------------------------------------------------------------------


def single_needle(rng, variant, used, titles):
    if variant == 0:
        name = person(rng, used)
        return ([f"Editorial note: the maintainer responsible for this compiled edition is {name}, who also "
                 "signs off every change to its chapter order."],
                "According to the editorial note in this document, who is the maintainer responsible for this "
                "compiled edition?", [name], ["retrieval", "name"])
    if variant == 1:
        n = rng.choice([180, 240, 300, 417, 450, 600, 720, 900, 1200, 1350])
        return ([f"Internal configuration note: the documentation build server caches each rendered page of this "
                 f"edition for {n} seconds before regenerating it."],
                "According to the internal configuration note in this document, for how many seconds does the "
                "documentation build server cache each rendered page?", num_forms(n, "seconds"),
                ["retrieval", "number"])
    if variant == 2:
        d = rand_date(rng)
        return ([f"Production note: this edition was approved for internal distribution on {date_forms(d)[0]} "
                 "by the documentation review board."],
                "According to the production note, on what date was this edition approved for internal "
                "distribution?", date_forms(d), ["retrieval", "date"])
    if variant == 3:
        code = pick(rng, CODENAMES, used)
        return ([f"Release note: within the documentation team, this compiled edition is known by the internal "
                 f"codename \"{code}\"."],
                "What internal codename does the release note give for this compiled edition?", [code],
                ["retrieval", "name"])
    if variant == 4:
        ext = rng.randint(2100, 7999)
        return ([f"Support note: reports of errors in this edition go to the errata desk, which can be reached on "
                 f"internal telephone extension {ext}."],
                "Which internal telephone extension does the support note give for the errata desk?",
                [str(ext), f"extension {ext}"], ["retrieval", "number"])
    if variant == 5:
        cab = f"{rng.choice('ABCDEFGH')}-{rng.randint(10, 99)}"
        room = rng.choice(["basement", "third-floor", "east-wing", "north-annexe"])
        return ([f"Archive note: the signed master copy of this edition is stored in cabinet {cab} of the {room} "
                 "records room."],
                "According to the archive note, in which cabinet is the signed master copy of this edition stored?",
                [cab, f"cabinet {cab}"], ["retrieval", "code"])
    if variant == 6:
        n = rng.choice([6, 8, 10, 12, 14, 16, 20])
        return ([f"Training note: new members of the documentation team must complete {n} hours of house-style "
                 "training before they are allowed to edit this manual."],
                "According to the training note, how many hours of house-style training must new documentation "
                "team members complete before editing this manual?", num_forms(n, "hours"),
                ["retrieval", "number"])
    # variant 7
    n = rng.randint(8, 40) * 50
    colour = rng.choice(COLOURS)
    return ([f"Printing note: the first print run of this edition consisted of {n:,} copies, bound in {colour} "
             "covers."],
            "According to the printing note, how many copies were in the first print run of this edition?",
            num_forms(n, "copies"), ["retrieval", "number"])


def two_needles(rng, variant, used, titles):
    if variant == 0:
        name = person(rng, used)
        ext = rng.randint(2100, 7999)
        return ([f"Editorial note: errata reports for this edition are triaged by {name}.",
                 f"Directory note: {name} can be reached on internal extension {ext}."],
                "What internal extension reaches the person who triages errata reports for this edition?",
                [str(ext), f"extension {ext}"], ["chain"])
    if variant == 1:
        a = rng.randint(12, 60) * 50
        b = rng.randint(4, 30) * 50
        return ([f"Printing note: the first print run of this edition was {a:,} copies.",
                 f"Printing note: a second print run, ordered after the first sold out, added {b:,} copies."],
                "According to the printing notes, how many copies of this edition were printed in total across "
                "the first and second print runs?", num_forms(a + b, "copies"), ["aggregation"])
    if variant == 2:
        d1 = rand_date(rng, 2020, 2025)
        k = rng.choice([9, 12, 17, 21, 26, 30, 38, 45])
        d2 = d1 + dt.timedelta(days=k)
        return ([f"Schedule note: the text of this edition was frozen on {date_forms(d1)[0]}.",
                 f"Schedule note: publication followed exactly {k} days after the text freeze."],
                "According to the schedule notes, on what date was this edition published?", date_forms(d2),
                ["date-arithmetic"])
    if variant == 3:
        host = pick(rng, HOSTS, used)
        city = pick(rng, CITIES, used)
        return ([f"Build note: this edition is rendered every night on the build host \"{host}\".",
                 f"Infrastructure note: the host \"{host}\" is located in the company's {city} data centre."],
                "In which city is the data centre that houses the build host rendering this edition?", [city],
                ["chain"])
    # variant 4: two-part answer
    name = person(rng, used)
    code = pick(rng, CODENAMES, used)
    return ([f"Editorial note: the maintainer responsible for this compiled edition is {name}.",
             f"Release note: within the documentation team, this edition is known by the codename \"{code}\"."],
            "Who is the maintainer responsible for this compiled edition, and what is its internal codename?",
            [f"{name} and {code}", f"{name}, {code}", f"{name}; {code}"], ["two-part"])


def three_needles(rng, variant, used, titles):
    if variant == 0:
        codes = [pick(rng, CODENAMES, used) for _ in range(3)]
        vols = ["Appendix A", "Appendix B", "Appendix C"]
        target = rng.randrange(3)
        notes = [f"Release note: the companion volume {v} of this edition carries the internal codename \"{c}\"."
                 for v, c in zip(vols, codes)]
        return (notes, f"According to the release notes, what is the internal codename of the companion volume "
                       f"{vols[target]}?", [codes[target]], ["disambiguation"], target)
    if variant == 1:
        months = rng.sample(range(12), 3)
        months.sort()
        year = rng.randint(2021, 2025)
        counts = [rng.randint(1200, 9800) for _ in range(3)]
        notes = [f"Usage note: in {MONTHS[m]} {year}, the online copy of this edition was opened {c:,} times."
                 for m, c in zip(months, counts)]
        return (notes, "What is the total number of times the online copy was opened across the three months "
                       "mentioned in the usage notes?", num_forms(sum(counts), "times"), ["aggregation"], None)
    if variant == 2:
        name = person(rng, used)
        team = rng.choice(TEAMS)
        floor = rng.randint(2, 8)
        building = rng.choice(BUILDINGS)
        notes = [f"Editorial note: the index of this edition is maintained by {name}.",
                 f"Staff note: {name} is a member of the {team} team.",
                 f"Facilities note: the {team} team sits on floor {floor} of the {building} building."]
        return (notes, "On which floor, and in which building, does the team of the person who maintains the index "
                       "of this edition sit?",
                [f"floor {floor} of the {building} building", f"floor {floor}, {building} building",
                 f"{ORDINALS[floor]} floor of the {building} building", f"floor {floor}, {building}"],
                ["chain"], None)
    # variant 3: reviewers of three chapters
    chosen = rng.sample(titles, 3)
    names = [person(rng, used) for _ in range(3)]
    target = rng.randrange(3)
    notes = [f"Review note: the chapter titled \"{t}\" was last checked for accuracy by {n}."
             for t, n in zip(chosen, names)]
    return (notes, f"According to the review notes, who last checked the chapter titled \"{chosen[target]}\" for "
                   "accuracy?", [names[target]], ["disambiguation"], target)


# --------------------------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------------------------


def topic_title(key):
    return TOPICS[key].split("\n", 1)[0].strip()


def assemble(rng, n):
    target = rng.randint(136_000, 185_000)
    keys = TOPIC_KEYS[:]
    rng.shuffle(keys)
    chosen, size, seen_titles = [], 0, set()
    for k in keys:
        t = topic_title(k)
        body = len(TOPICS[k].encode("utf-8"))
        if t in seen_titles or size + body > target + 40_000:
            continue
        chosen.append(k)
        seen_titles.add(t)
        size += body
        if size >= target:
            break
    edition = f"{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.randint(100, 999)}"
    header = [
        f"PYTHON LANGUAGE REFERENCE: COMPILED EDITION {edition}",
        "",
        f"This compiled edition collects {len(chosen)} topics from the Python {sys.version.split()[0]} "
        "documentation, as distributed with the interpreter, in an order chosen for this edition. "
        "Notes added by the documentation team appear as separate paragraphs in the text.",
        "",
        "Contents",
        "",
    ]
    header += [f"  Chapter {i}. {topic_title(k)}" for i, k in enumerate(chosen, 1)]
    parts = ["\n".join(header)]
    for i, k in enumerate(chosen, 1):
        parts.append(f"CHAPTER {i}\n\n{TOPICS[k].strip()}")
    text = "\n\n\n".join(parts) + "\n"
    return text, chosen, edition


UNDERLINE = re.compile(r"^[*=\-^~]{3,}$")


def boundaries(text):
    """Offsets just after a blank line where a prose paragraph starts and the previous paragraph is prose too."""
    out = []
    for m in re.finditer(r"\n\n(?=\S)", text):
        pos = m.end()
        nxt = text[pos:text.find("\n", pos)]
        prev_start = text.rfind("\n", 0, m.start()) + 1
        prev = text[prev_start:m.start()]
        if not prev or prev[0].isspace() or prev.rstrip().endswith(":") or UNDERLINE.match(prev.strip()):
            continue
        if prev[0] in "+|" or nxt[:1] in "+|":
            continue  # inside or next to a table
        if UNDERLINE.match(nxt.strip()) or nxt.startswith("CHAPTER") or nxt.startswith("  Chapter"):
            continue
        following = text[pos:pos + 400].split("\n")
        if len(following) > 1 and UNDERLINE.match(following[1].strip() or "x"):
            continue  # the next paragraph is a heading
        out.append(pos)
    return out


def choose_depths(rng, k):
    for _ in range(1000):
        ds = sorted(round(rng.uniform(0.10, 0.90), 2) for _ in range(k))
        if all(b - a >= 0.15 for a, b in zip(ds, ds[1:])):
            return ds
    raise RuntimeError("depths")


def insert_needles(text, notes, depths, rng):
    """Insert notes[i] at depth depths[i]; returns the new text and the actual depths (fraction of bytes)."""
    bounds = boundaries(text)
    # skip the contents list
    first_chapter = text.index("CHAPTER 1")
    bounds = [b for b in bounds if b > first_chapter]
    positions = []
    for d in depths:
        target = int(len(text) * d)
        pos = min(bounds, key=lambda b: (abs(b - target), b))
        assert pos not in positions
        positions.append(pos)
    order = sorted(range(len(notes)), key=lambda i: positions[i], reverse=True)
    for i in order:
        text = text[:positions[i]] + notes[i] + "\n\n" + text[positions[i]:]
    raw = text.encode("utf-8")
    actual = [raw.find(n.encode("utf-8")) / len(raw) for n in notes]
    return text, actual


def depth_tag(d):
    return "depth-early" if d < 0.35 else ("depth-late" if d > 0.65 else "depth-middle")


def build():
    rng = random.Random(SEED)
    plan = (["single"] * 12) + (["double"] * 11) + (["triple"] * 9)
    rng.shuffle(plan)
    counters = {"single": 0, "double": 0, "triple": 0}
    # single-needle depths spread evenly over 10%..90%
    single_depths = [0.10, 0.17, 0.25, 0.32, 0.40, 0.47, 0.55, 0.62, 0.70, 0.77, 0.84, 0.90]
    rng.shuffle(single_depths)
    lines = []
    for n in range(1, N_CASES + 1):
        kind = plan[n - 1]
        text, chosen, edition = assemble(rng, n)
        titles = [topic_title(k) for k in chosen]
        unique_titles = [t for t in titles if text.count(t) == 2]  # contents line + chapter heading only
        used = set()
        v = counters[kind]
        counters[kind] += 1
        target = None
        if kind == "single":
            notes, question, expected, kt = single_needle(rng, v % 8, used, unique_titles)
            depths = [single_depths[v]]
        elif kind == "double":
            notes, question, expected, kt = two_needles(rng, v % 5, used, unique_titles)
            depths = choose_depths(rng, 2)
            if rng.random() < 0.3:
                notes = notes[::-1]  # the second fact occasionally comes first
        else:
            notes, question, expected, kt, target = three_needles(rng, v % 4, used, unique_titles)
            depths = choose_depths(rng, 3)
            perm = list(range(3))
            rng.shuffle(perm)
            notes = [notes[i] for i in perm]
            if target is not None:
                target = perm.index(target)
        for note in notes:  # needles are new text: their distinctive parts must not occur in the base document
            assert note not in text
        for word in used:
            assert word not in text, (n, word)
        doc, actual = insert_needles(text, notes, depths, rng)
        size = len(doc.encode("utf-8"))
        assert size >= MIN_BYTES, (n, size)
        for note in notes:
            assert doc.count(note) == 1
        relevant = actual if target is None else [actual[target]]
        tags = [f"needles-{len(notes)}", *kt, *sorted({depth_tag(d) for d in relevant})]
        case = {
            "id": f"ld-{n:05d}",
            "input": {"document": doc, "question": question},
            "expected": expected,
            "split": "test",
            "tags": tags,
            "cluster": None,
            "labels": [],
        }
        lines.append(json.dumps(case, ensure_ascii=False))
        print(f"ld-{n:05d} {size:>7} bytes  {len(chosen):>2} topics  needles at "
              + ", ".join(f"{d:.0%}" for d in actual) + f"  {kt}")
    return lines


def yaml_str(s):
    return json.dumps(s, ensure_ascii=True)


DESCRIPTION = """\
Long-document question answering ("needle in a haystack" with realistic text). Each document is a compiled
"reference manual" of 130-230 KB: a table of contents and chapters made of a seeded selection, in a seeded order,
of the Python documentation topics that ship with the interpreter (pydoc_data.topics). Into each document 1-3
short synthetic notes (needles) are inserted as their own paragraphs at paragraph boundaries outside code blocks,
at depths between 10% and 90% of the document; the notes are invented (names, codenames, extensions, dates, counts)
and never occur in the base text. The question asks about the needle(s). Tags: needles-1/2/3 = number of inserted
notes; retrieval = one note, one fact (name, number, date or code); chain = follow one note to another (e.g. who
triages errata, then that person's extension); aggregation = add numbers from 2-3 notes; date-arithmetic = a
freeze date plus a number of days; two-part = report two facts; disambiguation = three similar notes, the question
picks one; depth-early/middle/late = where the note(s) needed for the answer sit (<35%, 35-65%, >65% of the
bytes). expected lists acceptable short answers (number formats with and without thousands separators, date
formats "D Month YYYY", "Month D, YYYY" and ISO). cluster is null: every document is assembled independently."""


def write(lines):
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (HERE / "v1.jsonl").write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    pyver = " ".join(sys.version.split())
    manifest = "\n".join([
        "name: long-docs",
        "description: |",
        *["  " + line for line in DESCRIPTION.splitlines()],
        "source: " + yaml_str(
            f"Generated by datasets/long-docs/generate.py (seed {SEED}, Python stdlib only) on Python {pyver}. "
            "Base text: the documentation topics in that interpreter's pydoc_data/topics.py (the Python "
            "documentation, Copyright Python Software Foundation, distributed under the PSF License Agreement); "
            "the inserted notes and questions were written for this dataset."),
        "licence: " + yaml_str("PSF-2.0 (Python documentation text from pydoc_data.topics); the inserted notes, "
                               "questions and answers are CC0-1.0"),
        "task_class: long-document",
        "fields:",
        "  document: " + yaml_str("The long document (plain text, 130-230 KB) with the inserted notes."),
        "  question: " + yaml_str("The question about the inserted notes."),
        "versions:",
        '  "1":',
        "    file: v1.jsonl",
        "    sha256: " + sha,
        "    cases: %d" % len(lines),
        '    created: "%s"' % CREATED,
        "    notes: " + yaml_str(
            f"First version, generated on Python {pyver}. Regenerating on another Python version uses that "
            "version's documentation and gives different documents; record such output as a new version."),
        "",
    ])
    (HERE / "dataset.yaml").write_text(manifest, encoding="utf-8")
    return sha


if __name__ == "__main__":
    lines = build()
    sha = write(lines)
    print(f"wrote {len(lines)} cases to {HERE / 'v1.jsonl'} (sha256 {sha})")
