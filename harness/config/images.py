"""Images a case carries: files in its dataset folder, checked and loaded when the dataset loads.

A case names them in its input, `"images": ["images/chart-0001.png"]`, relative to the dataset folder. Each must
stay inside that folder, exist, and be a PNG, JPEG, GIF or WebP of at most `MAX_IMAGE_BYTES` (the smallest
vendor limit: Anthropic's 5 MB). The media type comes from the file's magic bytes, never from its name.
"""

from __future__ import annotations

import hashlib
import math
import struct
from pathlib import Path, PurePosixPath

from harness.errors import DatasetError, Where
from harness.types import Image

IMAGES_FIELD = "images"
MAX_IMAGE_BYTES = 5 * 1024 * 1024
#: Tokens for an image whose size is unknown, and the most any one image is counted for (Anthropic scales
#: images down to about 1.15 megapixels, ~1,600 tokens; OpenAI's high detail tops out near 1,100).
MAX_IMAGE_TOKENS = 1600
PIXELS_PER_TOKEN = 750  # Anthropic's published estimate: tokens ≈ width × height / 750


def sniff(data: bytes) -> tuple[str, int | None, int | None] | None:
    """(media type, width, height) from the header bytes, or None when the format is not one we send."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return "image/png", w, h
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return "image/gif", w, h
    if data.startswith(b"\xff\xd8\xff"):
        return ("image/jpeg", *_jpeg_size(data))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", None, None
    return None


def _jpeg_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height from the first start-of-frame marker."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None, None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return w, h
        i += 2 + length
    return None, None


def image_tokens(image: Image) -> int:
    """Offline estimate of the input tokens one image costs (width × height / 750, at most 1,600)."""
    if not image.width or not image.height:
        return MAX_IMAGE_TOKENS
    return min(MAX_IMAGE_TOKENS, math.ceil(image.width * image.height / PIXELS_PER_TOKEN))


def load_images(folder: Path, value: object, where: Where) -> tuple[Image, ...]:
    """The images a case's `input.images` names, loaded and checked; `where` names the file and line."""
    key = f"input.{IMAGES_FIELD}"
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DatasetError("must be a list of file paths relative to the dataset folder", _at(where, key))
    return tuple(load_image(folder, rel, _at(where, f"{key}[{i}]")) for i, rel in enumerate(value))


def load_image(folder: Path, rel: str, where: Where) -> Image:
    pure = PurePosixPath(rel)
    if not rel or pure.is_absolute() or ".." in pure.parts or "\\" in rel:
        raise DatasetError(f"image path {rel!r} must be relative and stay inside the dataset folder", where)
    root = folder.resolve()
    path = (root / pure).resolve()
    if root not in path.parents:  # a symlink that leads out
        raise DatasetError(f"image path {rel!r} leads outside the dataset folder", where)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"image file {rel!r} not found", where, f"expected at {path}") from None
    except IsADirectoryError:
        raise DatasetError(f"image path {rel!r} is a directory", where) from None
    if len(data) > MAX_IMAGE_BYTES:
        raise DatasetError(f"image {rel!r} is {len(data)} bytes, over the {MAX_IMAGE_BYTES} limit", where)
    kind = sniff(data)
    if kind is None:
        raise DatasetError(f"image {rel!r} is not a PNG, JPEG, GIF or WebP file", where)
    media_type, width, height = kind
    return Image(media_type, data, hashlib.sha256(data).hexdigest(), rel, width, height)


def images_digest(images: list[Image]) -> str:
    """One sha256 over every image a dataset version references, in case order: recorded in the manifest."""
    h = hashlib.sha256()
    for image in images:
        h.update(image.path.encode() + b"\x00" + image.sha256.encode() + b"\x01")
    return h.hexdigest()


def _at(where: Where, key: str) -> Where:
    return Where(where.path, where.line, key)
