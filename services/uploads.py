"""Every uploaded picture (portfolio photos, ID photos, receipts for materials) goes through here.

A file is judged by its content, never its name: Pillow must recognise it as JPEG, PNG or WEBP,
decode it completely and stay under a pixel limit (a decompression bomb is refused before it is
decoded). What is stored is a fresh JPEG drawn from the decoded pixels, so EXIF (GPS included),
ICC profiles, comments and anything appended to the original are gone. Names are random.

Files live next to the database, in `<db name>.uploads/public` (portfolio photos, shown on profiles
through Streamlit's media endpoint) and `<db name>.uploads/private` (ID photos, read only through
services.verification for an organizer). Neither folder is ever statically served. Folders are 0700
and files 0600 (services.files): no other local user of the machine reads them.
"""

import contextlib
import io
import os
import pathlib
import re
import secrets
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PIL import Image, ImageOps, UnidentifiedImageError

from . import files
from .errors import NotFound, ValidationError

if TYPE_CHECKING:  # services.db imports this module (it keeps the uploads private at connect)
    from .db import Database

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused; 12 MP and below pass
MAX_SIDE = 1600  # stored pictures are scaled down to this (plenty for a screen, small on disk)
FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = ("jpg", "jpeg", "png", "webp")  # what a file picker offers; the content check decides
FOLDERS = ("public", "private")
NAME_RE = re.compile(r"^[0-9a-f]{32}\.jpg$")


def root_for(database_file: pathlib.Path) -> pathlib.Path:
    """Where the uploads of the database in `database_file` live: data/linbang.db -> data/linbang.uploads."""
    return database_file.parent / f"{database_file.stem}.uploads"


def folder(db: "Database", kind: str) -> pathlib.Path:
    """The upload folder of `kind` beside the database file (created on first use)."""
    if kind not in FOLDERS:
        raise ValueError(kind)
    root = files.private_folder(root_for(files.database_file(db.conn)))
    return files.private_folder(root / kind)


def _decode(data: bytes, field: str) -> Image.Image:
    """The picture in `data`, fully decoded, or ValidationError. Nothing is written."""
    if not data:
        raise ValidationError(field, "error.upload_empty")
    if len(data) > MAX_BYTES:
        raise ValidationError(field, "error.upload_too_big", mb=MAX_BYTES // (1024 * 1024))
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat the warning as a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(field, "error.upload_too_large_image", megapixels=MAX_PIXELS // 1_000_000)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(field, "error.upload_too_large_image", megapixels=MAX_PIXELS // 1_000_000) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            # not a picture, a format we do not take, or a damaged/truncated one
            raise ValidationError(field, "error.upload_not_image") from None
    return image


def _clean_jpeg(image: Image.Image) -> bytes:
    """Re-encode as a plain JPEG: turned upright per EXIF, scaled down, no metadata at all."""
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")  # transparency becomes white, not black
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    image.info = {}  # Pillow's JPEG writer would otherwise copy the upload's "comment" (JPEG COM, PNG text)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)  # no exif= / icc_profile=: nothing carried over
    return out.getvalue()


def reencoded(data: bytes, field: str = "photo") -> bytes:
    """An uploaded picture checked by its content and re-encoded: the clean JPEG bytes to store, or
    ValidationError (naming `field`). Writes nothing."""
    return _clean_jpeg(_decode(data, field))


@contextlib.contextmanager
def saving(db: "Database", kind: str) -> Iterator[Callable[[bytes], str]]:
    """Save cleaned pictures for one database write; undo them all if that write fails.

        with uploads.saving(db, "private") as save, write(db):
            name = save(cleaned_bytes)
            db["table"].insert({"file": name, ...})

    `save` writes a file under a random name and returns the name. If anything inside the block
    raises, every file saved in it is deleted again, so no file outlives a rolled-back row.
    """
    saved: list[pathlib.Path] = []
    target = folder(db, kind)

    def save(cleaned: bytes) -> str:
        name = f"{secrets.token_hex(16)}.jpg"
        path = target / name
        temporary = path.with_suffix(".part")
        try:
            with os.fdopen(files.create_private(temporary), "wb") as out:
                out.write(cleaned)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)  # e.g. a full disk: no half-written file left behind
            raise
        saved.append(path)
        return name

    try:
        yield save
    except BaseException:
        for path in saved:
            path.unlink(missing_ok=True)
        raise


def _path(db: "Database", kind: str, name: str) -> pathlib.Path:
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):  # never a path from outside (nor "x.jpg\n")
        raise NotFound()
    return folder(db, kind) / name


def read(db: "Database", kind: str, name: str) -> bytes:
    """The stored bytes of an upload. Callers check who may see it; raises NotFound."""
    try:
        return _path(db, kind, name).read_bytes()
    except FileNotFoundError:
        raise NotFound() from None


def delete(db: "Database", kind: str, name: str | None) -> None:
    """Remove a stored upload (already gone is fine). Call after the row pointing at it is gone."""
    if name:
        _path(db, kind, name).unlink(missing_ok=True)
