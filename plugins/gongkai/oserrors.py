"""Failures of the disk and the file system, said in one Chinese line: what happened, where, what to do.

One table for every command that writes files (``build``, ``publish``, compression).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class OSProblem:
    what: str                # what happened
    todo: str                # what to do; ``{again}`` is "重新发布" or "再试"
    unusable: bool = False   # the target cannot be used as it is (exit 2) when it happens there


OS_PROBLEMS: dict[int, OSProblem] = {
    errno.ENOSPC: OSProblem("磁盘空间不足", "请清理磁盘（可删除旧版本）后{again}"),
    errno.EDQUOT: OSProblem("磁盘配额已用完", "请清理这个用户的文件（可删除旧版本），或请管理员提高配额后{again}"),
    errno.EFBIG: OSProblem("文件超过了允许的大小", "请检查文件大小限制（ulimit -f）和文件系统的上限后{again}"),
    errno.EACCES: OSProblem("没有权限", "请用有权限的用户运行，或请管理员修改它的权限", unusable=True),
    errno.EPERM: OSProblem("不允许修改", "请检查它是否被设为不可修改（lsattr -d 查看，chattr -i 取消）"
                           "或属于其他用户", unusable=True),
    errno.EROFS: OSProblem("文件系统是只读的", "请把它重新挂载为可写，或换一个目标", unusable=True),
    errno.ENOENT: OSProblem("文件或文件夹不存在", "它可能被其他程序移走或删除了，请检查后{again}"),
    errno.EIO: OSProblem("磁盘读写错误", "磁盘可能有故障，请检查磁盘（dmesg）后{again}"),
}
WRITING = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def os_problem(exc: OSError, doing: str, where: str | os.PathLike | None = None, *,
               again: str = "重新发布") -> tuple[str, bool]:
    """One sentence for a failed file operation (what happened, where, what to do); and whether
    the place cannot be used as it is."""
    problem = OS_PROBLEMS.get(exc.errno) or OSProblem(f"操作失败（{exc.strerror or exc}）", "请检查后{again}")
    where = where if where is not None else exc.filename
    place = f"{doing} {os.fsdecode(where)} 时失败" if where else f"{doing}时失败"
    return f"{problem.what}：{place}。{problem.todo.format(again=again)}。", problem.unusable
