"""Organizer: backups. Take one now (checked, to download), the ones kept on this computer, and the
daily backup's hour and how many are kept. Restoring is done from a shell with the board stopped (README)."""

import streamlit as st

from services import backup
from services.clock import utcnow
from ui.db import get_db
from ui.feedback import FieldErrors, attempt, flash
from ui.i18n import number, t, when
from ui.safe import md

db = get_db()
user = st.session_state["user"]
COUNTS = ("users", "jobs", "transfers", "uploads")  # the manifest's counts the backup.counts line names

st.title(t("backup.title"))
st.caption(t("backup.help"))


def size(count: int) -> str:
    """A file's size as people read it: KB under a megabyte, else MB with one decimal."""
    return f"{number(count / 1_000_000, 1)} MB" if count >= 1_000_000 else f"{number(count / 1000, 0)} KB"


def check_result(taken: backup.Backup, *, quiet: bool = False) -> None:
    """What the integrity check said of the copy: sound (`quiet`: one line, for the list), or the
    problem it found (always a red box)."""
    if taken.integrity == "ok" and quiet:
        st.caption(f"✅ {t('backup.check_ok')}")
    elif taken.integrity == "ok":
        st.success(t("backup.check_ok"), icon="✅")
    else:
        st.error(t("backup.check_failed", detail=md(taken.integrity)), icon="⚠️")


def download(taken: backup.Backup, key: str) -> None:
    """The archive to save elsewhere: read only when pressed, and the page does not run again."""
    st.download_button(
        t("backup.download"),
        data=taken.path.read_bytes,
        file_name=taken.path.name,
        mime="application/gzip",
        on_click="ignore",
        icon="⬇️",
        use_container_width=True,
        key=key,
    )


def take_now() -> None:
    """One button; the new backup's check and its download under it."""
    if not st.button(t("backup.take"), type="primary", use_container_width=True, key="organizer_backup_take"):
        return
    taken = attempt(lambda: backup.take(db, user, utcnow()))
    if taken:
        st.caption(t("backup.taken"))
        check_result(taken)
        download(taken, "organizer_backup_download_new")


def kept() -> None:
    """Each archive in the backups folder, newest first: when, how big, its check, what it holds."""
    st.subheader(t("backup.kept_heading"), anchor=False)
    archives = backup.kept(db, user)
    if not archives:
        st.caption(t("backup.none"))
    for archive in archives:  # one box each: reads whole on a phone
        with st.container(border=True):
            st.markdown(f"**{t('backup.item', when=when(archive.created_at), size=size(archive.size))}**")
            check_result(archive, quiet=True)
            if archive.counts:
                st.caption(t("backup.counts", **{name: archive.counts.get(name, 0) for name in COUNTS}))
            download(archive, f"organizer_backup_download_{archive.path.name}")


def schedule_form() -> None:
    """Daily backup on or off, its hour on the community's clock, and how many are kept."""
    saved = backup.schedule(db, user)
    errors = FieldErrors()
    with st.form("organizer_backup_schedule"):
        st.subheader(t("backup.schedule_heading"), anchor=False)
        daily = st.toggle(t("backup.daily"), value=saved.daily, key="organizer_backup_daily")
        hour = errors.at(
            "backup_hour",
            st.number_input(
                t("backup.hour"),
                min_value=0,
                max_value=23,
                value=saved.hour,
                step=1,
                help=t("backup.hour_help"),
                key="organizer_backup_hour",
            ),
        )
        keep = errors.at(
            "backup_keep",
            st.number_input(
                t("backup.keep"),
                min_value=1,
                max_value=backup.KEEP_MOST,
                value=saved.keep,
                step=1,
                help=t("backup.keep_help"),
                key="organizer_backup_keep",
            ),
        )
        submitted = st.form_submit_button(t("backup.save"), use_container_width=True, key="organizer_backup_save")
    if submitted and attempt(lambda: backup.configure(db, user, daily=daily, hour=hour, keep=keep), errors=errors):
        flash(t("backup.saved"))
        st.rerun()


take_now()
kept()
schedule_form()
st.caption(t("backup.restore_help"))
