#!/usr/bin/env python3
"""Generate datasets/chart-reading: images/*.png, v1.jsonl and dataset.yaml.

Deterministic: Python 3.11 standard library only (PNG written with zlib + struct, text drawn with the 5x7 bitmap
font below at twice its size), fixed seed. Rerunning it reproduces byte-identical files. Every chart, store, item
and number is made up for this dataset (CC0-1.0).

Kinds (the first tag of each case):
  bar-labelled   a bar chart with each value printed above its bar: "What is the value of the X bar?"
  bar-axis       no printed values; bars end exactly on a gridline of the labelled y-axis: read it off the axis
  bar-compare    printed values: "How much higher is the X bar than the Y bar?" (a positive difference)
  bar-max        printed values: "What is the highest value shown in the chart?"
  receipt-total  a till receipt (items, optional tax line, TOTAL): "What is the total on this receipt?"
  receipt-item   the same kind of receipt: "How much did the X cost?" (each item appears once)
The expected answer is one number (an integer for charts, a two-decimal amount for receipts); the numeric grader
compares it with the last number of the answer. One image per case, all test split.
"""

from __future__ import annotations

import hashlib
import json
import random
import struct
import zlib
from pathlib import Path

SEED = 20261126
NAME = "chart-reading"
CREATED = "2026-11-26"
HERE = Path(__file__).resolve().parent
COUNTS = {"bar-labelled": 30, "bar-axis": 24, "bar-compare": 18, "bar-max": 12, "receipt-total": 24, "receipt-item": 12}

# --- a 5x7 bitmap font: 7 rows of 5 pixels per glyph ('#' = ink) ---------------------------------------------------

FONT_ROWS = {
    "A": [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
    "B": ["####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."],
    "C": [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."],
    "D": ["####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."],
    "E": ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
    "F": ["#####", "#....", "#....", "####.", "#....", "#....", "#...."],
    "G": [".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"],
    "H": ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
    "I": [".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."],
    "J": ["..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."],
    "K": ["#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"],
    "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
    "M": ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"],
    "N": ["#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"],
    "O": [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
    "P": ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
    "Q": [".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"],
    "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
    "S": [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
    "T": ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
    "U": ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
    "V": ["#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."],
    "W": ["#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."],
    "X": ["#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"],
    "Y": ["#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."],
    "Z": ["#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"],
    "0": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
    "1": ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
    "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
    "3": ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
    "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
    "5": ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
    "6": ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
    "7": ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
    "8": [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
    "9": [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
    ".": [".....", ".....", ".....", ".....", ".....", ".##..", ".##.."],
    ",": [".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."],
    ":": [".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."],
    "-": [".....", ".....", ".....", "#####", ".....", ".....", "....."],
    "/": [".....", "....#", "...#.", "..#..", ".#...", "#....", "....."],
    "%": ["##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"],
    "#": [".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#."],
    "&": [".##..", "#..#.", "#.#..", ".#...", "#.#.#", "#..#.", ".##.#"],
    " ": [".....", ".....", ".....", ".....", ".....", ".....", "....."],
}
SCALE = 2
GLYPH_W, GLYPH_H, GAP = 5 * SCALE, 7 * SCALE, SCALE
ADVANCE = GLYPH_W + GAP

# --- a palette image and PNG output ----------------------------------------------------------------------------------

PALETTE = [
    (255, 255, 255), (20, 20, 20), (205, 205, 205), (120, 120, 120),  # white, ink, grid, axis grey
    (52, 101, 164), (230, 126, 34), (46, 139, 87), (192, 57, 43), (125, 60, 152), (22, 160, 133),  # bar colours
    (250, 248, 240),  # receipt paper
]
WHITE, INK, GRID, AXIS, PAPER = 0, 1, 2, 3, 10
BAR_COLOURS = [4, 5, 6, 7, 8, 9]


class Canvas:
    def __init__(self, width: int, height: int, background: int = WHITE) -> None:
        self.width, self.height = width, height
        self.px = bytearray([background]) * (width * height)

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: int) -> None:
        """Fill [x0, x1) x [y0, y1), clipped."""
        x0, x1 = max(0, x0), min(self.width, x1)
        for y in range(max(0, y0), min(self.height, y1)):
            row = y * self.width
            self.px[row + x0 : row + x1] = bytes([colour]) * max(0, x1 - x0)

    def text(self, x: int, y: int, s: str, colour: int = INK) -> None:
        for i, ch in enumerate(s):
            for r, bits in enumerate(FONT_ROWS[ch]):
                for c, bit in enumerate(bits):
                    if bit == "#":
                        px, py = x + i * ADVANCE + c * SCALE, y + r * SCALE
                        self.rect(px, py, px + SCALE, py + SCALE, colour)

    def png(self) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        raw = b"".join(b"\x00" + bytes(self.px[y * self.width : (y + 1) * self.width]) for y in range(self.height))
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 3, 0, 0, 0)  # 8-bit palette
        plte = b"".join(bytes(c) for c in PALETTE)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"PLTE", plte)
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def text_width(s: str) -> int:
    return len(s) * ADVANCE - GAP


# --- bar charts --------------------------------------------------------------------------------------------------------

CHART_TOPICS = [
    ("UNITS SOLD BY REGION", ["NORTH", "SOUTH", "EAST", "WEST", "CITY", "COAST"]),
    ("ORDERS PER DAY", ["MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ("TICKETS BY TEAM", ["OPS", "SALES", "WEB", "HR", "DATA", "CARE"]),
    ("VISITS BY MONTH", ["JAN", "FEB", "MAR", "APR", "MAY", "JUN"]),
    ("SIGNUPS BY PLAN", ["FREE", "BASIC", "PRO", "TEAM", "ELITE", "TRIAL"]),
    ("FRUIT IN STOCK", ["APPLE", "PEAR", "PLUM", "KIWI", "LIME", "MANGO"]),
    ("REPAIRS BY SITE", ["DOCK", "MILL", "YARD", "DEPOT", "FARM", "PORT"]),
    ("BOOKS LENT", ["MAPS", "POEMS", "MATHS", "ART", "MUSIC", "DRAMA"]),
]
STEPS = [5, 10, 20, 25, 50]
WIDTH, HEIGHT = 520, 300
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 50, 40


def bar_chart(rng: random.Random, kind: str) -> tuple[bytes, list[str], list[int]]:
    title, pool = rng.choice(CHART_TOPICS)
    n = rng.randint(3, 6)
    cats = rng.sample(pool, n) if kind != "bar-axis" or rng.random() < 0.5 else pool[:n]
    step = rng.choice(STEPS)
    ticks = rng.randint(4, 6)
    ymax = step * ticks
    if kind == "bar-axis":
        values = [step * rng.randint(1, ticks) for _ in cats]
    else:
        values = [rng.randint(max(1, step // 2), ymax) for _ in cats]
        while len(set(values)) < len(values):  # distinct values keep compare / max questions unambiguous
            values = [rng.randint(max(1, step // 2), ymax) for _ in cats]
    img = Canvas(WIDTH, HEIGHT)
    img.text((WIDTH - text_width(title)) // 2, 14, title)
    plot_h = HEIGHT - TOP - BOTTOM
    y_of = lambda v: HEIGHT - BOTTOM - round(v / ymax * plot_h)  # noqa: E731
    for t in range(ticks + 1):
        y = y_of(t * step)
        img.rect(LEFT, y, WIDTH - RIGHT, y + 1, GRID if t else AXIS)
        label = str(t * step)
        img.text(LEFT - 8 - text_width(label), y - GLYPH_H // 2, label, AXIS if t else INK)
    img.rect(LEFT, TOP - 4, LEFT + 1, HEIGHT - BOTTOM, AXIS)
    slot = (WIDTH - LEFT - RIGHT) // n
    colour = rng.choice(BAR_COLOURS)
    for i, (cat, v) in enumerate(zip(cats, values, strict=True)):
        x0 = LEFT + i * slot + slot // 5
        x1 = LEFT + (i + 1) * slot - slot // 5
        img.rect(x0, y_of(v), x1, HEIGHT - BOTTOM, colour)
        centre = (x0 + x1) // 2
        img.text(centre - text_width(cat) // 2, HEIGHT - BOTTOM + 10, cat)
        if kind != "bar-axis":
            img.text(centre - text_width(str(v)) // 2, y_of(v) - GLYPH_H - 5, str(v))
    return img.png(), cats, values


def chart_question(rng: random.Random, kind: str, cats: list[str], values: list[int]) -> tuple[str, int]:
    if kind == "bar-max":
        return "What is the highest value shown in the chart?", max(values)
    if kind == "bar-compare":
        i, j = rng.sample(range(len(cats)), 2)
        if values[i] < values[j]:
            i, j = j, i
        return f"How much higher is the {cats[i]} bar than the {cats[j]} bar?", values[i] - values[j]
    i = rng.randrange(len(cats))
    if kind == "bar-axis":
        return f"Reading against the y-axis, what is the value of the {cats[i]} bar?", values[i]
    return f"What is the value of the {cats[i]} bar?", values[i]


# --- receipts ---------------------------------------------------------------------------------------------------------

STORES = ["CORNER CAFE", "HILLTOP BAKERY", "RIVERSIDE DELI", "MAPLE GROCER", "HARBOUR NEWS", "OAK & IVY",
          "BLUE DOOR DINER", "SUNNY MARKET"]
ITEMS = [("COFFEE", 250, 450), ("TEA", 180, 320), ("BAGEL", 150, 350), ("CROISSANT", 200, 380),
         ("SANDWICH", 450, 850), ("SOUP", 380, 650), ("SALAD", 520, 980), ("MUFFIN", 220, 390),
         ("JUICE", 280, 520), ("WATER", 90, 210), ("COOKIE", 120, 260), ("TOAST", 180, 340),
         ("NEWSPAPER", 150, 300), ("APPLES 1KG", 210, 390), ("MILK 2L", 140, 260), ("BREAD", 190, 420)]
RECEIPT_W, LINE_H, CHARS = 312, 22, 24


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def receipt(rng: random.Random) -> tuple[bytes, list[tuple[str, int]], int]:
    store = rng.choice(STORES)
    items = [(name, rng.randrange(lo, hi + 1, 5)) for name, lo, hi in rng.sample(ITEMS, rng.randint(2, 5))]
    subtotal = sum(p for _, p in items)
    tax = round(subtotal * rng.choice([0, 0, 5, 8, 10]) / 100)
    total = subtotal + tax
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    lines = [store.center(CHARS).rstrip(), f"{day:02d}/{month:02d}/2026  #{rng.randint(1000, 9999)}".center(CHARS).rstrip(), ""]
    lines += [name.ljust(CHARS - len(money(p))) + money(p) for name, p in items]
    lines.append("-" * CHARS)
    if tax:
        lines.append("SUBTOTAL".ljust(CHARS - len(money(subtotal))) + money(subtotal))
        lines.append("TAX".ljust(CHARS - len(money(tax))) + money(tax))
    lines.append("TOTAL".ljust(CHARS - len(money(total))) + money(total))
    lines += ["", "THANK YOU".center(CHARS).rstrip()]
    img = Canvas(RECEIPT_W, 24 + LINE_H * len(lines), PAPER)
    for k, line in enumerate(lines):
        img.text(12, 14 + k * LINE_H, line)
    return img.png(), items, total


# --- the dataset ------------------------------------------------------------------------------------------------------


def main() -> None:
    rng = random.Random(SEED)
    (HERE / "images").mkdir(exist_ok=True)
    for old in (HERE / "images").glob("*.png"):
        old.unlink()
    kinds = [k for k, n in COUNTS.items() for _ in range(n)]
    rng.shuffle(kinds)
    cases, total_bytes = [], 0
    for i, kind in enumerate(kinds, start=1):
        if kind.startswith("bar"):
            data, cats, values = bar_chart(rng, kind)
            question, expected = chart_question(rng, kind, cats, values)
            tags = [kind, "chart", f"bars:{len(cats)}"]
        else:
            data, items, total = receipt(rng)
            if kind == "receipt-total":
                question, expected = "What is the total on this receipt?", round(total / 100, 2)
            else:
                name, price = rng.choice(items)
                question, expected = f"How much did the {name} cost?", round(price / 100, 2)
            tags = [kind, "receipt", f"items:{len(items)}"]
        rel = f"images/{NAME}-{i:04d}.png"
        (HERE / rel).write_bytes(data)
        total_bytes += len(data)
        cases.append({"id": f"cr-{i:04d}", "input": {"question": question, "images": [rel]}, "expected": expected,
                      "split": "test", "tags": tags, "cluster": None, "labels": []})
    data = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases).encode()
    (HERE / "v1.jsonl").write_bytes(data)
    write_manifest(hashlib.sha256(data).hexdigest(), len(cases), images_digest(cases))
    print(f"{len(cases)} cases, {len(cases)} images, {total_bytes} image bytes")


def images_digest(cases: list[dict]) -> str:
    """As harness/config/images.py `images_digest`: path, NUL, sha256 of the bytes, SOH; every reference in case order."""
    h = hashlib.sha256()
    for case in cases:
        for rel in case["input"]["images"]:
            h.update(rel.encode() + b"\x00" + hashlib.sha256((HERE / rel).read_bytes()).hexdigest().encode() + b"\x01")
    return h.hexdigest()


def write_manifest(digest: str, count: int, images: str) -> None:
    kinds = ", ".join(f"{k} {n}" for k, n in COUNTS.items())
    text = "\n".join([
        f"name: {NAME}",
        "description: \"Numbers read off images: bar charts (values printed above the bars, or read against a"
        " gridded y-axis; single values, differences, the maximum) and till receipts (totals including tax, item"
        f" prices). Each case is one PNG in images/ and one question; the answer is one number. Kinds: {kinds}."
        " The first tag is the kind; charts carry bars:N, receipts items:N. Text is drawn with a 5x7 bitmap font"
        " at 2x; charts are 520x300, receipts 312 wide. All cases are test split, one image each.\"",
        f"source: \"Generated by datasets/{NAME}/generate.py (seed {SEED}, Python 3.11 standard library: PNGs"
        " written with zlib and struct); all charts, stores, items and numbers are made up.\"",
        "licence: CC0-1.0",
        "task_class: qa",
        "fields:",
        "  question: \"The question about the image, answered with one number.\"",
        "  images: \"One PNG (a bar chart or a receipt), relative to this folder.\"",
        "versions:",
        "  \"1\":",
        "    file: v1.jsonl",
        f"    sha256: {digest}",
        f"    cases: {count}",
        f"    created: \"{CREATED}\"",
        "    notes: \"First version.\"",
        f"    images_sha256: {images}",
        "",
    ])
    (HERE / "dataset.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
