"""Uploads are judged by their bytes and size, and a failed write leaves no file behind."""

import pytest
from django.core.exceptions import ValidationError

from kopru.core import uploads

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def message(error):
    return error.value.message_dict["file"][0]


def test_the_type_is_read_from_the_first_bytes_not_the_name():
    assert uploads.check(PNG, uploads.IMAGES) == uploads.PNG
    with pytest.raises(ValidationError) as refused:
        uploads.check(b"%PDF-1.7 ...", uploads.IMAGES)
    assert message(refused) == "Upload a file of one of these types: JPEG, PNG."


def test_empty_and_oversized_files_are_refused_with_their_size(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as empty:
        uploads.check(b"", uploads.IMAGES)
    assert message(empty) == "The file is empty."
    with pytest.raises(ValidationError) as big:
        uploads.check(PNG + b"\x00" * 2 * 1024 * 1024, uploads.IMAGES)
    assert message(big) == "The file is 2.0 MB; the limit is 1 MB."


def test_a_csv_is_text_and_a_binary_file_is_not_a_csv():
    assert uploads.check(b"name;age\nAmal;34\n", (uploads.CSV, uploads.XLSX)) == "text/csv"
    assert uploads.check(b"PK\x03\x04rest", (uploads.CSV, uploads.XLSX)) == uploads.XLSX
    with pytest.raises(ValidationError):
        uploads.check(b"\x00\x01\x02\xff\xfe", (uploads.CSV,))


def test_a_write_that_fails_removes_its_file(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    with pytest.raises(RuntimeError), uploads.stored(PNG, "photos") as path:
        assert uploads.read(path) == PNG
        raise RuntimeError("the row was refused")
    assert list((tmp_path / "photos").iterdir()) == []
    with uploads.stored(PNG, "photos") as kept:
        pass
    assert uploads.read(kept) == PNG
