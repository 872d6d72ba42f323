"""Failures of the disk and the file system, said in one Chinese line with what to do."""

from __future__ import annotations

import errno

# errno → what happened, and what to do about it.
MESSAGES: dict[int, str] = {
    errno.ENOSPC: "磁盘空间不足。请清理磁盘（例如删除旧的网站版本或 output 文件夹）后重试",
    errno.EDQUOT: "磁盘配额已用完。请清理文件或请管理员增加配额后重试",
    errno.EFBIG: "文件超过了系统允许的大小。请检查是否放进了过大的文件，或请管理员放宽限制",
    errno.EACCES: "没有写入权限。请用有权限的账户运行，或请管理员修改文件夹权限",
    errno.EPERM: "操作不被允许。请用有权限的账户运行，或请管理员修改文件夹权限",
    errno.EROFS: "磁盘是只读的。请换一个可以写入的位置，或请管理员检查磁盘",
    errno.ENOENT: "文件或文件夹不存在。请检查路径是否写对",
    errno.EIO: "磁盘读写出错。请检查磁盘是否损坏或已拔出",
    errno.ENAMETOOLONG: "文件名或路径太长。请缩短文件名或换一个较短的路径",
    errno.EMFILE: "同时打开的文件太多。请关闭其他程序后重试",
}


def describe(exc: OSError, doing: str) -> str:
    """``doing`` names the step (e.g. "生成网站"); the path comes from the exception."""
    where = f"（{exc.filename}）" if getattr(exc, "filename", None) else ""
    what = MESSAGES.get(exc.errno or 0, f"系统报告：{exc.strerror or exc}。请检查磁盘和文件夹权限后重试")
    return f"{doing}时写入或读取文件失败{where}：{what}。"
