"""The run folder: appended records survive a crash, a damaged file is named, files are atomic."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from llmextract.errors import UsageError
from llmextract.models import ArticleRecord
from llmextract.store import EXTRACTIONS, append_record, load_records, new_run_dir, write_run_info


def record(article_id: str, title: str = "t") -> ArticleRecord:
    return ArticleRecord(id=article_id, source_path=f"{article_id}.txt", title=title, text="x")


def test_a_torn_last_line_from_a_crash_is_skipped_and_earlier_articles_kept(tmp_path: Path) -> None:
    append_record(tmp_path, record("a"))
    with (tmp_path / EXTRACTIONS).open("a", encoding="utf-8") as fh:
        fh.write('{"id": "b", "source_pa')
    assert [r.id for r in load_records(tmp_path)] == ["a"]


def test_a_damaged_line_in_the_middle_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    append_record(tmp_path, record("a"))
    with (tmp_path / EXTRACTIONS).open("a", encoding="utf-8") as fh:
        fh.write("not json\n")
    append_record(tmp_path, record("b"))
    with pytest.raises(UsageError, match=rf"{EXTRACTIONS}:2: not a valid record"):
        load_records(tmp_path)


def test_the_latest_record_of_an_article_wins_after_a_resume(tmp_path: Path) -> None:
    append_record(tmp_path, record("a", "old"))
    append_record(tmp_path, record("a", "new"))
    assert [r.title for r in load_records(tmp_path)] == ["new"]


def test_run_info_is_replaced_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_run_info(tmp_path, {"status": "running"})
    write_run_info(tmp_path, {"status": "finished"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]
    assert '"finished"' in (tmp_path / "run.json").read_text("utf-8")


def test_two_runs_started_in_the_same_second_get_two_folders(tmp_path: Path) -> None:
    first = new_run_dir(tmp_path)
    first.mkdir()
    assert new_run_dir(tmp_path) != first


def test_a_torn_last_line_is_cut_before_the_next_record_is_appended(tmp_path: Path) -> None:
    """A kill mid-write left half a record; resuming must not glue the next record onto it."""
    from llmextract.store import EXTRACTIONS, append_error, repair_torn_tail

    path = tmp_path / EXTRACTIONS
    path.write_text('{"whole": 1}\n{"torn": ', encoding="utf-8")
    append_error(tmp_path, "x.txt", "why")  # another file: unaffected
    assert repair_torn_tail(path) == len('{"torn": ')
    assert path.read_text(encoding="utf-8") == '{"whole": 1}\n'
    assert repair_torn_tail(path) == 0
    path.write_text('{"torn": ', encoding="utf-8")
    assert repair_torn_tail(path) == len('{"torn": ') and path.read_text() == ""


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_replaced_files_get_the_mode_the_umask_allows(
    tmp_path: Path, umask: Callable[[int], None], mask: int, mode: int
) -> None:
    """Colleagues read exports and reports: the temporary file behind an atomic write must not
    keep tempfile's private 0600."""
    umask(mask)
    write_run_info(tmp_path, {"status": "finished"})
    write_run_info(tmp_path, {"status": "finished again"})
    assert stat.S_IMODE((tmp_path / "run.json").stat().st_mode) == mode


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    from llmextract.store import replace_atomically

    target = tmp_path / "export.xlsx"
    target.write_text("old", encoding="utf-8")

    def broken(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_atomically(target, broken)
    assert [p.name for p in tmp_path.iterdir()] == ["export.xlsx"]
    assert target.read_text("utf-8") == "old"
