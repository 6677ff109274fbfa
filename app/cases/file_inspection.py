"""What an uploaded document really is: PDFs parsed with pypdf, images decoded with Pillow.

Pure: it reads only the bytes it is given, under limits, and writes nothing. `inspect` returns
quietly for a file that may be stored and raises `UploadRejected` otherwise:

* 415 (the file is not what its name says): `document_not_pdf` for a .pdf that pypdf cannot read
  or that has no page, `document_not_image` for a .jpg/.png that Pillow cannot decode in full
  (truncated, corrupt), `document_content_mismatch` for an image of another format.
* 422 (the file is of the right type, but its content is refused): `document_active_content`
  (JavaScript anywhere, launch actions, XFA forms, rich media), `document_embedded_files`
  (embedded-file trees, file specifications carrying a file, file-attachment annotations),
  `document_encrypted` (a PDF that opens only with a password, so cannot be checked), and
  `document_too_complex` (too many pages or objects, more than the inflated-size budget, an
  image over Pillow's decompression-bomb limit, or more than the time budget).

A PDF is checked object by object: every object the cross-reference table lists and every
object referred to from the trailer on, so actions hidden in /AA, /OpenAction, annotations,
form fields or the /Names trees are all seen. The raw bytes are also searched for the long
names of those features, for objects a repairing viewer could find but the table does not list.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Final

from PIL import Image
from pypdf import Configuration, PasswordType, PdfReader, apply_configuration
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError
from pypdf.filters import (
    ASCII85Decode,
    ASCIIHexDecode,
    FlateDecode,
    LZWDecode,
    RunLengthDecode,
)
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

MiB: Final = 1024 * 1024


class UploadRejected(Exception):
    """`code` names a translated message, `status` the HTTP answer (400, 413, 415 or 422)."""

    def __init__(self, code: str, status: int) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Limits:
    # 2,000 pages is a thick case file; the registry's documents are a page or a few.
    max_pages: int = 2_000
    # Some 25 objects for each of 2,000 pages. pypdf reads about 13,000 objects a second, so
    # this many take some 4 seconds: the time budget below.
    max_objects: int = 50_000
    # See `limits_for`.
    max_inflated_bytes: int = 200 * MiB
    # A real upload is checked in well under a second; this bounds what a crafted one costs.
    # The callers run the checks in a worker thread, so the event loop keeps serving.
    max_seconds: float = 5.0
    # Pillow's own bomb limit (about 89 million pixels: a 48-megapixel phone photo fits).
    max_pixels: int = Image.MAX_IMAGE_PIXELS or 89_478_485


def limits_for(max_upload_bytes: int) -> Limits:
    """Streams may inflate to 50 times the upload limit, and never beyond 200 MiB.

    Page images from phones and scanners are JPEG (or CCITT/JBIG2), counted at their stored
    size, and text and fonts inflate 3-10 times, so a real upload stays far below 50 times its
    size; a zip bomb inflates 1000 times. 200 MiB bounds the default 10 MiB limit (whose 50
    times would be 500 MiB): a viewer opening the file should not need more.
    """
    return Limits(max_inflated_bytes=min(50 * max_upload_bytes, 200 * MiB))


def inspect(content_type: str, data: bytes, limits: Limits | None = None) -> None:
    """Raise UploadRejected unless `data` is a clean file of `content_type`."""
    limits = limits or Limits()
    if content_type == "application/pdf":
        inspect_pdf(data, limits)
    elif content_type in _IMAGE_FORMATS:
        inspect_image(data, content_type, limits)
    else:
        raise UploadRejected("document_type", 415)


# --- images -------------------------------------------------------------------------------

# Pillow names phone photos with a multi-picture (MPF) segment "MPO"; they are JPEG files.
_IMAGE_FORMATS: Final[dict[str, frozenset[str]]] = {
    "image/jpeg": frozenset({"JPEG", "MPO"}),
    "image/png": frozenset({"PNG"}),
}
_ALL_IMAGE_FORMATS: Final = ("JPEG", "PNG")  # Pillow opens MPO files as JPEG


def inspect_image(data: bytes, content_type: str, limits: Limits) -> None:
    try:
        # Only the accepted formats' decoders ever see the bytes.
        with Image.open(BytesIO(data), formats=_ALL_IMAGE_FORMATS) as image:
            if image.format not in _IMAGE_FORMATS[content_type]:
                raise UploadRejected("document_content_mismatch", 415)
            width, height = image.size
            # Checked here rather than through DecompressionBombWarning: warning filters are
            # process-wide, so turning the warning into an error is not safe in a thread.
            if width * height > limits.max_pixels:
                raise UploadRejected("document_too_complex", 422)
            if image.format != "PNG":
                # A JPEG decoded at 1/8 scale still reads every byte of its scans, so a
                # truncated one fails, in 1/64 of the memory.
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected("document_too_complex", 422) from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... for broken images
        raise UploadRejected("document_not_image", 415) from None


# --- PDF ----------------------------------------------------------------------------------

# Long names only: a short one such as /JS would turn up by chance in compressed data.
_RAW_ACTIVE = re.compile(rb"/(?:JavaScript|Launch|RichMedia)(?=[\s/<>\[\]()%{}]|\Z)")
_RAW_EMBEDDED = re.compile(rb"/(?:EmbeddedFiles?|FileAttachment)(?=[\s/<>\[\]()%{}]|\Z)")

_ACTIVE_KEYS: Final = frozenset({"/JS", "/JavaScript", "/XFA"})
_EMBEDDED_KEYS: Final = frozenset({"/EmbeddedFiles", "/EF"})
_ACTIVE_ACTIONS: Final = frozenset({"/JavaScript", "/Launch"})
_ACTIVE_SUBTYPES: Final = frozenset({"/RichMedia"})
_EMBEDDED_SUBTYPES: Final = frozenset({"/FileAttachment"})

_FLATE: Final = frozenset({"/FlateDecode", "/Fl"})
# Filters that decode to more (or other) bytes; any other (DCT, JPX, CCITT, JBIG2, Crypt...)
# is an image codec or unknown, measured at its stored size and never run.
_DECODERS: Final[dict[str, Callable[[bytes, DictionaryObject], bytes]]] = {
    "/ASCIIHexDecode": ASCIIHexDecode.decode,
    "/AHx": ASCIIHexDecode.decode,
    "/ASCII85Decode": ASCII85Decode.decode,
    "/A85": ASCII85Decode.decode,
    "/LZWDecode": LZWDecode.decode,
    "/LZW": LZWDecode.decode,
    "/RunLengthDecode": RunLengthDecode.decode,
    "/RL": RunLengthDecode.decode,
    "/FlateDecode": FlateDecode.decode,
    "/Fl": FlateDecode.decode,
}
# One filter's output held in memory (a stream filtered twice); pypdf's own default is 75 MB.
_STAGE_CAP: Final = 64 * MiB
_CHUNK: Final = 64 * 1024


def inspect_pdf(data: bytes, limits: Limits) -> None:
    budget = _Budget(limits)
    stage_cap = min(_STAGE_CAP, limits.max_inflated_bytes)
    configuration = Configuration(
        zlib_maximum_output_length=stage_cap,
        lzw_maximum_output_length=stage_cap,
        run_length_maximum_output_length=stage_cap,
        array_based_stream_maximum_output_length=stage_cap,
        stream_decoding_work_maximum_length=4 * stage_cap,
        jbig2dec_binary=None,  # never start a process for an upload
        # Pages plus the tree's inner nodes, generously: flattening is not timed, so bound it.
        page_tree_maximum_entries=4 * limits.max_pages,
        disable_legacy_handling=True,
    )
    try:
        with apply_configuration(configuration):
            reader = PdfReader(
                BytesIO(data), strict=False, xref_stream_maximum_entries=limits.max_objects
            )
            _open(reader)
            _check_size(reader, limits)
            _walk(reader, budget)
    except UploadRejected:
        raise
    except (LimitReachedError, RecursionError, MemoryError):
        raise UploadRejected("document_too_complex", 422) from None
    except (FileNotDecryptedError, DependencyError):  # no key, or AES without `cryptography`
        raise UploadRejected("document_encrypted", 422) from None
    except Exception:  # pypdf raises more than PdfReadError for a file that is no PDF
        raise UploadRejected("document_not_pdf", 415) from None
    if _RAW_ACTIVE.search(data):
        raise UploadRejected("document_active_content", 422)
    if _RAW_EMBEDDED.search(data):
        raise UploadRejected("document_embedded_files", 422)


def _open(reader: PdfReader) -> None:
    # An owner password (print or copy restrictions) opens with the empty user password.
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise UploadRejected("document_encrypted", 422)
    catalog = _entry(reader.trailer, "/Root")
    if not isinstance(catalog, DictionaryObject):
        raise UploadRejected("document_not_pdf", 415)
    if not isinstance(_entry(catalog, "/Pages"), DictionaryObject):
        raise UploadRejected("document_not_pdf", 415)


def _check_size(reader: PdfReader, limits: Limits) -> None:
    """Objects listed and pages, before the work of reading them."""
    listed = sum(len(table) for table in reader.xref.values()) + len(reader.xref_objStm)
    if listed > limits.max_objects:
        raise UploadRejected("document_too_complex", 422)
    tree = _entry(_entry(reader.trailer, "/Root"), "/Pages")
    declared = _entry(tree, "/Count")
    # The declared count first: flattening a page tree of millions is the work to avoid.
    if isinstance(declared, int) and declared > limits.max_pages:
        raise UploadRejected("document_too_complex", 422)
    pages = len(reader.pages)
    if pages == 0:
        raise UploadRejected("document_not_pdf", 415)
    if pages > limits.max_pages:
        raise UploadRejected("document_too_complex", 422)


def _listed(reader: PdfReader) -> Iterator[IndirectObject]:
    for generation, table in reader.xref.items():
        for number in table:
            yield IndirectObject(number, generation, reader)
    for number in reader.xref_objStm:
        yield IndirectObject(number, 0, reader)


def _walk(reader: PdfReader, budget: _Budget) -> None:
    seen: set[tuple[int, int]] = set()
    todo: list[PdfObject] = [reader.trailer, *_listed(reader)]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            budget.count_object()
            resolved = item.get_object()
            if resolved is None:
                continue
            item = resolved
        if isinstance(item, DictionaryObject):
            _check_dictionary(item)
            if isinstance(item, StreamObject):
                _measure_stream(item, budget)
            # dict's own view: DictionaryObject.__getitem__ would resolve references
            todo.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            budget.tick()
            todo.extend(item)


def _entry(entry: PdfObject | None, key: str) -> PdfObject | None:
    """`entry[key]` resolved, or None where there is no such dictionary or key."""
    if not isinstance(entry, DictionaryObject):
        return None
    value = dict.get(entry, key)
    return value.get_object() if isinstance(value, PdfObject) else None


def _name(value: PdfObject | None) -> str:
    resolved = value.get_object() if value is not None else None
    return str(resolved) if isinstance(resolved, NameObject) else ""


def _check_dictionary(entry: DictionaryObject) -> None:
    keys = set(dict.keys(entry))
    if keys & _ACTIVE_KEYS:
        raise UploadRejected("document_active_content", 422)
    if keys & _EMBEDDED_KEYS:
        raise UploadRejected("document_embedded_files", 422)
    action = _name(_entry(entry, "/S"))
    subtype = _name(_entry(entry, "/Subtype"))
    if action in _ACTIVE_ACTIONS or subtype in _ACTIVE_SUBTYPES:
        raise UploadRejected("document_active_content", 422)
    if action == "/GoToE" or subtype in _EMBEDDED_SUBTYPES:
        raise UploadRejected("document_embedded_files", 422)
    if _name(_entry(entry, "/Type")) == "/EmbeddedFile":
        raise UploadRejected("document_embedded_files", 422)
    uri = _entry(entry, "/URI")
    if isinstance(uri, TextStringObject | bytes) and _is_script_uri(uri):
        raise UploadRejected("document_active_content", 422)


def _is_script_uri(uri: str | bytes) -> bool:
    text = uri.decode("latin-1") if isinstance(uri, bytes) else uri
    return "".join(text.split()).lower().startswith("javascript:")


def _filters(stream: StreamObject) -> list[str]:
    value = _entry(stream, "/Filter")
    if isinstance(value, NameObject):
        return [str(value)]
    if isinstance(value, ArrayObject):
        return [_name(item) for item in value]
    return []


def _measure_stream(stream: StreamObject, budget: _Budget) -> None:
    if _name(_entry(stream, "/Subtype")) == "/Image":
        width, height = _entry(stream, "/Width"), _entry(stream, "/Height")
        if isinstance(width, int) and isinstance(height, int):
            budget.check_pixels(width * height)
    # pypdf keeps the stored (still encoded) bytes here; get_data() would decode them whole.
    data = stream._data
    filters = _filters(stream)
    for position, name in enumerate(filters):
        if name not in _DECODERS:
            break
        if name in _FLATE and position == len(filters) - 1:
            budget.inflate(data)  # the usual case, counted without being kept
            return
        if name in {"/ASCII85Decode", "/A85"} and len(data) > _STAGE_CAP // 4:
            raise UploadRejected("document_too_complex", 422)  # ASCII85 turns 1 byte into 4
        try:
            data = _DECODERS[name](data, DictionaryObject())
        except LimitReachedError:
            raise
        except Exception:  # a damaged stream: a viewer shows what it can, so only measure
            break
        budget.tick()
        if len(data) > _STAGE_CAP:
            raise UploadRejected("document_too_complex", 422)
    budget.add(len(data))  # what the last filter run gives (or the stored bytes)


class _Budget:
    """The work one PDF may cost: objects, inflated bytes and time."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.objects = 0
        self.inflated = 0
        self.deadline = time.monotonic() + limits.max_seconds

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise UploadRejected("document_too_complex", 422)

    def count_object(self) -> None:
        self.objects += 1
        if self.objects > self.limits.max_objects:
            raise UploadRejected("document_too_complex", 422)
        self.tick()

    def check_pixels(self, pixels: int) -> None:
        if pixels > self.limits.max_pixels:
            raise UploadRejected("document_too_complex", 422)

    def add(self, size: int) -> None:
        self.inflated += size
        if self.inflated > self.limits.max_inflated_bytes:
            raise UploadRejected("document_too_complex", 422)

    def inflate(self, data: bytes) -> None:
        """Count what a Flate stream inflates to, a chunk at a time, keeping none of it."""
        # zlib or gzip framing first, then raw deflate, as repairing viewers try.
        for window in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS):
            if self._inflate(data, window):
                return

    def _inflate(self, data: bytes, window: int) -> bool:
        """False if the data is not deflate data at all under this framing."""
        inflater = zlib.decompressobj(window)
        produced = 0
        view = memoryview(data)
        try:
            for start in range(0, len(view), _CHUNK):
                pending: bytes | memoryview = view[start : start + _CHUNK]
                while pending and not inflater.eof:
                    size = len(inflater.decompress(pending, _CHUNK))
                    produced += size
                    self.add(size)
                    self.tick()
                    pending = inflater.unconsumed_tail
                if inflater.eof:
                    break
            self.add(len(inflater.flush()))
        except zlib.error:
            return produced > 0  # damaged after some output: what a viewer would show
        return True
