"""Processes seen from the host: whether one is alive, which ones a test program left behind."""

from pathlib import Path


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie (killed, not yet reaped by init) counts as dead."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def survivors(token: str) -> list[int]:
    """Host pids of live processes whose command line holds `token` (pids inside a pid namespace mean nothing here)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and token in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return [p for p in found if alive(p)]
