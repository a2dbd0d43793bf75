"""Uploads: a picture is judged by its content, stored as a fresh metadata-free JPEG under a random name,
and a refused or rolled-back upload leaves nothing behind, on disk or in the database.

Every hostile file goes through uploads.reencoded and through the two real callers, workers.add_photo
(portfolio photos, the public folder) and verification.submit (ID photos, the private folder).
Real SQLite, real Pillow, real files.
"""

import io
import sqlite3
import struct
import zipfile
import zlib

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from demo import samples
from services import uploads, users, verification, workers
from services.errors import NotFound, ValidationError

JPEG = samples.picture("Past work")


def encode(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def blank_png(width: int, height: int) -> bytes:
    """A complete, valid black-and-white PNG of any size, written by hand: a 20000×20000 one is 48 KB.

    Every row is there (filter byte + packed bits), so the file is a real decompression bomb, not a
    damaged file that happens to claim a big size.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = bytes(1 + (width + 7) // 8)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale, deflate, no interlace
    pixels = zlib.compress(row * height, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("photo.jpg", JPEG)
        archive.writestr("readme.txt", "not a picture")
    return out.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>alert(1)</script><rect width="100" height="100" fill="red"/></svg>'
)

# Files that must be refused: (content, message key). The upload's name is never looked at, so an
# HTML page "named photo.jpg" is just its bytes.
HOSTILE = [
    pytest.param(b"<html><script>alert(1)</script></html>", "error.upload_not_image", id="html-named-jpg"),
    pytest.param(zip_archive(), "error.upload_not_image", id="zip"),
    pytest.param(SVG, "error.upload_not_image", id="svg"),
    pytest.param(JPEG[: len(JPEG) // 2], "error.upload_not_image", id="truncated-jpeg"),
    pytest.param(encode(Image.new("P", (64, 64)), "GIF"), "error.upload_not_image", id="gif"),
    pytest.param(encode(Image.new("RGB", (64, 64)), "BMP"), "error.upload_not_image", id="bmp"),
    pytest.param(blank_png(20_000, 20_000), "error.upload_too_large_image", id="png-20000x20000"),
    pytest.param(blank_png(7_000, 7_000), "error.upload_too_large_image", id="png-49-megapixels"),
    pytest.param(b"", "error.upload_empty", id="empty"),
    pytest.param(JPEG + bytes(uploads.MAX_BYTES - len(JPEG) + 1), "error.upload_too_big", id="one-byte-over-max"),
]


@pytest.fixture
def applicant(db, stranger, now):
    """A resident who has just switched "I take jobs" on: free to submit an identity check."""
    workers.set_taking_jobs(db, stranger, taking_jobs=True, categories=["errands"], now=now)
    return users.get(db, stranger["id"])


def files_on_disk(db) -> list[str]:
    """Every file (a .part too) in both upload folders of this test's database, as 'kind/name'."""
    root = uploads.folder(db, "public").parent
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def stored_rows(db) -> dict:
    return {table: list(db[table].rows) for table in ("worker_photos", "id_checks", "worker_profiles")}


def through_check(db, person, data: bytes, now) -> bytes:
    return uploads.reencoded(data, "photo")


def through_add_photo(db, person, data: bytes, now) -> int:
    return workers.add_photo(db, person, data, "Kitchen shelves", now)


def through_submit(db, person, data: bytes, now) -> int:
    return verification.submit(
        db,
        person,
        real_name="Zhang Wei",
        id_number=samples.id_number(77),
        front=JPEG,
        back=data,
        selfie=JPEG,
        now=now,
    )


# How an upload reaches the service, and the form field a refusal names.
ROUTES = [
    pytest.param(through_check, "photo", id="check"),
    pytest.param(through_add_photo, "photo", id="add_photo"),
    pytest.param(through_submit, "back", id="submit"),
]


def test_the_hand_written_png_is_a_real_picture(db):
    stored = Image.open(io.BytesIO(uploads.reencoded(blank_png(300, 200))))

    assert (stored.format, stored.size) == ("JPEG", (300, 200))


@pytest.mark.parametrize("route, field", ROUTES)
@pytest.mark.parametrize("data, key", HOSTILE)
def test_hostile_file_is_refused_and_leaves_nothing_behind(db, applicant, now, route, field, data, key):
    before = stored_rows(db)

    with pytest.raises(ValidationError) as refused:
        route(db, applicant, data, now)

    assert (refused.value.field, refused.value.key) == (field, key)
    assert files_on_disk(db) == []
    assert stored_rows(db) == before
    assert workers.get_profile(db, applicant["id"])["verification"] == "unverified"


@pytest.mark.parametrize("route, field", ROUTES)
def test_file_of_exactly_max_bytes_is_accepted(db, applicant, now, route, field):
    padded = JPEG + bytes(uploads.MAX_BYTES - len(JPEG))  # trailing bytes after the JPEG's end marker
    assert len(padded) == uploads.MAX_BYTES

    route(db, applicant, padded, now)


def test_refusal_messages_carry_the_limits():
    with pytest.raises(ValidationError) as too_big:
        uploads.reencoded(bytes(uploads.MAX_BYTES + 1))
    with pytest.raises(ValidationError) as too_large:
        uploads.reencoded(blank_png(20_000, 20_000))

    assert too_big.value.params == {"mb": 8}
    assert too_large.value.params == {"megapixels": 40}


# --- what is stored --------------------------------------------------------------------------------


def stored_picture(db, kind: str, name: str) -> Image.Image:
    return Image.open(io.BytesIO(uploads.read(db, kind, name)))


def gps_jpeg() -> bytes:
    """A phone photo taken on its side, with the place it was taken (GPS) and the phone's make."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° clockwise to view
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (31.0, 14.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (121.0, 28.0, 0.0),
    }
    data = encode(Image.new("RGB", (480, 300), "#ff8787"), "JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the GPS really is in there
    return data


def test_gps_exif_is_gone_from_a_stored_photo(db, verified_worker, now):
    photo_id = workers.add_photo(db, verified_worker, gps_jpeg(), "", now)

    name = workers.photos(db, verified_worker["id"])[0]["file"]
    stored = stored_picture(db, "public", name)
    assert photo_id
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert b"Exif" not in uploads.read(db, "public", name)
    assert stored.size == (300, 480)  # turned upright per the EXIF orientation before it was dropped


def test_gps_exif_is_gone_from_stored_id_photos(db, applicant, organizer, now):
    check_id = verification.submit(
        db,
        applicant,
        real_name="Zhang Wei",
        id_number=samples.id_number(77),
        front=gps_jpeg(),
        back=gps_jpeg(),
        selfie=gps_jpeg(),
        now=now,
    )

    for which in verification.PHOTOS:
        stored = Image.open(io.BytesIO(verification.photo(db, organizer, check_id, which)))
        assert not stored.getexif()
        assert "exif" not in stored.info


# Pictures carrying other metadata: (content, what must not survive).
CARRYING_METADATA = [
    pytest.param(
        encode(Image.new("RGB", (64, 64)), "JPEG", comment=b"home: Building 7"), b"Building 7", id="jpeg-comment"
    ),
    pytest.param(
        encode(Image.new("RGB", (64, 64)), "JPEG", icc_profile=b"\0" * 128 + b"ICC secret"),
        b"ICC secret",
        id="jpeg-icc",
    ),
    pytest.param(
        encode(Image.new("RGB", (64, 64)), "JPEG", xmp=b"<x:xmpmeta>secret</x:xmpmeta>"), b"xmpmeta", id="xmp"
    ),
    pytest.param(JPEG + b"<html><script>alert(1)</script></html>", b"<script>", id="html-appended-to-jpeg"),
]


def png_with_text(key: str, value: str) -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text(key, value)
    return encode(Image.new("RGB", (64, 64)), "PNG", pnginfo=text)


CARRYING_METADATA += [
    pytest.param(png_with_text("comment", "home: Building 7"), b"Building 7", id="png-comment"),
    # longer than a JPEG comment may be: copied over, it made Pillow's JPEG writer fail
    pytest.param(png_with_text("comment", "x" * 70_000), b"xxxxxxxx", id="png-comment-too-long-for-jpeg"),
]


@pytest.mark.parametrize("data, secret", CARRYING_METADATA)
def test_other_metadata_and_appended_bytes_are_not_carried_over(db, verified_worker, now, data, secret):
    workers.add_photo(db, verified_worker, data, "", now)

    name = workers.photos(db, verified_worker["id"])[0]["file"]
    stored = uploads.read(db, "public", name)
    assert secret not in stored
    assert set(Image.open(io.BytesIO(stored)).info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(encode(Image.new("RGBA", (120, 80), (0, 0, 0, 0)), "PNG"), id="transparent-png"),
        pytest.param(encode(Image.new("P", (120, 80), 0), "PNG", transparency=0), id="paletted-png-transparency"),
        pytest.param(encode(Image.new("RGBA", (120, 80), (0, 0, 0, 0)), "WEBP", lossless=True), id="transparent-webp"),
        pytest.param(samples.picture("webp", size=(120, 80), kind="WEBP"), id="webp"),
        pytest.param(encode(Image.new("CMYK", (120, 80)), "JPEG"), id="cmyk-jpeg"),
        pytest.param(encode(Image.new("I;16", (120, 80), 3000), "PNG"), id="16-bit-png"),
    ],
)
def test_png_webp_and_unusual_jpegs_are_accepted_and_stored_as_rgb_jpeg(db, verified_worker, now, data):
    workers.add_photo(db, verified_worker, data, "", now)

    stored = stored_picture(db, "public", workers.photos(db, verified_worker["id"])[0]["file"])
    assert (stored.format, stored.mode, stored.size) == ("JPEG", "RGB", (120, 80))


def test_transparency_becomes_white_not_black(db):
    stored = Image.open(io.BytesIO(uploads.reencoded(encode(Image.new("RGBA", (40, 40), (0, 0, 0, 0)), "PNG"))))

    assert all(channel > 245 for channel in stored.getpixel((20, 20)))


def test_large_photo_is_scaled_down_to_the_longest_side_limit(db):
    stored = Image.open(io.BytesIO(uploads.reencoded(samples.picture("big", size=(4000, 3000)))))

    assert stored.size == (uploads.MAX_SIDE, uploads.MAX_SIDE * 3 // 4)


def test_stored_names_are_random_even_for_the_same_picture(db, verified_worker, now):
    workers.add_photo(db, verified_worker, JPEG, "one", now)
    workers.add_photo(db, verified_worker, JPEG, "two", now)

    names = [photo["file"] for photo in workers.photos(db, verified_worker["id"])]
    assert names[0] != names[1]
    assert all(uploads.NAME_RE.fullmatch(name) for name in names)
    assert files_on_disk(db) == sorted(f"public/{name}" for name in names)


def test_id_photos_go_to_the_private_folder_under_random_names(db, applicant, now):
    check_id = through_submit(db, applicant, JPEG, now)

    row = db["id_checks"].get(check_id)
    names = [row[f"{which}_file"] for which in verification.PHOTOS]
    assert len(set(names)) == 3
    assert all(uploads.NAME_RE.fullmatch(name) for name in names)
    assert files_on_disk(db) == sorted(f"private/{name}" for name in names)


def test_folders_sit_beside_the_database_file(db, db_path):
    assert uploads.folder(db, "public") == db_path.parent / "linbang.uploads" / "public"
    assert uploads.folder(db, "private") == db_path.parent / "linbang.uploads" / "private"
    assert uploads.folder(db, "private").stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("kind", ["static", "../public", ""])
def test_unknown_folder_kind_is_refused(db, kind):
    with pytest.raises(ValueError):
        uploads.folder(db, kind)


# --- reading and deleting by name ------------------------------------------------------------------

PATH_LIKE_NAMES = [
    "../x",
    "/etc/passwd",
    "abc.jpg",
    "../private/" + "0" * 32 + ".jpg",
    "..\\" + "0" * 32 + ".jpg",
    "0" * 32 + ".jpg\n",
    "0" * 32 + ".JPG",
    "A" * 32 + ".jpg",
    "0" * 32 + ".jpg/..",
    "",
    None,
]


@pytest.mark.parametrize("kind", uploads.FOLDERS)
@pytest.mark.parametrize("name", PATH_LIKE_NAMES)
def test_read_and_delete_refuse_path_like_names(db, kind, name):
    decoy = uploads.folder(db, kind).parent / "x"  # what "../x" would reach
    decoy.write_bytes(b"keep me")

    with pytest.raises(NotFound):
        uploads.read(db, kind, name)
    if name:  # delete(None) and delete("") mean "no file": nothing to do
        with pytest.raises(NotFound):
            uploads.delete(db, kind, name)
    assert decoy.read_bytes() == b"keep me"


def test_reading_a_missing_upload_is_not_found(db):
    with pytest.raises(NotFound):
        uploads.read(db, "public", "0" * 32 + ".jpg")


def test_a_public_name_cannot_be_read_from_the_private_folder(db, verified_worker, now):
    workers.add_photo(db, verified_worker, JPEG, "", now)
    name = workers.photos(db, verified_worker["id"])[0]["file"]

    with pytest.raises(NotFound):
        uploads.read(db, "private", name)


def test_delete_removes_the_file_and_tolerates_it_being_gone(db, verified_worker, now):
    workers.add_photo(db, verified_worker, JPEG, "", now)
    name = workers.photos(db, verified_worker["id"])[0]["file"]

    uploads.delete(db, "public", name)
    uploads.delete(db, "public", name)

    assert files_on_disk(db) == []


def test_removing_a_portfolio_photo_removes_its_file(db, verified_worker, now):
    photo_id = workers.add_photo(db, verified_worker, JPEG, "", now)

    workers.remove_photo(db, verified_worker, photo_id)

    assert workers.photos(db, verified_worker["id"]) == []
    assert files_on_disk(db) == []


# --- a database write that fails after the file was saved -----------------------------------------


def test_seventh_photo_is_refused_and_leaves_no_file(db, verified_worker, now):
    for n in range(workers.MAX_PHOTOS):
        workers.add_photo(db, verified_worker, JPEG, f"photo {n}", now)
    six = files_on_disk(db)
    rows = stored_rows(db)
    assert len(six) == workers.MAX_PHOTOS

    with pytest.raises(ValidationError) as refused:
        workers.add_photo(db, verified_worker, JPEG, "one too many", now)

    assert (refused.value.field, refused.value.key) == ("photo", "error.too_many_photos")
    assert files_on_disk(db) == six
    assert stored_rows(db) == rows


@pytest.mark.parametrize(
    "route, table",
    [
        pytest.param(through_add_photo, "worker_photos", id="add_photo"),
        pytest.param(through_submit, "id_checks", id="submit"),
    ],
)
def test_file_saved_for_a_failed_database_write_is_removed_again(db, applicant, now, route, table):
    # The database itself refuses the row, after the service has saved the picture(s) for it.
    db.execute(f"CREATE TEMP TRIGGER refuse BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    before = stored_rows(db)

    with pytest.raises(sqlite3.IntegrityError, match="disk says no"):
        route(db, applicant, JPEG, now)

    assert files_on_disk(db) == []
    assert stored_rows(db) == before


def test_saving_block_that_raises_removes_every_file_it_saved(db):
    with pytest.raises(RuntimeError):
        with uploads.saving(db, "private") as save:
            first, second = save(uploads.reencoded(JPEG)), save(uploads.reencoded(JPEG))
            assert files_on_disk(db) == sorted(f"private/{name}" for name in (first, second))
            raise RuntimeError("the row could not be written")

    assert files_on_disk(db) == []
